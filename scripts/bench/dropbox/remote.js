#!/usr/bin/env node
/**
 * One DropBox reconciliation through a remote MonitorServer's `list` against the local walk
 * (issue 13). The same tree (F empty files in D folders below 10 user folders) is watched twice:
 *
 * - local:  MonitorServer + DropBox in one home over ipc; reconciliation walks the tree;
 * - remote: home A's MonitorServer alone on loopback TCP with CURVE + ZAP (the storage host), home
 *           B's DropBox with omero.fs.monitorControl/monitorEvents/monitorServerKey pointing at it
 *           and omero.fs.monitorPathMap REMOTE=LOCAL, LOCAL a bind mount of the tree (a symlink
 *           when mounting is not allowed); reconciliation asks A for the listing.
 *
 * For each: start -> ready (the first reconciliation records every file in an empty ledger), then
 * `dropbox scan` (the DropBox control method: one reconciliation of the watch, nothing changed)
 * --reps times; DropBox and MonitorServer peak RSS (VmHWM). Files are `.dat` (no reader claims
 * them, so nothing is imported and the runs measure reconciliation only).
 *
 *   npx tsc -b && node scripts/bench/dropbox/remote.js [--files 100000] [--dirs 1000] [--reps 3]
 *
 * Needs dist/. The tree is made once under $TMPDIR/omero-fs-remote and kept; homes are removed.
 */
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { makeTree, freePort, hwmMiB, arg } = require("../tree");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MONITOR_MAIN = path.join(ROOT, "packages", "monitor", "dist", "main.js");
const DROPBOX_MAIN = path.join(ROOT, "packages", "dropbox", "dist", "main.js");
const { ControlClient } = require(path.join(ROOT, "packages", "protocol", "dist", "zmq", "index.js"));
const { defaultEndpoints } = require(path.join(ROOT, "packages", "config", "dist", "index.js"));
const zmq = require(require.resolve("zeromq", { paths: [path.join(ROOT, "packages", "protocol")] }));

const FILES = Number(arg("files", "100000"));
const DIRS = Number(arg("dirs", "1000"));
const REPS = Number(arg("reps", "3"));
const BASE = path.join(os.tmpdir(), "omero-fs-remote");

function makeHome(config) {
  const home = fs.mkdtempSync(path.join(BASE, "home-"));
  fs.mkdirSync(path.join(home, "etc", "curve"), { recursive: true });
  const base = {
    "omero.fs.importer": "local",
    "omero.fs.dirImportWait": "1",
    "omero.fs.throttleImport": "0",
    "omero.fs.rescanInterval": "0",
  };
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify({ ...base, ...config }, null, 2));
  return home;
}

/** Start a server; resolves with the child and the ms until it said ready. */
function start(main, home) {
  const t0 = Date.now();
  const child = spawn(process.execPath, [main, "--home", home], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.on("message", (m) => m && m.type === "ready" && resolve({ child, readyMs: Date.now() - t0 }));
    child.on("exit", (c) => reject(new Error(`${path.basename(path.dirname(path.dirname(main)))} exited ${c}`)));
  });
}

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await gone;
}

async function scans(home) {
  const c = new ControlClient(defaultEndpoints(home).dropboxControl, { timeoutMs: 600_000 });
  const out = [];
  try {
    for (let i = 0; i < REPS; i++) {
      const t0 = process.hrtime.bigint();
      await c.call("scan", {});
      out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    c.close();
  }
  return out;
}

function viaOf(home) {
  const log = fs.readFileSync(path.join(home, "var", "log", "DropBox.log"), "utf8");
  const m = /reconciliation \(start\): (\d+) files on disk( \(listed by [^)]+\))?/.exec(log);
  return m ? `${m[1]} files${m[2] ?? " (walked)"}` : "?";
}

function report(label, r) {
  const s = r.scans.map((ms) => (ms / 1000).toFixed(2)).join(", ");
  console.log(
    `${label.padEnd(7)} start->ready ${(r.readyMs / 1000).toFixed(1).padStart(6)} s  scan ${s} s  ` +
      `DropBox VmHWM ${r.dropboxHwm.toFixed(0)} MiB  MonitorServer VmHWM ${r.monitorHwm.toFixed(0)} MiB  [${r.via}]`,
  );
}

async function runLocal(tree) {
  const home = makeHome({ "omero.fs.watchDir": tree });
  let monitor;
  let dropbox;
  try {
    monitor = (await start(MONITOR_MAIN, home)).child;
    const db = await start(DROPBOX_MAIN, home);
    dropbox = db.child;
    const scanMs = await scans(home);
    return {
      readyMs: db.readyMs,
      scans: scanMs,
      dropboxHwm: hwmMiB(dropbox.pid),
      monitorHwm: hwmMiB(monitor.pid),
      via: viaOf(home),
    };
  } finally {
    await stop(dropbox);
    await stop(monitor);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function mount(remote, local) {
  fs.mkdirSync(local, { recursive: true });
  try {
    execFileSync("mount", ["--bind", remote, local], { stdio: "ignore" });
    return { kind: "bind mount", undo: () => execFileSync("umount", [local], { stdio: "ignore" }) };
  } catch {
    fs.rmdirSync(local);
    fs.symlinkSync(remote, local);
    return { kind: "symlink", undo: () => fs.rmSync(local, { force: true }) };
  }
}

async function runRemote(tree) {
  const control = `tcp://127.0.0.1:${await freePort()}`;
  const events = `tcp://127.0.0.1:${await freePort()}`;
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  const a = makeHome({
    "omero.fs.monitorBindControl": control,
    "omero.fs.monitorBindEvents": events,
    "omero.fs.monitorRoots": tree,
  });
  fs.writeFileSync(path.join(a, "etc", "curve", "server.key"), `${server.secretKey}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(a, "etc", "curve", "authorized_keys"), `${client.publicKey} bench\n`);
  const local = path.join(BASE, `mnt-${process.pid}`);
  const m = mount(tree, local);
  const b = makeHome({
    "omero.fs.watchDir": local,
    "omero.fs.monitorControl": control,
    "omero.fs.monitorEvents": events,
    "omero.fs.monitorServerKey": server.publicKey,
    "omero.fs.monitorPathMap": `${tree}=${local}`,
  });
  fs.writeFileSync(path.join(b, "etc", "curve", "client.key"), `${client.secretKey}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(b, "etc", "curve", "client.pub"), `${client.publicKey}\n`);
  let monitor;
  let dropbox;
  try {
    monitor = (await start(MONITOR_MAIN, a)).child;
    const db = await start(DROPBOX_MAIN, b);
    dropbox = db.child;
    const scanMs = await scans(b);
    return {
      readyMs: db.readyMs,
      scans: scanMs,
      dropboxHwm: hwmMiB(dropbox.pid),
      monitorHwm: hwmMiB(monitor.pid),
      via: `${viaOf(b)}, ${m.kind}`,
    };
  } finally {
    await stop(dropbox);
    await stop(monitor);
    m.undo();
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
}

async function main() {
  fs.mkdirSync(BASE, { recursive: true });
  const tree = makeTree(BASE, FILES, DIRS, (f) => `f${f}.dat`);
  console.log(
    `${FILES} files in ${DIRS} folders; ${REPS} scan(s) each; load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}; ${os.cpus().length} CPUs`,
  );
  report("local", await runLocal(tree));
  report("remote", await runRemote(tree));
  console.log(`load after: ${os.loadavg()[0].toFixed(1)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
