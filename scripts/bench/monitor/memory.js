#!/usr/bin/env node
/**
 * MonitorServer-only memory benchmark (target: under 150 MiB RSS with 100,000 files in the
 * tree; docs/ARCHITECTURE.md, "MonitorServer pipeline"). The scenarios of scripts/bench/dropbox/memory.js, without a DropBox: this process
 * creates the monitor as the DropBox does (Follow, blockSize 0, a snapshotKey), subscribes to
 * the events and counts them. The server is spawned as the supervisor does
 * (`node --max-semi-space-size=4 packages/monitor/dist/main.js --home H`).
 *
 *   a  cold start on the tree (no snapshot): start, sync
 *   b  restart with the snapshot of (a): catch-up (nothing changed), sync
 *   c  burst: the tree hard-linked into the empty watch directory of a running monitor; waits
 *      until every file has been published (lost = files never published)
 *
 *   npx tsc -b packages/monitor && node scripts/bench/monitor/memory.js [--files 100000]
 *       [--only a,b,c] [--node-args "--max-semi-space-size=4"] [--memlog 200] [--server-out FILE]
 *       [--main packages/monitor/dist/main.js (another build, for before/after)]
 *       [--stalled-subscriber]
 *
 * Uses the tree of scripts/bench/dropbox/memory.js ($TMPDIR/omero-fs-mem/tree-N; generate it
 * with that script; never deleted). Homes and burst trees go to $TMPDIR/omero-fs-mem/mruns.
 * --memlog MS sets OMERO_FS_TEST_MONITOR_MEMLOG_MS: the server logs process.memoryUsage() every MS ms.
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MAIN = path.resolve(
  process.argv.includes("--main")
    ? process.argv[process.argv.indexOf("--main") + 1]
    : path.join(ROOT, "packages", "monitor", "dist", "main.js"),
);
const zmq = require(require.resolve("zeromq", { paths: [path.join(ROOT, "packages", "monitor")] }));
const { arg } = require("../tree");

const N = Number(arg("files", "100000"));
const ONLY = arg("only", "a,b,c").split(",");
const NODE_ARGS = arg("node-args", "--max-semi-space-size=4").split(" ").filter(Boolean);
const MEMLOG = arg("memlog", "");
const STALLED = process.argv.includes("--stalled-subscriber");
const SERVER_OUT = arg("server-out", ""); // file for the server's stdout (e.g. with --trace-gc)
const BASE = path.join(os.tmpdir(), "omero-fs-mem");
const TREE = path.join(BASE, `tree-${N}`);
const KEY = "membench";

function vmhwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function makeHome(name) {
  const home = path.join(BASE, "mruns", `${name}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  // The MonitorServer serves only folders under omero.fs.monitorRoots: the tree and the burst trees.
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify({ "omero.fs.monitorRoots": BASE }));
  return home;
}

class Client {
  constructor(home, watchDir) {
    this.watchDir = watchDir;
    this.dealer = new zmq.Dealer({ linger: 0 });
    this.dealer.connect(`ipc://${home}/var/run/monitor-control.sock`);
    this.sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    this.sub.connect(`ipc://${home}/var/run/monitor-events.sock`);
    this.sub.subscribe();
    this.paths = new Set();
    this.blocks = 0;
    this.maxBlock = 0;
    this.rescans = 0;
    this.n = 0;
    this.waiters = [];
    void (async () => {
      try {
        for await (const [, body] of this.sub) {
          const b = JSON.parse(body.toString());
          this.blocks++;
          this.maxBlock = Math.max(this.maxBlock, b.events.length);
          if (b.rescan) this.rescans++;
          for (const e of b.events) if (!e.isDir && e.type !== "Delete") this.paths.add(e.path);
          for (const w of this.waiters) w();
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
  waitFiles(n, timeoutMs) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out: ${this.paths.size} of ${n} files`)), timeoutMs);
      const check = () => {
        if (this.paths.size >= n) {
          clearTimeout(t);
          resolve();
        }
      };
      this.waiters.push(check);
      check();
    });
  }
  close() {
    this.dealer.close();
    this.sub.close();
  }
}

function spawnServer(home) {
  const env = { ...process.env };
  if (MEMLOG) env.OMERO_FS_TEST_MONITOR_MEMLOG_MS = MEMLOG;
  const child = spawn(process.execPath, [...NODE_ARGS, MAIN, "--home", home], {
    stdio: ["ignore", SERVER_OUT ? fs.openSync(SERVER_OUT, "a") : "ignore", "pipe", "ipc"],
    env,
  });
  let err = "";
  child.stderr.on("data", (d) => {
    err = (err + d).slice(-4000);
  });
  const ready = new Promise((resolve, reject) => {
    child.on("message", (m) => m && m.type === "ready" && resolve());
    child.on("exit", (c, s) => reject(new Error(`MonitorServer exited (${c ?? s}) before ready: ${err}`)));
  });
  return { child, ready };
}

function stopServer(s) {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once("exit", () => resolve());
    s.child.kill("SIGTERM");
    setTimeout(() => s.child.kill("SIGKILL"), 15000).unref();
  });
}

function linkTree(src, dst) {
  let n = 0;
  for (const u of fs.readdirSync(src)) {
    for (const d of fs.readdirSync(path.join(src, u))) {
      const sd = path.join(src, u, d);
      const dd = path.join(dst, u, d);
      fs.mkdirSync(dd, { recursive: true });
      for (const f of fs.readdirSync(sd)) {
        fs.linkSync(path.join(sd, f), path.join(dd, f));
        n++;
      }
    }
  }
  return n;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function scenario(name, home, watchDir, body) {
  const t0 = Date.now();
  const srv = spawnServer(home);
  await srv.ready;
  const c = new Client(home, watchDir);
  await sleep(200); // let the SUB connect
  const row = { scenario: name };
  try {
    const { monitorId } = await c.call("createMonitor", { watchDir, snapshotKey: KEY, blockSize: 0 });
    await c.call("startMonitor", { monitorId });
    row.startedS = ((Date.now() - t0) / 1000).toFixed(1);
    Object.assign(row, await body(c, monitorId));
    await c.call("sync", { monitorId });
    await sleep(3000);
  } finally {
    row.peakMiB = vmhwm(srv.child.pid)?.toFixed(1);
    row.blocks = c.blocks;
    row.maxBlock = c.maxBlock;
    row.rescans = c.rescans;
    c.close();
    await stopServer(srv);
  }
  row.load = fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0];
  console.log(JSON.stringify(row));
  return row;
}

async function main() {
  if (!fs.existsSync(`${TREE}.done`)) throw new Error(`no tree ${TREE}: run scripts/bench/dropbox/memory.js once`);
  console.log(`load at start: ${fs.readFileSync("/proc/loadavg", "utf8").trim()}`);
  const rows = [];
  const homeA = makeHome("a");
  if (ONLY.includes("a") || ONLY.includes("b"))
    rows.push(await scenario("a cold start", homeA, TREE, async () => ({})));
  if (ONLY.includes("b")) rows.push(await scenario("b restart with snapshot", homeA, TREE, async () => ({})));
  if (ONLY.includes("c")) {
    const watch = path.join(BASE, "mruns", `burst-${process.pid}-${Date.now()}`);
    fs.mkdirSync(watch, { recursive: true });
    rows.push(
      await scenario("c burst", makeHome("c"), watch, async (c) => {
        const t0 = Date.now();
        // In a child process, so this process's subscriber reads while the burst is written;
        // --stalled-subscriber links here instead, so the subscriber reads nothing until the
        // burst is written (a busy DropBox: the server's send queue holds the blocks).
        const n = STALLED
          ? linkTree(TREE, watch)
          : await new Promise((resolve, reject) => {
              const ch = spawn(process.execPath, [__filename, "--link", TREE, watch], {
                stdio: ["ignore", "pipe", "inherit"],
              });
              let out = "";
              ch.stdout.on("data", (d) => {
                out += d;
              });
              ch.on("exit", (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`link exited ${code}`))));
            });
        const writeS = ((Date.now() - t0) / 1000).toFixed(1);
        let lost = 0;
        await c.waitFiles(n, 120_000).catch((e) => {
          console.error(e.message);
        });
        lost = n - c.paths.size;
        return { writeS, lastFileS: ((Date.now() - t0) / 1000).toFixed(1), lost };
      }),
    );
  }
  console.log("\n| scenario | peak RSS MiB | blocks | largest block | lost | load after |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of rows)
    console.log(`| ${r.scenario} | ${r.peakMiB} | ${r.blocks} | ${r.maxBlock} | ${r.lost ?? "-"} | ${r.load} |`);
}

if (process.argv[2] === "--link") {
  process.stdout.write(String(linkTree(process.argv[3], process.argv[4])));
} else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
