// One soak run: plan the stream, start omero-fs, drop and inject faults together, let the system
// drain, judge, print the table. Returns the exit code.
const fs = require("node:fs");
const path = require("node:path");
const { walkDisk, localRecords, simRecords, judge } = require("./audit");
const { FAULTS, Faults } = require("./faults");
const { Home } = require("./home");
const { Rng } = require("./rng");
const { Stream } = require("./stream");
const { sleep } = require("./tools");

const SETTLE_MS = 2000;
const WAIT_MS = 4000;
const INCOMPLETE_S = 20;
const ACTIVE = new Set(["waiting", "queued", "importing"]);

function logger(file) {
  const t0 = Date.now();
  return (line) => fs.appendFileSync(file, `${((Date.now() - t0) / 1000).toFixed(1).padStart(7)} ${line}\n`);
}

/** Until nothing is waiting, queued or importing (twice in a row, after a `dropbox sync`), or the deadline. */
async function drain(home, deadline, log) {
  let synced = false;
  let quiet = 0;
  let last = null;
  while (Date.now() < deadline) {
    if (!synced) {
      const r = await home.cli(["dropbox", "sync"], 60_000);
      synced = r.code === 0;
      if (!synced) log(`dropbox sync: ${r.stderr.trim()}`);
    }
    const r = await home.cli(["imports", "list", "--json"]);
    if (r.code === 0) {
      last = JSON.parse(r.stdout).filter((i) => ACTIVE.has(i.state));
      quiet = synced && last.length === 0 ? quiet + 1 : 0;
      if (quiet >= 2) return { drained: true, active: [] };
    }
    await sleep(2000);
  }
  return { drained: false, active: last ?? [] };
}

/** The node and both servers up again after the last fault (restart what a fault left down). */
async function recover(home, log, problems) {
  const deadline = Date.now() + 60_000;
  let r = null;
  while (Date.now() < deadline) {
    r = await home.cli(["admin", "status"]);
    if (r.code === 0) return;
    if (r.code === 3) await home.start().catch((e) => log(`admin start: ${e.message}`));
    await sleep(1000);
  }
  problems.push(`omero-fs not healthy after the faults (admin status exit ${r?.code}): ${r?.stdout.trim()}`);
}

function table(rows) {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
}

