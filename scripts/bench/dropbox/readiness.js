#!/usr/bin/env node
/**
 * Readiness benchmark (issue 9), with the default dirImportWait (60 s) and settleTime (2 s):
 * - time from the last byte of a proven-complete fileset to `imported` (median, p99) for
 *   single-file OME-TIFFs, companion sets (OME-XML companion + 2 TIFFs) and a 100-file
 *   Micro-Manager folder, all written at once (local importer, throttleImport 0);
 * - partial or split imports in a run with slow writers (fd kept open, pauses of 1.5 s longer than
 *   dirImportWait=1): must be 0;
 * - cost of the open-file check (one /proc scan) for 10,000 waiting files: ms and CPU per check.
 *
 *   npx tsc -b && node scripts/bench/dropbox/readiness.js [--singles 20] [--companions 10]
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MONITOR_MAIN = path.join(ROOT, "packages", "monitor", "dist", "main.js");
const DROPBOX_MAIN = path.join(ROOT, "packages", "dropbox", "dist", "main.js");
const Database = require(require.resolve("better-sqlite3", { paths: [path.join(ROOT, "packages", "dropbox")] }));
const { openForWrite } = require(path.join(ROOT, "packages", "dropbox", "dist", "open-files.js"));
const { dv, tiff } = require("./tiff");

const arg = (n, d) => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const SINGLES = Number(arg("singles", "20"));
const COMPANIONS = Number(arg("companions", "10"));

const ome = (names, self) =>
  `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="4" SizeY="4" SizeZ="${names.length}" SizeC="1" SizeT="1">${names
    .map((n, i) =>
      self
        ? `<TiffData IFD="0" PlaneCount="1"/>`
        : `<TiffData FirstZ="${i}" IFD="0" PlaneCount="1"><UUID FileName="${n}">urn:uuid:${i}</UUID></TiffData>`,
    )
    .join("")}</Pixels></Image></OME>`;

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
async function up(config) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-bench-ready-"));
  const home = path.join(base, "h");
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify(config));
  const drop = path.join(home, "data", "DropBox");
  fs.mkdirSync(drop, { recursive: true });
  const procs = [];
  for (const [main, what] of [
    [MONITOR_MAIN, "MonitorServer"],
    [DROPBOX_MAIN, "DropBox"],
  ]) {
    const child = spawn(process.execPath, [main, "--home", home], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    procs.push(child);
    await waitReady(child, what);
  }
  const ledger = path.join(home, "var", "db", "dropbox.sqlite");
  const down = () => {
    for (const c of procs.reverse()) c.kill("SIGTERM");
    setTimeout(() => fs.rmSync(base, { recursive: true, force: true }), 2000);
  };
  return { drop, ledger, down };
}
function importedRows(ledger) {
  try {
    const db = new Database(ledger, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare(
          "SELECT f.id, f.entry, f.state, (SELECT json_group_array(ff.path) FROM fileset_files ff WHERE ff.fileset = f.id) AS files FROM filesets f",
        )
        .all();
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function latency() {
  const { drop, ledger, down } = await up({
    "omero.fs.throttleImport": "0",
    "omero.fs.importer": "local",
    "omero.fs.importConcurrency": "2",
    "omero.fs.rescanInterval": "0",
  });
  const sets = []; // { kind, entry, lastByte }
  const w = (p, c) => {
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, c);
  };
  for (let i = 0; i < SINGLES; i++) {
    const p = path.join(drop, "amy", "ome", `s${i}.ome.tif`);
    w(p, tiff(ome([`s${i}.ome.tif`], true)));
    sets.push({ kind: "single-file OME-TIFF", entry: p, lastByte: Date.now() });
  }
  for (let i = 0; i < COMPANIONS; i++) {
    const d = path.join(drop, "amy", "comp", `c${i}`);
    const names = ["a.ome.tif", "b.ome.tif"];
    for (const n of names) w(path.join(d, n), tiff(ome(names, false)));
    w(path.join(d, "set.companion.ome"), ome(names, false));
    sets.push({ kind: "companion set (3 files)", entry: path.join(d, "set.companion.ome"), lastByte: Date.now() });
  }
  {
    const d = path.join(drop, "zak", "mm", "run1");
    const names = [];
    for (let i = 0; i < 100; i++) {
      const n = `img_channel000_position000_time${String(i).padStart(9, "0")}_z000.tif`;
      names.push(n);
      w(path.join(d, n), tiff());
    }
    const meta = { Summary: { MicroManagerVersion: "2.0" } };
    names.forEach((n, i) => {
      meta[`FrameKey-${i}-0-0`] = { FileName: n };
    });
    w(path.join(d, "metadata.txt"), JSON.stringify(meta));
    sets.push({ kind: "Micro-Manager folder (101 files)", entry: path.join(d, "metadata.txt"), lastByte: Date.now() });
  }
  const done = new Map();
  const deadline = Date.now() + 120_000;
  while (done.size < sets.length && Date.now() < deadline) {
    const rows = importedRows(ledger);
    const now = Date.now();
    for (const r of rows) if (r.state === "imported" && !done.has(r.entry)) done.set(r.entry, now);
    await sleep(50);
  }
  down();
  const by = new Map();
  for (const s of sets) {
    const t = done.get(s.entry);
    if (!by.has(s.kind)) by.set(s.kind, []);
    by.get(s.kind).push(t === undefined ? Number.NaN : (t - s.lastByte) / 1000);
  }
  return by;
}

async function slowWriters() {
  const { drop, ledger, down } = await up({
    "omero.fs.dirImportWait": "1",
    "omero.fs.throttleImport": "0",
    "omero.fs.importer": "local",
    "omero.fs.rescanInterval": "0",
  });
  const N = 6;
  const paths = [];
  const kids = [];
  for (let i = 0; i < N; i++) {
    const p = path.join(drop, "amy", "slow", `s${i}.dv`);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    paths.push(p);
    const c = spawn(
      process.execPath,
      [
        "-e",
        `const fs=require("fs");const fd=fs.openSync(process.argv[1],"w");fs.writeSync(fd,Buffer.from(process.argv[2],"base64"));let n=0;const t=setInterval(()=>{fs.writeSync(fd,Buffer.alloc(4096));if(++n===4){clearInterval(t);fs.closeSync(fd);}},1500);`,
        p,
        // A whole DeltaVision image first (DeltavisionReader's magic number), then appends: the open fd holds it.
        dv().toString("base64"),
      ],
      { stdio: "ignore" },
    );
    kids.push(new Promise((r) => c.on("exit", r)));
  }
  await Promise.all(kids);
  const deadline = Date.now() + 30_000;
  let rows = [];
  while (Date.now() < deadline) {
    rows = importedRows(ledger).filter((r) => r.state === "imported");
    if (rows.length >= N) break;
    await sleep(100);
  }
  await sleep(3000); // anything imported twice would show now
  rows = importedRows(ledger).filter((r) => r.state === "imported");
  down();
  const per = new Map(paths.map((p) => [p, 0]));
  for (const r of rows) for (const f of JSON.parse(r.files)) per.set(f, (per.get(f) || 0) + 1);
  const split = [...per.values()].filter((n) => n > 1).length;
  const missing = [...per.values()].filter((n) => n === 0).length;
  return { files: N, imports: rows.length, split, missing };
}

async function openFileCost() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-bench-open-"));
  const wanted = new Set();
  for (let i = 0; i < 10000; i++) wanted.add(path.join(base, `d${i % 100}`, `f${i}.tif`));
  // One real writer among them, so the check has something to find.
  const real = path.join(base, "open.tif");
  const fd = fs.openSync(real, "w");
  wanted.add(real);
  await openForWrite(wanted); // warm
  const K = 20;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let found = 0;
  for (let i = 0; i < K; i++) found = (await openForWrite(wanted)).size;
  const wall = Number(process.hrtime.bigint() - t0) / 1e6 / K;
  const cpu = process.cpuUsage(c0);
  fs.closeSync(fd);
  fs.rmSync(base, { recursive: true, force: true });
  const procs = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).length;
  return { wallMs: wall, cpuMs: (cpu.user + cpu.system) / 1000 / K, found, procs };
}

(async () => {
  const open = await openFileCost();
  const lat = await latency();
  const slow = await slowWriters();
  console.log("\nReadiness benchmark (dirImportWait 60 s, settleTime 2 s, local importer)\n");
  console.log("| fileset kind | n | median s | p99 s |");
  console.log("|---|---|---|---|");
  for (const [k, xs] of lat)
    console.log(`| ${k} | ${xs.length} | ${pct(xs, 50).toFixed(2)} | ${pct(xs, 99).toFixed(2)} |`);
  console.log(
    `\nSlow writers (dirImportWait 1 s, fd open, 1.5 s pauses): ${slow.files} files, ${slow.imports} imports, split/partial ${slow.split}, missing ${slow.missing}`,
  );
  console.log(
    `Open-file check, 10,001 waiting paths, ${open.procs} processes: ${open.wallMs.toFixed(1)} ms wall, ${open.cpuMs.toFixed(1)} ms CPU per check (found ${open.found} open for writing)`,
  );
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
