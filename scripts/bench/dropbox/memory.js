#!/usr/bin/env node
/**
 * DropBox memory benchmark (docs/ARCHITECTURE.md, "Processes": each server under 150 MiB RSS with 100,000
 * files in the tree). Three scenarios, servers spawned as the node supervisor does
 * (`node --max-semi-space-size=4 packages/cli/bin/omero-fs.js --home H <server> --quiet`):
 *
 *   a  cold start: a tree of N files not yet imported, empty ledger
 *   b  restart of both servers with the ledger of (a): every file already imported
 *   c  a burst: N files hard-linked into the (empty) watch tree of a running DropBox
 *   d  first start on a full DropBox (omero.fs.existingFiles=skip): the N files are recorded as
 *      `existing` by the first walk, none imported
 *
 * For each: peak RSS (VmHWM) of DropBox and MonitorServer, time from spawn to DropBox ready, and
 * time until every file is queued (its fileset's quiet period is over; a, c) and how many filesets
 * were imported IMPORT_SECONDS later (`--until imported` waits for all of them), or until every
 * file is known (b). (b) starts from the ledger of (a) with every fileset marked imported unless
 * (a) ran `--until imported`.
 *
 *   npx tsc -b packages/cli && node scripts/bench/dropbox/memory.js [--files 100000]
 *       [--importer exec|local] [--only a,b,c,d] [--until queued|imported] [--import-seconds 20]
 *       [--dropbox-args "--max-old-space-size=96"]
 *
 * The source tree (2 users x N/200 folders x 100 small files: 80 TIFFs and 10 ICS/IDS pairs)
 * is generated once under $TMPDIR/omero-fs-mem/tree-N and kept: ext4 creates files slowly right
 * after a mass delete, so it is never deleted here. The burst (c) hard-links that tree (no new
 * inodes); homes are left under $TMPDIR/omero-fs-mem/runs and removed by hand when convenient.
 */

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { arg } = require("../tree");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLI_BIN = path.join(ROOT, "packages", "cli", "bin", "omero-fs.js");
const Database = require(require.resolve("better-sqlite3", { paths: [path.join(ROOT, "packages", "dropbox")] }));

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  // The header comment above is the usage.
  const src = fs.readFileSync(__filename, "utf8");
  process.stdout.write(
    `${src
      .slice(src.indexOf("/**") + 3, src.indexOf("*/"))
      .replace(/^ \* ?/gm, "")
      .trim()}\n`,
  );
  process.exit(0);
}

const N = Number(arg("files", "100000"));
const IMPORTER = arg("importer", "exec");
const ONLY = arg("only", "a,b,c,d").split(",");
const UNTIL = arg("until", "queued");
const IMPORT_SECONDS = Number(arg("import-seconds", "20"));
const DROPBOX_ARGS = (arg("dropbox-args", "") || "").split(" ").filter(Boolean);
const BASE = path.join(os.tmpdir(), "omero-fs-mem");
const PER_DIR = 100;
const USERS = ["amy", "bob"];

const { tiff } = require("./tiff");

/** Relative paths of the tree, per folder: 80 TIFFs, 10 ICS 2 (.ics+.ids) pairs. */
function* treeFiles() {
  const dirs = N / PER_DIR / USERS.length;
  for (const u of USERS) {
    for (let d = 0; d < dirs; d++) {
      const dir = `${u}/d${String(d).padStart(4, "0")}`;
      for (let i = 0; i < 80; i++) yield [`${dir}/img${String(i).padStart(3, "0")}.tif`, "tif"];
      for (let i = 0; i < 10; i++) {
        yield [`${dir}/s${i}.ics`, "ics"];
        yield [`${dir}/s${i}.ids`, "ids"];
      }
    }
  }
}
const FILESETS = (N / PER_DIR) * 90;

function ensureTree() {
  const tree = path.join(BASE, `tree-${N}`);
  const done = path.join(BASE, `tree-${N}.done`);
  if (fs.existsSync(done)) return tree;
  console.log(`generating ${N} files under ${tree} (once; kept for later runs)`);
  const T = tiff();
  const made = new Set();
  for (const [rel, kind] of treeFiles()) {
    const p = path.join(tree, rel);
    const dir = path.dirname(p);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const body = kind === "tif" ? T : kind === "ics" ? `ics_version\t2.0\nfilename\t${path.basename(rel)}\n` : "ids";
    fs.writeFileSync(p, body);
  }
  fs.writeFileSync(done, "");
  return tree;
}