async function run(opts) {
  const base = fs.mkdtempSync(path.join(opts.tmp, "omero-fs-soak-"));
  const log = logger(path.join(base, "soak.log"));
  const out = (s) => process.stdout.write(`${s}\n`);
  const replay = `scripts/soak --seed ${opts.seed} --seconds ${opts.seconds} --files ${opts.files} --importer ${opts.importer}`;
  out(
    `soak: seed ${opts.seed}, ${opts.seconds} s, ${opts.files} files, importer ${opts.importer}; work folder ${base}`,
  );
  out(`replay: ${replay}`);
  const rng = new Rng(opts.seed);
  const store = path.join(base, "omero");
  const home = new Home(base, { importer: opts.importer, store, incompleteWait: INCOMPLETE_S });
  const stream = new Stream({
    rng: rng.fork("stream"),
    staging: path.join(base, "src"),
    dropbox: home.dropbox,
    settleMs: SETTLE_MS,
    waitMs: WAIT_MS,
    log,
  });
  const runMs = opts.seconds * 1000;
  stream.plan(opts.files, runMs * 0.7);
  out(`stream: ${stream.layouts.length} layouts, ${stream.counts.files} files planned`);
  const t0 = Date.now();
  try {
    return await soak();
  } catch (e) {
    await home.stop();
    out(`kept: ${base} (omero-fs home: ${home.dir})`);
    throw e;
  }

  async function soak() {
    await home.start();
    const faults = new Faults(home, { rng: rng.fork("faults"), importer: opts.importer, log });
    const meanMs = Math.min(10_000, Math.max(3000, runMs / 12));
    const faulting = faults.run(t0 + runMs * 0.85, meanMs);
    await stream.run(6);
    await faulting;
    await faults.settle();
    const tStream = Date.now();
    await recover(home, log, faults.problems);
    const drained = await drain(home, Date.now() + (INCOMPLETE_S + 30 + 120) * 1000, log);
    const tDrained = Date.now();

    const [ledgerFiles, imports] = await Promise.all([home.json(["files", "list"]), home.json(["imports", "list"])]);
    const check = await home.cli(["dropbox", "check-ledger", "--json"]);
    const records =
      opts.importer === "local" ? localRecords(path.join(home.dir, "data", "ManagedRepository")) : simRecords(store);
    const verdict = judge({
      known: stream.known,
      layouts: stream.layouts,
      disk: walkDisk(home.dropbox),
      records,
      ledgerFiles,
      imports,
      dropbox: home.dropbox,
    });
    await home.stop();

    const heldTotal = Object.values(verdict.held).reduce((a, b) => a + b, 0);
    const faultTotal = Object.values(faults.counts).reduce((a, b) => a + b, 0);
    const rows = [
      [
        "files written",
        `${stream.counts.files} in ${stream.counts.versions} layout versions (${stream.layouts.length} layouts)`,
      ],
      ["files on disk at the end", String(verdict.onDisk)],
      [
        "copy tools",
        Object.entries(stream.counts.tools)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ],
      [
        "after the copy",
        Object.entries(stream.counts.post)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "-",
      ],
      [
        "faults injected",
        `${faultTotal}: ${Object.keys(FAULTS)
          .map((k) => `${k} ${faults.counts[k]}`)
          .join(", ")}`,
      ],
      ["imported (once, whole)", `${verdict.imported} files in ${verdict.records} imports`],
      ["held", `${heldTotal} (${verdict.heldExpected} on purpose: empty, cut, too deep)`],
      ["lost", String(verdict.lost.length)],
      ["doubled", String(verdict.doubled.length)],
      ["half (not whole)", String(verdict.half.length)],
      ["wrong user", String(verdict.wrongUser.length)],
      ["held without a reason", String(verdict.noReason.length)],
      ["filesets imported in part", String(verdict.partial.length)],
      ["filesets split / merged", `${verdict.split.length} / ${verdict.merged} (against the layouts as dropped)`],
      [
        "ledger check",
        check.code === 0 ? "holds" : `exit ${check.code}: ${(check.stdout || check.stderr).trim().slice(0, 300)}`,
      ],
      [
        "drained",
        drained.drained
          ? `yes, ${((tDrained - tStream) / 1000).toFixed(0)} s after the stream`
          : `NO: ${drained.active.length} still active`,
      ],
      ["wall time", `${((Date.now() - t0) / 1000).toFixed(0)} s`],
    ];
    out(`\n${table(rows)}`);
    out(
      `\nheld by reason:\n${table(
        Object.entries(verdict.held)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [String(v), k]),
      )}`,
    );
    const show = (title, list) => {
      if (list.length === 0) return;
      out(`\n${title} (${list.length}; first 10):`);
      for (const x of list.slice(0, 10)) out(`  ${JSON.stringify(x)}`);
    };
    show("LOST", verdict.lost);
    show("DOUBLED", verdict.doubled);
    show("HALF", verdict.half);
    show("WRONG USER", verdict.wrongUser);
    show("HELD WITHOUT A REASON", verdict.noReason);
    show("IMPORTED IN PART (a fileset as dropped, some members not in its import)", verdict.partial);
    show("held though whole (not a failure; worth a look)", verdict.heldUnexpected);
    show("split filesets (not a failure; worth a look)", verdict.split);
    show(
      "still active at the end",
      drained.active.map((i) => ({ id: i.id, state: i.state, waitingFor: i.waitingFor, entry: i.entry })),
    );
    show("fault problems", faults.problems);
    show("copy notes", stream.notes);
    const failed =
      verdict.lost.length +
        verdict.doubled.length +
        verdict.half.length +
        verdict.partial.length +
        verdict.wrongUser.length +
        verdict.noReason.length >
      0;
    const report = {
      seed: opts.seed,
      replay,
      base,
      faults: faults.counts,
      streamCounts: stream.counts,
      verdict,
      drained,
    };
    const jsonFile = opts.json ?? path.join(base, "report.json");
    fs.writeFileSync(jsonFile, JSON.stringify(report, null, 1));
    const keep = failed || opts.keep;
    out(`\n${failed ? "FAILED" : "passed"} (seed ${opts.seed})${keep || opts.json ? `; report ${jsonFile}` : ""}`);
    if (keep) out(`kept: ${base} (omero-fs home: ${home.dir}; the soak's log: ${path.join(base, "soak.log")})`);
    else fs.rmSync(base, { recursive: true, force: true, maxRetries: 3 });
    return failed ? 1 : 0;
  }
}

module.exports = { run };
