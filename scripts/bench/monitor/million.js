#!/usr/bin/env node
/**
 * The MonitorServer alone on a million files (issue 13's scale target: peak RSS under 200 MiB on
 * 1,000,000 files in 10,000 folders, losing nothing). Spawns the server as the supervisor does
 * (`node --max-semi-space-size=4 packages/monitor/dist/main.js --home H`), creates one monitor
 * as the DropBox does (Follow, blockSize 0, a snapshotKey) on the tree and prints:
 *
 *   ready      spawn -> server ready, and startMonitor's duration (baseline walk, watches, snapshot)
 *   peak RSS   VmHWM after the monitor started; after one periodic snapshot (snapshotEveryMs shrunk
 *              to --snapshot-ms through OMERO_FS_TEST_MONITOR_TIMINGS); after a burst of --burst new
 *              files (in 20 new folders, written by a child process while the server runs)
 *   burst      files published (Create events seen on the PUB socket) of those written, and when
 *   stop       SIGTERM -> exit (final snapshot written)
 *
 *   npx tsc -b && node scripts/bench/monitor/million.js [--files 1000000] [--dirs 10000]
 *       [--burst 20000] [--snapshot-ms 20000] [--memlog 200]
 *       [--main /work/main/packages/monitor/dist/main.js (another build: before/after)]
 *
 * The tree is made once under $TMPDIR/omero-fs-million (scripts/bench/tree.js, shared with
 * dropbox/million.js) and kept; the burst folders are removed at the end, the home too.
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { makeTree, hwmMiB, arg } = require("../tree");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MAIN = path.resolve(arg("main", path.join(ROOT, "packages", "monitor", "dist", "main.js")));
const FILES = Number(arg("files", "1000000"));
const DIRS = Number(arg("dirs", "10000"));
const BURST = Number(arg("burst", "20000"));
const SNAPSHOT_MS = Number(arg("snapshot-ms", "20000"));
const MEMLOG = arg("memlog", ""); // ms: the server logs process.memoryUsage(); the largest heapUsed line is printed
const BASE = path.join(os.tmpdir(), "omero-fs-million");
const KEY = "millionbench";
const zmq = require(require.resolve("zeromq", { paths: [path.join(ROOT, "packages", "monitor")] }));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, cond, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

class Client {
  constructor(home) {
    this.dealer = new zmq.Dealer({ linger: 0 });
    this.dealer.connect(`ipc://${home}/var/run/monitor-control.sock`);
    this.sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    this.sub.connect(`ipc://${home}/var/run/monitor-events.sock`);
    this.sub.subscribe();
    this.created = new Set();
    this.rescans = 0;
    this.reasons = new Map();
    this.n = 0;
    void (async () => {
      try {
        for await (const [, body] of this.sub) {
          const b = JSON.parse(body.toString());
          if (b.rescan) {
            this.rescans++;
            const r = b.rescan.reason.replace(/[0-9.]+ s/, "N s");
            this.reasons.set(r, (this.reasons.get(r) ?? 0) + 1);
          }
          for (const e of b.events) if (!e.isDir && e.type === "Create") this.created.add(e.path);
        }
      } catch {
        // closed
      }
    })();
  }
  async call(method, params = {}) {
    const id = String(++this.n);
    await this.dealer.send(JSON.stringify({ v: 1, id, method, params }));
    const [reply] = await this.dealer.receive();
    const r = JSON.parse(reply.toString());
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result;
  }
  close() {
    this.dealer.close();
    this.sub.close();
  }
}

/** BURST files in 20 new folders below the tree's first user folder (a child process writes them). */
function burstDirs(tree) {
  return Array.from({ length: 20 }, (_, i) => path.join(tree, "user0", `burst-${i}`));
}

function writeBurst(dirs, n) {
  const per = Math.ceil(n / dirs.length);
  let k = 0;
  for (const d of dirs) {
    fs.mkdirSync(d, { recursive: true });
    for (let i = 0; i < per && k < n; i++, k++) fs.writeFileSync(path.join(d, `b${i}.tif`), "x");
  }
  return k;
}

