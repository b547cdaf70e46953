#!/usr/bin/env node
/**
 * DropBox benchmark (issue 4): N mixed files (single-file TIFFs, ICS/IDS pairs, DV+log, one
 * Micro-Manager folder of 500 planes) written at full speed into two users' folders, with
 * dirImportWait=1, throttleImport=0 and the local importer. Reports time from the first write to
 * the last `imported`, filesets/s, peak RSS of DropBox, and files imported twice or missing;
 * then the same with `kill -9` of DropBox at 30 % and at 70 % of the imports.
 *
 *   npx tsc -b && node scripts/bench/dropbox/bench.js [--files 10000] [--concurrency 4] [--only plain|kill30|kill70]
 *
 * Needs the compiled packages (dist/). Writes under $TMPDIR; homes are removed at the end only
 * (deleting a big tree right before a timed burst slows ext4's inode allocator).
 */

const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { arg } = require("../tree");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MONITOR_MAIN = path.join(ROOT, "packages", "monitor", "dist", "main.js");
const DROPBOX_MAIN = path.join(ROOT, "packages", "dropbox", "dist", "main.js");
const Database = require(require.resolve("better-sqlite3", { paths: [path.join(ROOT, "packages", "dropbox")] }));

const N = Number(arg("files", "10000"));
const CONCURRENCY = arg("concurrency", "4");
const ONLY = arg("only", null);
const MM_PLANES = Math.min(500, Math.floor(N / 20));

const { dv, tiff } = require("./tiff");

/** The workload as [relative path, content] in write order; also the number of filesets. */
function workload() {
  const out = [];
  const T = tiff();
  let filesets = 0;
  // One Micro-Manager folder: metadata.txt written last, as an acquisition finishes.
  const names = [];
  for (let i = 0; i < MM_PLANES; i++) {
    const n = `img_channel000_position000_time${String(i).padStart(9, "0")}_z000.tif`;
    names.push(n);
    out.push([`amy/mm/run1/${n}`, T]);
  }
  const meta = { Summary: { MicroManagerVersion: "2.0" } };
  names.forEach((n, i) => {
    meta[`FrameKey-${i}-0-0`] = { FileName: n };
  });
  out.push(["amy/mm/run1/metadata.txt", Buffer.from(JSON.stringify(meta))]);
  filesets += 1;
  const rest = N - out.length;
  // Of the rest: 2/5 of the files in ICS+IDS pairs, 2/5 in DV+log pairs, 1/5 single TIFFs.
  const pairs = Math.floor(rest / 5);
  for (let i = 0; i < pairs; i++) {
    const u = i % 2 ? "zak" : "amy";
    const d = `${u}/ics/d${Math.floor(i / 200)}`;
    out.push([`${d}/s${i}.ics`, Buffer.from("\n\tics_version\t1.0\nfilename\tx\n")]);
    out.push([`${d}/s${i}.ids`, Buffer.alloc(256)]);
    filesets += 1;
  }
  for (let i = 0; i < pairs; i++) {
    const u = i % 2 ? "amy" : "zak";
    const d = `${u}/dv/d${Math.floor(i / 200)}`;
    out.push([`${d}/v${i}.dv`, dv()]);
    out.push([`${d}/v${i}.dv.log`, Buffer.from("log")]);
    filesets += 1;
  }
  const singles = N - out.length;
  for (let i = 0; i < singles; i++) {
    const u = i % 2 ? "zak" : "amy";
    out.push([`${u}/tif/d${Math.floor(i / 500)}/t${i}.tif`, T]);
    filesets += 1;
  }
  return { files: out, filesets };
}

