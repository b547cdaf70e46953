#!/usr/bin/env node
/**
 * Plate benchmark (issue 10): a 384-well MetaXpress plate, 2 x 2 sites, 4 wavelengths (the .HTD +
 * 6,144 TIFFs = 6,145 files) dropped into a real MonitorServer + DropBox (local importer, defaults
 * otherwise: dirImportWait 60 s, settleTime 2 s):
 * - at acquisition pace (index first, one well of 16 images at a time over --pace-s seconds) and in
 *   one burst: time from the last image written to the plate `imported`, and to `queued`;
 * - the cost of one waiting plate (all but the last image there): DropBox RSS and ledger size
 *   (dropbox.sqlite + -wal) against the idle DropBox, and the DropBox CPU used during the acquisition;
 * - grouping time: `files plan` (planTree: walk, probes, groupFilesets, readiness) of the whole
 *   plate folder, and groupFilesets alone on the probed candidates (median of 5).
 *
 *   npx tsc -b && node scripts/bench/dropbox/plate.js [--pace-s 25]
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MONITOR_MAIN = path.join(ROOT, "packages", "monitor", "dist", "main.js");
const DROPBOX_MAIN = path.join(ROOT, "packages", "dropbox", "dist", "main.js");
const Database = require(require.resolve("better-sqlite3", { paths: [path.join(ROOT, "packages", "dropbox")] }));
const { planTree } = require(path.join(ROOT, "packages", "dropbox", "dist", "plan.js"));
const { resolveOptions } = require(path.join(ROOT, "packages", "dropbox", "dist", "options.js"));
const { loadConfigOrThrow } = require(path.join(ROOT, "packages", "config", "dist", "index.js"));
const readers = require(path.join(ROOT, "packages", "readers", "dist", "index.js"));
const { cpuSeconds } = require("../tree");

const arg = (n, d) => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const PACE_S = Number(arg("pace-s", "25"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A 4x4 8-bit TIFF. */
function tiff() {
  const e = [
    [256, 3, 1, 4],
    [257, 3, 1, 4],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 1],
    [273, 4, 1, -2],
    [277, 3, 1, 1],
    [278, 3, 1, 4],
    [279, 4, 1, 16],
  ];
  const pixAt = 8 + 2 + e.length * 12 + 4;
  const b = Buffer.alloc(pixAt + 16);
  b.write("II", 0, "latin1");
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(e.length, 8);
  e.forEach(([tag, type, count, v], i) => {
    const o = 10 + i * 12;
    b.writeUInt16LE(tag, o);
    b.writeUInt16LE(type, o + 2);
    b.writeUInt32LE(count, o + 4);
    if (v === -2) b.writeUInt32LE(pixAt, o + 8);
    else if (type === 3) b.writeUInt16LE(v, o + 8);
    else b.writeUInt32LE(v, o + 8);
  });
  return b;
}
const TIFF = tiff();

/** The plate: HTD text and the image names per well (MetaxpressTiffReader naming). */
function plate(name) {
  const lines = [
    '"HTSInfoFile", Version 1.0',
    `"Description", "${name}"`,
    '"TimePoints", 1',
    '"ZSeries", FALSE',
    '"ZSteps", 1',
    '"XWells", 24',
    '"YWells", 16',
  ];
  for (let r = 0; r < 16; r++) lines.push(`"WellsSelection${r + 1}", ${Array(24).fill("TRUE").join(", ")}`);
  lines.push(
    '"Sites", TRUE',
    '"XSites", 2',
    '"YSites", 2',
    '"SiteSelection1", TRUE, TRUE',
    '"SiteSelection2", TRUE, TRUE',
  );
  lines.push('"Waves", TRUE', '"NWavelengths", 4');
  for (let w = 1; w <= 4; w++) lines.push(`"WaveName${w}", "W${w}"`, `"WaveCollect${w}", 1`);
  lines.push('"EndFile"');
  const wells = [];
  for (let r = 0; r < 16; r++)
    for (let c = 0; c < 24; c++) {
      const well = `${String.fromCharCode(65 + r)}${String(c + 1).padStart(2, "0")}`;
      const names = [];
      for (let s = 1; s <= 4; s++) for (let w = 1; w <= 4; w++) names.push(`${name}_${well}_s${s}_w${w}.TIF`);
      wells.push(names);
    }
  return { htd: `${lines.join("\r\n")}\r\n`, wells };
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

async function up(config) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-bench-plate-"));
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
  const down = async () => {
    for (const c of [...procs].reverse()) {
      c.kill("SIGTERM");
      await new Promise((r) => (c.exitCode !== null ? r() : c.on("exit", r)));
    }
    fs.rmSync(base, { recursive: true, force: true });
  };
  return { home, base, drop, ledger, dropbox: procs[1], down };
}

const rssMiB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
const ledgerBytes = (ledger) =>
  ["", "-wal"].reduce((n, s) => n + (fs.existsSync(ledger + s) ? fs.statSync(ledger + s).size : 0), 0);