async function main() {
  const tree = makeTree(BASE, FILES, DIRS, (f) => `img${f}.tif`);
  const dirs = burstDirs(tree);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const home = path.join(BASE, `mon-home-${process.pid}`);
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  // The MonitorServer serves only folders under omero.fs.monitorRoots.
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify({ "omero.fs.monitorRoots": BASE }));
  console.log(`server: ${MAIN}`);
  console.log(`tree: ${tree}; load at start: ${fs.readFileSync("/proc/loadavg", "utf8").trim()}`);
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--max-semi-space-size=4", MAIN, "--home", home], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: {
      ...process.env,
      OMERO_FS_TEST_MONITOR_TIMINGS: JSON.stringify({ snapshotEveryMs: SNAPSHOT_MS }),
      ...(MEMLOG ? { OMERO_FS_TEST_MONITOR_MEMLOG_MS: MEMLOG } : {}),
    },
  });
  const exited = new Promise((r) => child.once("exit", r));
  const row = {};
  let c;
  try {
    await new Promise((resolve, reject) => {
      child.on("message", (m) => m && m.type === "ready" && resolve());
      child.once("exit", (code) => reject(new Error(`MonitorServer exited ${code} before ready`)));
    });
    row.serverReadyMs = Date.now() - t0;
    c = new Client(home);
    await sleep(200); // let the SUB connect
    const t1 = Date.now();
    const { monitorId } = await c.call("createMonitor", { watchDir: tree, snapshotKey: KEY, blockSize: 0 });
    await c.call("startMonitor", { monitorId });
    row.startMonitorS = (Date.now() - t1) / 1000;
    row.hwmStarted = hwmMiB(child.pid);
    const snap = path.join(home, "var", "monitor", `${KEY}.snapshot`);
    // The start's snapshot is written in the background: wait for it, then for the next one.
    await waitFor("the start's snapshot", () => fs.existsSync(snap), 120_000);
    const before = fs.statSync(snap).mtimeMs;
    await waitFor("a periodic snapshot", () => fs.statSync(snap).mtimeMs !== before, SNAPSHOT_MS * 3 + 120_000);
    // The snapshot is renamed into place when written: give the server a moment past the rename.
    await sleep(1000);
    row.hwmSnapshot = hwmMiB(child.pid);
    const tb = Date.now();
    const written = await new Promise((resolve, reject) => {
      const ch = spawn(process.execPath, [__filename, "--write-burst", JSON.stringify(dirs), String(BURST)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      ch.stdout.on("data", (d) => {
        out += d;
      });
      ch.on("exit", (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`burst writer exited ${code}`))));
    });
    row.burstWriteS = (Date.now() - tb) / 1000;
    const inBurst = () => [...c.created].filter((p) => p.includes("/burst-")).length;
    await waitFor(`${written} burst files published`, () => inBurst() >= written, 300_000).catch((e) =>
      console.error(e.message),
    );
    row.burstPublishedS = (Date.now() - tb) / 1000;
    await c.call("sync", { monitorId });
    row.burst = `${inBurst()}/${written}`;
    row.rescans = c.rescans;
    row.rescanReasons = Object.fromEntries(c.reasons);
    row.hwmBurst = hwmMiB(child.pid);
  } finally {
    c?.close();
    const ts = Date.now();
    child.kill("SIGTERM");
    await exited;
    row.stopS = (Date.now() - ts) / 1000;
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    if (MEMLOG) {
      const lines = fs
        .readFileSync(path.join(home, "var", "log", "MonitorServer.log"), "utf8")
        .split("\n")
        .filter((l) => l.includes("memory: rss"));
      const num = (l, k) => Number(new RegExp(`${k} ([0-9.]+)`).exec(l)?.[1] ?? 0);
      const top = (k) => lines.reduce((a, l) => (num(l, k) > num(a, k) ? l : a), lines[0] ?? "");
      console.log(`largest rss: ${top("rss").replace(/.*memory: /, "")}`);
      console.log(`largest heapUsed: ${top("heapUsed").replace(/.*memory: /, "")}`);
      const log = fs.readFileSync(path.join(home, "var", "log", "MonitorServer.log"), "utf8").split("\n");
      for (const l of log.filter((x) => /stopp|snapshot|catch-up|started:|watching/.test(x)).slice(-8))
        console.log(`log: ${l}`);
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
  const f = (x) => (typeof x === "number" ? x.toFixed(1) : x);
  console.log(JSON.stringify(row));
  console.log(
    "\n| server ready ms | startMonitor s | peak RSS MiB started | after periodic snapshot | after burst | burst published | rescans | stop s |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  console.log(
    `| ${row.serverReadyMs} | ${f(row.startMonitorS)} | ${f(row.hwmStarted)} | ${f(row.hwmSnapshot)} | ${f(row.hwmBurst)} | ${row.burst} in ${f(row.burstPublishedS)} s | ${row.rescans} | ${f(row.stopS)} |`,
  );
}

if (process.argv[2] === "--write-burst") {
  process.stdout.write(String(writeBurst(JSON.parse(process.argv[3]), Number(process.argv[4]))));
} else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