function makeHome(name, watchDir, extra = {}) {
  const home = path.join(BASE, "runs", `${name}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  const cfg = {
    "omero.fs.dirImportWait": "1",
    "omero.fs.throttleImport": "0",
    "omero.fs.importConcurrency": "2",
    "omero.fs.watchDir": watchDir,
    "omero.fs.rescanInterval": "0",
    ...extra,
  };
  if (IMPORTER === "exec") {
    cfg["omero.fs.importer"] = "exec";
    cfg["omero.fs.execCommand"] = "true";
  }
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify(cfg, null, 2));
  return home;
}

function spawnServer(home, sub, extra = []) {
  const child = spawn(
    process.execPath,
    ["--max-semi-space-size=4", ...extra, CLI_BIN, "--home", home, sub, "--quiet"],
    { stdio: ["ignore", "ignore", "pipe", "ipc"] },
  );
  let err = "";
  child.stderr.on("data", (d) => {
    err = (err + d).slice(-4000);
  });
  const t0 = Date.now();
  const ready = new Promise((resolve, reject) => {
    child.on("message", (m) => {
      if (m && m.type === "ready") resolve(Date.now() - t0);
    });
    child.on("exit", (code, sig) => reject(new Error(`${sub} exited (${code ?? sig}) before ready: ${err}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, t0 };
}

function vmhwm(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function stopServer(s) {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once("exit", () => resolve());
    s.child.kill("SIGTERM");
    setTimeout(() => s.child.kill("SIGKILL"), 15000).unref();
  });
}