function waitReady(child, what) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} not ready in 60 s`)), 60000);
    child.on("message", (m) => {
      if (m && m.type === "ready") {
        clearTimeout(t);
        resolve();
      }
    });
    child.on("exit", (c) => reject(new Error(`${what} exited ${c}`)));
  });
}

function spawnServer(main, home, what) {
  const child = spawn(process.execPath, [main, "--home", home], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return { child, ready: waitReady(child, what) };
}

function rssOf(pid, key) {
  try {
    const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function importedFiles(ledger) {
  try {
    const db = new Database(ledger, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT COUNT(*) AS n FROM files WHERE state = 'imported'").get().n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Files imported twice or missing: the ledger (one imported fileset per file) and the ManagedRepository manifests. */
function audit(home, written) {
  const db = new Database(path.join(home, "var", "db", "dropbox.sqlite"), { readonly: true });
  const rows = db
    .prepare(
      "SELECT ff.path AS p, COUNT(*) AS n FROM fileset_files ff JOIN filesets f ON f.id = ff.fileset WHERE f.state = 'imported' GROUP BY ff.path",
    )
    .all();
  const filesets = db.prepare("SELECT COUNT(*) AS n FROM filesets WHERE state = 'imported'").get().n;
  // DropBox's own work: the last fileset formed (grouped); the importer's: the sum of its run times.
  const lastGrouped = Date.parse(db.prepare("SELECT MAX(created_at) AS t FROM filesets").get().t);
  const busy = db
    .prepare("SELECT started_at AS s, finished_at AS f FROM attempts WHERE finished_at IS NOT NULL")
    .all()
    .reduce((a, r) => a + (Date.parse(r.f) - Date.parse(r.s)), 0);
  db.close();
  const inLedger = new Map(rows.map((r) => [r.p, r.n]));
  const copies = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith(".")) walk(path.join(d, e.name));
      else if (e.name === ".omero-fs-import.json") {
        for (const f of JSON.parse(fs.readFileSync(path.join(d, e.name), "utf8")).files)
          copies.set(f.source, (copies.get(f.source) || 0) + 1);
      }
    }
  };
  walk(path.join(home, "data", "ManagedRepository"));
  let twice = 0;
  let missing = 0;
  for (const p of written) {
    const a = inLedger.get(p) || 0;
    const c = copies.get(p) || 0;
    if (a > 1 || c > 1) twice += 1;
    if (a === 0 || c === 0) missing += 1;
  }
  return { twice, missing, filesets, lastGrouped, importerBusyS: busy / 1000 };
}

async function scenario(name, killAt) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `ofs-bench-${name}-`));
  const home = path.join(base, "h");
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(
    path.join(home, "etc", "config.json"),
    JSON.stringify({
      "omero.fs.dirImportWait": "1",
      "omero.fs.throttleImport": "0",
      "omero.fs.importer": "local",
      "omero.fs.importConcurrency": CONCURRENCY,
      "omero.fs.rescanInterval": "0",
    }),
  );
  const drop = path.join(home, "data", "DropBox");
  fs.mkdirSync(drop, { recursive: true });
  const ledger = path.join(home, "var", "db", "dropbox.sqlite");
  const monitor = spawnServer(MONITOR_MAIN, home, "MonitorServer");
  await monitor.ready;
  let dropbox = spawnServer(DROPBOX_MAIN, home, "DropBox");
  await dropbox.ready;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(dropbox.child.pid, "VmRSS"));
  }, 100);
  const { files, filesets } = workload();
  const written = files.map(([rel]) => path.join(drop, rel));
  const dirs = new Set(written.map((p) => path.dirname(p)));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  const t0 = Date.now();
  for (let i = 0; i < files.length; i++) fs.writeFileSync(written[i], files[i][1]);
  const tWritten = Date.now();
  let killed = 0;
  const N_FILES = written.length;
  let lastProgress = 0;
  let lastChange = Date.now();
  for (;;) {
    const n = importedFiles(ledger);
    if (n !== lastProgress) {
      lastProgress = n;
      lastChange = Date.now();
    }
    if (killAt && !killed && n >= killAt * N_FILES) {
      peak = Math.max(peak, rssOf(dropbox.child.pid, "VmHWM"));
      dropbox.child.kill("SIGKILL");
      await new Promise((r) => dropbox.child.once("exit", r));
      killed = n;
      dropbox = spawnServer(DROPBOX_MAIN, home, "DropBox");
      await dropbox.ready;
    }
    if (n >= N_FILES) break;
    if (Date.now() - lastChange > 120000) throw new Error(`${name}: no progress for 120 s at ${n}/${N_FILES}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const tDone = Date.now();
  peak = Math.max(peak, rssOf(dropbox.child.pid, "VmHWM"));
  clearInterval(sampler);
  const a = audit(home, written);
  a.groupedS = (a.lastGrouped - t0) / 1000;
  dropbox.child.kill("SIGTERM");
  await new Promise((r) => dropbox.child.once("exit", r));
  monitor.child.kill("SIGTERM");
  await new Promise((r) => monitor.child.once("exit", r));
  return {
    name,
    files: N_FILES,
    filesets,
    writeS: (tWritten - t0) / 1000,
    totalS: (tDone - t0) / 1000,
    filesetsPerS: filesets / ((tDone - t0) / 1000),
    peakRssMiB: peak / 1048576,
    killedAt: killed,
    groupedS: 0,
    ...a,
    base,
  };
}

