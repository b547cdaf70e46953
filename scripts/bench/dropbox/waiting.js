#!/usr/bin/env node
/**
 * What waiting filesets cost while nothing changes (issue 19): amy drops --files .tif files that
 * never become complete (each its own fileset): empty (--kind empty, "empty file") or cut after their
 * header (--kind cut, "TIFF truncated": these go through the open-file and structure checks), then
 * nothing changes.
 * Real MonitorServer + DropBox, local importer, dirImportWait --wait s, settleTime 2 s.
 *
 * - zak's single-file OME-TIFF (proven complete: settleTime path) dropped before amy's files:
 *   seconds from its write to `imported` (the baseline);
 * - DropBox CPU (user + system, % of one core) over --idle s once every one of amy's filesets was
 *   judged past its quiet period (its reason names the empty or cut file) and nothing changes;
 * - zak's second OME-TIFF dropped then: seconds to `imported`.
 *
 *   npx tsc -b && node scripts/bench/dropbox/waiting.js [--files 20000] [--dirs 100] [--wait 60] [--idle 60] [--kind empty|cut]
 *       [--root DIR]   (a checkout whose dist/ to run, to compare builds in one run; default this one)
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { arg, cpuSeconds } = require("../tree");
const { omeTiff, tiff } = require("./tiff");

const ROOT = path.resolve(arg("root", path.resolve(__dirname, "..", "..", "..")));
const MONITOR_MAIN = path.join(ROOT, "packages", "monitor", "dist", "main.js");
const DROPBOX_MAIN = path.join(ROOT, "packages", "dropbox", "dist", "main.js");
const Database = require(require.resolve("better-sqlite3", { paths: [path.join(ROOT, "packages", "dropbox")] }));

const FILES = Number(arg("files", "20000"));
const DIRS = Number(arg("dirs", "100"));
const WAIT_S = Number(arg("wait", "60"));
const IDLE_S = Number(arg("idle", "60"));
const KIND = arg("kind", "empty");
const CONTENT = KIND === "cut" ? tiff().subarray(0, 60) : Buffer.alloc(0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(main, home, what) {
  const child = spawn(process.execPath, [main, "--home", home], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} not ready in 120 s`)), 120_000);
    child.on("message", (m) => {
      if (m && m.type === "ready") {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.on("exit", (c) => reject(new Error(`${what} exited ${c}`)));
  });
}

function query(ledger, sql, ...args) {
  try {
    const db = new Database(ledger, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).get(...args);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/** Polls until `test()` holds; returns the seconds it took, or NaN after `limitS`. */
async function until(test, limitS) {
  const t0 = Date.now();
  while (Date.now() - t0 < limitS * 1000) {
    if (test()) return (Date.now() - t0) / 1000;
    await sleep(50);
  }
  return Number.NaN;
}

async function importedAfter(drop, ledger, name) {
  const p = path.join(drop, "zak", name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, omeTiff());
  return until(() => query(ledger, "SELECT state FROM filesets WHERE entry = ?", p)?.state === "imported", 300);
}

async function main() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-bench-waiting-"));
  const home = path.join(base, "h");
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(
    path.join(home, "etc", "config.json"),
    JSON.stringify({
      "omero.fs.importer": "local",
      "omero.fs.dirImportWait": String(WAIT_S),
      "omero.fs.throttleImport": "0",
      "omero.fs.rescanInterval": "0",
    }),
  );
  const drop = path.join(home, "data", "DropBox");
  fs.mkdirSync(drop, { recursive: true });
  const ledger = path.join(home, "var", "db", "dropbox.sqlite");
  const procs = [];
  try {
    procs.push(await start(MONITOR_MAIN, home, "MonitorServer"));
    const dropbox = await start(DROPBOX_MAIN, home, "DropBox");
    procs.push(dropbox);
    const before = await importedAfter(drop, ledger, "first.ome.tif");

    const t0 = Date.now();
    for (let i = 0; i < FILES; i++) {
      const dir = path.join(drop, "amy", `e${i % DIRS}`);
      if (i < DIRS) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `f${i}.tif`), CONTENT);
    }
    const written = Date.now();
    const cpuDrop0 = cpuSeconds(dropbox.pid);
    const grouped = await until(
      () =>
        (query(ledger, "SELECT count(*) AS n FROM filesets WHERE user = 'amy' AND state = 'waiting'")?.n ?? 0) >= FILES,
      600,
    );
    // Steady state: every one of amy's filesets judged past its quiet period (it says why it waits:
    // the empty or cut file), then one settleTime more.
    const judged = await until(
      () =>
        (query(
          ledger,
          "SELECT count(*) AS n FROM filesets WHERE user = 'amy' AND state = 'waiting' AND waiting_for LIKE 'f%.tif:%'",
        )?.n ?? 0) >= FILES,
      WAIT_S + 600,
    );
    await sleep(3000);
    const cpu0 = cpuSeconds(dropbox.pid);
    const cpuUpToIdle = cpu0 - cpuDrop0;
    const i0 = Date.now();
    await sleep(IDLE_S * 1000);
    const idlePct = ((cpuSeconds(dropbox.pid) - cpu0) / ((Date.now() - i0) / 1000)) * 100;
    const after = await importedAfter(drop, ledger, "second.ome.tif");
    const waiting = query(ledger, "SELECT waiting_for AS w FROM filesets WHERE user = 'amy' LIMIT 1")?.w;

    console.log(
      `${FILES} ${KIND} .tif in ${DIRS} folders (written in ${((written - t0) / 1000).toFixed(1)} s, all waiting ${grouped.toFixed(1)} s later, all judged ${(grouped + judged).toFixed(1)} s later); dirImportWait ${WAIT_S} s; build ${ROOT}; load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    console.log(`amy's filesets wait for: ${waiting}`);
    console.log(`zak's OME-TIFF with nothing waiting: imported ${before.toFixed(2)} s after its write`);
    console.log(
      `DropBox CPU from the drop until all were judged: ${cpuUpToIdle.toFixed(1)} s; idle over ${IDLE_S} s after: ${idlePct.toFixed(1)} % of one core`,
    );
    console.log(`zak's OME-TIFF with ${FILES} waiting: imported ${after.toFixed(2)} s after its write`);
  } finally {
    for (const c of procs.reverse()) {
      const gone = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      await gone;
    }
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