function stateOf(ledger, entry) {
  try {
    const db = new Database(ledger, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT state, waiting_for FROM filesets WHERE entry = ?").get(entry) ?? null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

async function untilState(ledger, entry, states, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = stateOf(ledger, entry);
    if (s && states.includes(s.state)) return { at: Date.now(), s };
    if (Date.now() > deadline) throw new Error(`${entry} not ${states} in ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await sleep(20);
  }
}

async function run(mode) {
  const env = await up({
    "omero.fs.throttleImport": "0",
    "omero.fs.importer": "local",
    "omero.fs.rescanInterval": "0",
  });
  const { drop, ledger, dropbox } = env;
  await sleep(1500);
  const idleRss = rssMiB(dropbox.pid);
  const idleLedger = ledgerBytes(ledger);
  const cpu0 = cpuSeconds(dropbox.pid);
  const p = plate("P1");
  const dir = path.join(drop, "amy", "screen");
  fs.mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, "P1.HTD");
  const t0 = Date.now();
  fs.writeFileSync(entry, p.htd);
  const all = p.wells.flat();
  const last = all.pop();
  let waitingRss = Number.NaN;
  let waitingLedger = Number.NaN;
  let waitingFor = "";
  if (mode === "pace") {
    const perWell = (PACE_S * 1000) / p.wells.length;
    for (let i = 0; i < all.length; i += 16) {
      for (const n of all.slice(i, i + 16)) fs.writeFileSync(path.join(dir, n), TIFF);
      await sleep(perWell);
    }
    // One waiting plate: everything but the last image is there.
    const w = await untilState(ledger, entry, ["waiting"], 60_000);
    for (let k = 0; k < 100; k++) {
      const s = stateOf(ledger, entry);
      if (s?.waiting_for?.includes("6,143 of 6,144")) break;
      await sleep(100);
    }
    await sleep(1500);
    waitingRss = rssMiB(dropbox.pid);
    waitingLedger = ledgerBytes(ledger);
    waitingFor = stateOf(ledger, entry)?.waiting_for ?? w.s.waiting_for;
  } else {
    for (const n of all) fs.writeFileSync(path.join(dir, n), TIFF);
  }
  fs.writeFileSync(path.join(dir, last), TIFF);
  const lastAt = Date.now();
  const queued = await untilState(ledger, entry, ["queued", "importing", "imported"], 300_000);
  const imported = await untilState(ledger, entry, ["imported"], 600_000);
  const cpu = cpuSeconds(dropbox.pid) - cpu0;
  const peakRss = rssMiB(dropbox.pid);
  const finalLedger = ledgerBytes(ledger);
  await env.down();
  return {
    mode,
    writeS: (lastAt - t0) / 1000,
    toQueuedS: (queued.at - lastAt) / 1000,
    toImportedS: (imported.at - lastAt) / 1000,
    idleRss,
    waitingRss,
    peakRss,
    idleLedger,
    waitingLedger,
    finalLedger,
    cpu,
    waitingFor,
  };
}

async function grouping() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-bench-plan-"));
  const dir = path.join(base, "screen");
  fs.mkdirSync(dir, { recursive: true });
  const p = plate("P1");
  fs.writeFileSync(path.join(dir, "P1.HTD"), p.htd);
  for (const n of p.wells.flat()) fs.writeFileSync(path.join(dir, n), TIFF);
  fs.mkdirSync(path.join(base, "home", "etc"), { recursive: true });
  const opts = resolveOptions(loadConfigOrThrow({ home: path.join(base, "home") }));
  const cat = readers.defaultCatalogue();
  const times = [];
  let fsets = 0;
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    const r = await planTree(dir, opts.watches[0], cat, Date.now() + 3_600_000);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    fsets = r.filesets.length;
  }
  const cands = [{ path: path.join(dir, "P1.HTD"), size: p.htd.length, probe: { head: Buffer.from(p.htd, "latin1") } }];
  for (const n of p.wells.flat())
    cands.push({ path: path.join(dir, n), size: TIFF.length, probe: { head: TIFF, tiffDescription: null } });
  const g = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    readers.groupFilesets(cands, cat);
    g.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  fs.rmSync(base, { recursive: true, force: true });
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { plan: med(times), group: med(g), filesets: fsets };
}

(async () => {
  const g = await grouping();
  console.log(
    `grouping, 6,145-file plate: files plan (walk + probes + groupFilesets + readiness) ${g.plan.toFixed(0)} ms (${g.filesets} fileset); groupFilesets alone ${g.group.toFixed(0)} ms (median of 5)`,
  );
  for (const mode of ["pace", "burst"]) {
    const r = await run(mode);
    const mib = (b) => (b / 1024 / 1024).toFixed(2);
    console.log(
      `${mode === "pace" ? `acquisition pace (${PACE_S} s, one well at a time)` : "one burst"}: written in ${r.writeS.toFixed(1)} s; last image -> queued ${r.toQueuedS.toFixed(2)} s, -> imported ${r.toImportedS.toFixed(2)} s; DropBox CPU ${r.cpu.toFixed(1)} s`,
    );
    if (mode === "pace")
      console.log(
        `  one waiting plate (6,144 of 6,145 files): DropBox RSS ${r.idleRss.toFixed(0)} MiB idle -> ${r.waitingRss.toFixed(0)} MiB (+${(r.waitingRss - r.idleRss).toFixed(0)} MiB); ledger ${mib(r.idleLedger)} -> ${mib(r.waitingLedger)} MiB; reason: ${r.waitingFor}`,
      );
    console.log(`  after import: DropBox RSS ${r.peakRss.toFixed(0)} MiB, ledger ${mib(r.finalLedger)} MiB`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