/** Poll the ledger (read-only) until `done(counts)`; returns ms since `t0`. */
async function waitLedger(home, t0, done, label, timeoutMs = 30 * 60_000) {
  const file = path.join(home, "var", "db", "dropbox.sqlite");
  let last = "";
  while (Date.now() - t0 < timeoutMs) {
    if (fs.existsSync(file)) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma("busy_timeout = 5000");
      const c = { files: {}, filesets: {} };
      for (const r of db.prepare("SELECT state, COUNT(*) AS n FROM files GROUP BY state").all()) c.files[r.state] = r.n;
      for (const r of db.prepare("SELECT state, COUNT(*) AS n FROM filesets GROUP BY state").all())
        c.filesets[r.state] = r.n;
      c.dupes = db
        .prepare("SELECT COUNT(*) AS n FROM attempts WHERE ok = 1 GROUP BY fileset HAVING n > 1")
        .all().length;
      db.close();
      last = JSON.stringify(c);
      if (done(c)) return { ms: Date.now() - t0, counts: c };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${label}: timed out; last counts ${last}`);
}

const allImported = (c) => (c.files.imported ?? 0) === N && (c.filesets.imported ?? 0) === FILESETS;
/** Every file known and in a fileset that is queued or further (the quiet period is over). */
const allQueued = (c) =>
  (c.files.grouped ?? 0) + (c.files.imported ?? 0) === N &&
  (c.filesets.waiting ?? 0) === 0 &&
  (c.filesets.queued ?? 0) + (c.filesets.importing ?? 0) + (c.filesets.imported ?? 0) === FILESETS;

/**
 * Until every file is queued, then IMPORT_SECONDS of importing (the peak is read after it), or
 * with `--until imported` until every fileset is imported (90,000 filesets: about an hour with
 * concurrency 2 on this machine, so not the default).
 */
async function waitWork(home, t0, label) {
  const q = await waitLedger(home, t0, allQueued, label);
  if (UNTIL === "imported") {
    const r = await waitLedger(home, t0, allImported, label, 3 * 3600_000);
    return { queuedS: (q.ms / 1000).toFixed(1), doneS: (r.ms / 1000).toFixed(1), dupes: r.counts.dupes };
  }
  await new Promise((res) => setTimeout(res, IMPORT_SECONDS * 1000));
  const r = await waitLedger(home, t0, () => true, label);
  return {
    queuedS: (q.ms / 1000).toFixed(1),
    importedAfter: `${r.counts.filesets.imported ?? 0} filesets in ${(r.ms / 1000).toFixed(0)} s`,
    dupes: r.counts.dupes,
  };
}

/** The ledger of (a) with every fileset imported (what (a) reaches after its imports, faster). */
function markAllImported(home) {
  const db = new Database(path.join(home, "var", "db", "dropbox.sqlite"));
  const stamp = new Date().toISOString();
  db.transaction(() => {
    db.prepare("UPDATE filesets SET state = 'imported', imported_at = ? WHERE state <> 'imported'").run(stamp);
    db.prepare("UPDATE files SET state = 'imported', reason = NULL WHERE state = 'grouped'").run();
    db.prepare("DELETE FROM jobs").run();
  })();
  db.close();
}

/** Hard-link every file of `src` into `dst` at full speed (new names, no new inodes). */
function linkTree(src, dst) {
  for (const u of fs.readdirSync(src)) {
    for (const d of fs.readdirSync(path.join(src, u))) {
      const sd = path.join(src, u, d);
      const dd = path.join(dst, u, d);
      fs.mkdirSync(dd, { recursive: true });
      for (const f of fs.readdirSync(sd)) fs.linkSync(path.join(sd, f), path.join(dd, f));
    }
  }
}

async function scenario(name, home, body) {
  const mon = spawnServer(home, "monitor-server");
  await mon.ready;
  const box = spawnServer(home, "dropbox", DROPBOX_ARGS);
  const readyMs = await box.ready;
  let extra;
  let row;
  try {
    extra = await body(box);
  } finally {
    row = {
      scenario: name,
      importer: IMPORTER,
      dropboxPeakMiB: vmhwm(box.child.pid)?.toFixed(0),
      monitorPeakMiB: vmhwm(mon.child.pid)?.toFixed(0),
      readyS: (readyMs / 1000).toFixed(1),
    };
    await stopServer(box);
    await stopServer(mon);
  }
  Object.assign(row, extra);
  console.log(JSON.stringify(row));
  return row;
}

async function main() {
  fs.mkdirSync(path.join(BASE, "runs"), { recursive: true });
  const tree = ensureTree();
  const rows = [];
  let homeA = null;
  if (ONLY.includes("a") || ONLY.includes("b")) {
    // Files already there are imported (the pre-existing-files rule would skip them: see d).
    homeA = makeHome("a", tree, { "omero.fs.existingFiles": "import" });
    rows.push(
      await scenario("a cold start", homeA, async (box) => {
        return waitWork(homeA, box.t0, "a");
      }),
    );
  }
  if (ONLY.includes("b")) {
    if (UNTIL !== "imported") markAllImported(homeA);
    rows.push(
      await scenario("b restart, all imported", homeA, async (box) => {
        const r = await waitLedger(homeA, box.t0, allImported, "b");
        // Let the first ticks after ready run before reading the peak.
        await new Promise((res) => setTimeout(res, 5000));
        return { queuedS: "-", doneS: (r.ms / 1000).toFixed(1), dupes: r.counts.dupes };
      }),
    );
  }
  if (ONLY.includes("c")) {
    const watch = path.join(BASE, "runs", `burst-${process.pid}-${Date.now()}`);
    fs.mkdirSync(watch, { recursive: true });
    const homeC = makeHome("c", watch);
    rows.push(
      await scenario("c burst while running", homeC, async () => {
        const t0 = Date.now();
        linkTree(tree, watch);
        const writeS = ((Date.now() - t0) / 1000).toFixed(1);
        return { writeS, ...(await waitWork(homeC, t0, "c")) };
      }),
    );
  }
  if (ONLY.includes("d")) {
    const homeD = makeHome("d", tree);
    rows.push(
      await scenario("d first start, existing skipped", homeD, async (box) => {
        const r = await waitLedger(homeD, box.t0, (c) => (c.files.existing ?? 0) === N, "d");
        return { queuedS: "-", doneS: (r.ms / 1000).toFixed(1), dupes: r.counts.dupes };
      }),
    );
  }
  console.log(
    "\n| scenario | importer | DropBox peak MiB | MonitorServer peak MiB | ready s | all queued s | all imported/known s |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows)
    console.log(
      `| ${r.scenario} | ${r.importer} | ${r.dropboxPeakMiB} | ${r.monitorPeakMiB} | ${r.readyS} | ${r.queuedS} | ${r.doneS ?? r.importedAfter} |`,
    );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
