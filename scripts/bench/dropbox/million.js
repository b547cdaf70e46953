#!/usr/bin/env node
/**
 * A DropBox tree of a million files (issue 13's scale figures): F files in D folders below 10 user
 * folders, watched by one home (MonitorServer + DropBox over ipc, local importer).
 *
 * 1. First start on the full tree with an empty ledger (omero.fs.existingFiles=skip): start -> ready,
 *    files recorded as `existing`, peak RSS (VmHWM) of both servers.
 * 2. Restart (both servers): start -> ready, and a new TIFF dropped one second after the DropBox
 *    was spawned, while its restart walk runs, into the user folder changed longest ago (the walk
 *    reads changed folders first: this one last): time from the drop to `imported` (target:
 *    dirImportWait + 10 s), peak RSS of both servers.
 * 3. One reconciliation of the unchanged tree (`dropbox scan`, the local walk), and a TIFF dropped
 *    one second into it: time from the drop to `imported`. The same reconciliation through a
 *    remote MonitorServer's `list`: scripts/bench/dropbox/remote.js --files F --dirs D.
 *
 *   npx tsc -b && node scripts/bench/dropbox/million.js [--files 1000000] [--dirs 10000] [--wait 5]
 *     [--keep]       keep the home (its ledger of a million files) and print its path;
 *     [--home DIR]   use such a home again: steps 2 and 3 only (its config is rewritten).
 *
 * Needs dist/. The tree is made once under $TMPDIR/omero-fs-million and kept (about 1.5 min for a
 * million empty files); the home is removed at the end.
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { makeTree, hwmMiB, arg } = require("../tree");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MONITOR_MAIN = path.join(ROOT, "packages", "monitor", "dist", "main.js");
const DROPBOX_MAIN = path.join(ROOT, "packages", "dropbox", "dist", "main.js");
const { ControlClient } = require(path.join(ROOT, "packages", "protocol", "dist", "zmq", "index.js"));
const { defaultEndpoints } = require(path.join(ROOT, "packages", "config", "dist", "index.js"));
const Database = require(require.resolve("better-sqlite3", { paths: [path.join(ROOT, "packages", "dropbox")] }));
const { tiff } = require("./tiff");

const FILES = Number(arg("files", "1000000"));
const DIRS = Number(arg("dirs", "10000"));
const WAIT_S = Number(arg("wait", "5"));
const BASE = path.join(os.tmpdir(), "omero-fs-million");

function start(main, home) {
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--max-semi-space-size=4", main, "--home", home], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const ready = new Promise((resolve, reject) => {
    child.on("message", (m) => m && m.type === "ready" && resolve(Date.now() - t0));
    child.on("exit", (c) => reject(new Error(`${path.basename(path.dirname(path.dirname(main)))} exited ${c}`)));
  });
  return { child, ready };
}

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await gone;
}

function ledgerStates(home) {
  const db = new Database(path.join(home, "var", "db", "dropbox.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(
      db
        .prepare("SELECT state, count(*) AS n FROM files GROUP BY state")
        .all()
        .map((r) => [r.state, r.n]),
    );
  } finally {
    db.close();
  }
}

function fileState(home, p) {
  let db;
  try {
    db = new Database(path.join(home, "var", "db", "dropbox.sqlite"), { readonly: true, fileMustExist: true });
    return db.prepare("SELECT state FROM files WHERE path = ?").get(p)?.state ?? null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

async function waitState(home, p, want, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fileState(home, p) === want) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mib = (x) => `${x.toFixed(0)} MiB`;

async function main() {
  const tree = makeTree(BASE, FILES, DIRS, (f) => `img${f}.tif`);
  fs.mkdirSync(BASE, { recursive: true });
  // --keep: the home (and its ledger) is kept for a later run with --home, which skips the first start.
  const reuse = arg("home", null);
  const home = reuse ?? fs.mkdtempSync(path.join(BASE, "home-"));
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(
    path.join(home, "etc", "config.json"),
    JSON.stringify(
      {
        "omero.fs.watchDir": tree,
        "omero.fs.importer": "local",
        "omero.fs.existingFiles": "skip",
        "omero.fs.dirImportWait": String(WAIT_S),
        "omero.fs.throttleImport": "0",
        "omero.fs.rescanInterval": "0",
      },
      null,
      2,
    ),
  );
  const rows = [];
  let mon = null;
  let dbx = null;
  try {
    // 1. First start.
    if (!reuse) await firstStart();
    async function firstStart() {
      mon = start(MONITOR_MAIN, home);
      const monReady1 = await mon.ready;
      dbx = start(DROPBOX_MAIN, home);
      const ready1 = await dbx.ready;
      const states = ledgerStates(home);
      rows.push(["first start: MonitorServer start -> ready", s(monReady1)]);
      rows.push(["first start: DropBox start -> ready (first walk)", s(ready1)]);
      rows.push(["first start: files recorded existing", String(states.existing ?? 0)]);
      rows.push(["first start: other states", JSON.stringify({ ...states, existing: undefined })]);
      rows.push([
        "first start: peak RSS DropBox / MonitorServer",
        `${mib(hwmMiB(dbx.child.pid))} / ${mib(hwmMiB(mon.child.pid))}`,
      ]);
      await stop(dbx.child);
      await stop(mon.child);
    }

    // 2. Restart, with a file dropped during the restart walk.
    mon = start(MONITOR_MAIN, home);
    const monReady2 = await mon.ready;
    dbx = start(DROPBOX_MAIN, home);
    const spawned = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    // Into the user folder changed longest ago: the walk reads changed folders first, so this
    // one is read last (the worst case), unless the MonitorServer's event comes first.
    const users = fs.readdirSync(tree).filter((u) => u.startsWith("user"));
    const oldest = users.sort(
      (a, b) => fs.statSync(path.join(tree, a)).mtimeMs - fs.statSync(path.join(tree, b)).mtimeMs,
    )[0];
    const fresh = path.join(tree, oldest, `fresh-${Date.now()}.tif`);
    fs.writeFileSync(fresh, tiff());
    const dropped = Date.now();
    // Watched from the drop on, not from ready: the file may be imported before the walk ends.
    const importedAt = waitState(home, fresh, "imported", (WAIT_S + 120) * 1000).then((ok) => [ok, Date.now()]);
    const ready2 = await dbx.ready;
    const droppedBeforeReady = dropped < spawned + ready2;
    const [ok, at1] = await importedAt;
    const importedMs = at1 - dropped;
    rows.push(["restart: MonitorServer start -> ready", s(monReady2)]);
    rows.push(["restart: DropBox start -> ready", s(ready2)]);
    rows.push([
      `restart: file dropped ${droppedBeforeReady ? "during" : "AFTER"} the walk -> imported (dirImportWait ${WAIT_S} s)`,
      ok ? s(importedMs) : `not imported within ${WAIT_S + 120} s`,
    ]);
    rows.push([
      "restart: peak RSS DropBox / MonitorServer",
      `${mib(hwmMiB(dbx.child.pid))} / ${mib(hwmMiB(mon.child.pid))}`,
    ]);

    // 3. One reconciliation of the unchanged tree, with a file dropped one second into it.
    const c = new ControlClient(defaultEndpoints(home).dropboxControl, { timeoutMs: 600_000 });
    try {
      const t0 = Date.now();
      const scan = c.call("scan", {});
      await new Promise((r) => setTimeout(r, 1000));
      const during = path.join(tree, "user5", `during-scan-${Date.now()}.tif`);
      fs.writeFileSync(during, tiff());
      const droppedAt = Date.now();
      const imported = waitState(home, during, "imported", (WAIT_S + 120) * 1000).then((ok) => [ok, Date.now()]);
      await scan;
      const scanned = Date.now();
      rows.push(["dropbox scan (local walk) of the unchanged tree", s(scanned - t0)]);
      const [ok2, at] = await imported;
      rows.push([
        `scan: file dropped ${at < scanned ? "during" : "during (imported after)"} the scan -> imported`,
        ok2 ? s(at - droppedAt) : `not imported within ${WAIT_S + 120} s`,
      ]);
    } finally {
      c.close();
    }
    rows.push([
      "peak RSS DropBox / MonitorServer at the end",
      `${mib(hwmMiB(dbx.child.pid))} / ${mib(hwmMiB(mon.child.pid))}`,
    ]);
    rows.push([
      "ledger size",
      `${(fs.statSync(path.join(home, "var", "db", "dropbox.sqlite")).size / 2 ** 20).toFixed(0)} MiB`,
    ]);
  } finally {
    await stop(dbx?.child);
    await stop(mon?.child);
    if (process.argv.includes("--keep") || reuse) console.log(`home kept: ${home}`);
    else fs.rmSync(home, { recursive: true, force: true });
  }
  console.log(
    `\n${FILES.toLocaleString("en")} files in ${DIRS.toLocaleString("en")} folders, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
  );
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