/** Raw disk cost of what the local importer does per fileset: copy + fsync of the same tree. */
function copyBaseline(src) {
  const dst = `${src}-copy`;
  const t0 = Date.now();
  execFileSync("cp", ["-r", src, dst]);
  execFileSync("sync");
  return (Date.now() - t0) / 1000;
}

async function main() {
  const runs = [
    ["plain", 0],
    ["kill30", 0.3],
    ["kill70", 0.7],
  ].filter(([n]) => !ONLY || ONLY === n);
  const results = [];
  for (const [name, at] of runs) {
    process.stderr.write(`running ${name} (${N} files)...\n`);
    results.push(await scenario(name, at));
  }
  const copyS = copyBaseline(path.join(results[0].base, "h", "data", "DropBox"));
  const pad = (s, w) => String(s).padEnd(w);
  const lines = [
    `DropBox benchmark: ${N} files (MM folder of ${MM_PLANES} planes, ICS/IDS pairs, DV+log pairs, single TIFFs), 2 users, dirImportWait=1, throttleImport=0, local importer, importConcurrency=${CONCURRENCY}`,
    "",
    `${pad("run", 8)}${pad("files", 8)}${pad("filesets", 10)}${pad("write s", 9)}${pad("all grouped s", 15)}${pad("importer busy s", 17)}${pad("first write->last imported s", 30)}${pad("filesets/s", 12)}${pad("peak RSS MiB", 14)}${pad("killed at", 11)}${pad("twice", 7)}missing`,
  ];
  for (const r of results) {
    lines.push(
      `${pad(r.name, 8)}${pad(r.files, 8)}${pad(r.filesets, 10)}${pad(r.writeS.toFixed(1), 9)}${pad(r.groupedS.toFixed(1), 15)}${pad(r.importerBusyS.toFixed(0), 17)}${pad(r.totalS.toFixed(1), 30)}${pad(r.filesetsPerS.toFixed(0), 12)}${pad(r.peakRssMiB.toFixed(0), 14)}${pad(r.killedAt ? `${r.killedAt} files` : "-", 11)}${pad(r.twice, 7)}${r.missing}`,
    );
  }
  lines.push(
    "",
    `raw copy of the same tree (cp -r + sync): ${copyS.toFixed(1)} s`,
    "all grouped: first write -> last fileset formed (DropBox's own intake and grouping, includes the 1 s quiet period's start);",
    `importer busy: sum of importer run times (local: copy + SHA-1 + fsync + verify per fileset), spread over importConcurrency=${CONCURRENCY}.`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  if (!process.env.BENCH_KEEP) for (const r of results) fs.rmSync(r.base, { recursive: true, force: true });
  else process.stderr.write(`kept: ${results.map((r) => r.base).join(" ")}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
