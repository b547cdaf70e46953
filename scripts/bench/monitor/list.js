#!/usr/bin/env node
/**
 * Cost of one reconciliation listing (issue 13): the DropBox's local walk (walkWatchDirs, what it
 * does on a local or mounted tree) against the MonitorServer's `list` method read with
 * listMonitorTree, over ipc and over loopback TCP with CURVE + ZAP. Prints wall time, files/s,
 * pages, the MonitorServer's peak RSS (VmHWM) and this process's RSS growth per run.
 *
 *   npx tsc -b && node scripts/bench/monitor/list.js [--files 100000] [--dirs 1000] [--limit 5000]
 *       [--reps 3] [--start]   (--start: the monitor is started first, so the server also holds
 *                               its known-set and watches, as in production)
 *
 * The tree ($TMPDIR/omero-fs-list/tree-F-D: F empty files in D folders below 10 user folders) is
 * made once and kept. Every run reads it warm (the local walk runs first). Needs dist/.
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { makeTree, freePort, hwmMiB, arg } = require("../tree");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const MAIN = path.join(ROOT, "packages", "monitor", "dist", "main.js");
const zmqApi = require(path.join(ROOT, "packages", "protocol", "dist", "zmq", "index.js"));
const { walkWatchDirs } = require(path.join(ROOT, "packages", "dropbox", "dist", "walk.js"));
const zmq = require(require.resolve("zeromq", { paths: [path.join(ROOT, "packages", "protocol")] }));

const FILES = Number(arg("files", "100000"));
const DIRS = Number(arg("dirs", "1000"));
const LIMIT = Number(arg("limit", "5000"));
const REPS = Number(arg("reps", "3"));
const START = process.argv.includes("--start");
const BASE = path.join(os.tmpdir(), "omero-fs-list");

async function startServer(tcp) {
  const home = fs.mkdtempSync(path.join(BASE, "home-"));
  // The MonitorServer serves only folders under omero.fs.monitorRoots (the trees are in BASE).
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify({ "omero.fs.monitorRoots": BASE }));
  const env = { ...process.env };
  let control = `ipc://${home}/var/run/monitor-control.sock`;
  let curve;
  if (tcp) {
    const dir = path.join(home, "etc", "curve");
    fs.mkdirSync(dir, { recursive: true });
    const server = zmq.curveKeyPair();
    const client = zmq.curveKeyPair();
    fs.writeFileSync(path.join(dir, "server.key"), `${server.secretKey}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "authorized_keys"), `${client.publicKey} bench\n`);
    control = `tcp://127.0.0.1:${await freePort()}`;
    const events = `tcp://127.0.0.1:${await freePort()}`;
    env.OMERO_FS_TEST_MONITOR_OVERRIDES = JSON.stringify({ monitorBindControl: control, monitorBindEvents: events });
    curve = { serverKey: zmqApi.resolveServerKey(server.publicKey, dir), ...client };
  }
  const child = spawn(process.execPath, ["--max-semi-space-size=4", MAIN, "--home", home], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env,
  });
  await new Promise((resolve, reject) => {
    child.on("message", (m) => m && m.type === "ready" && resolve());
    child.on("exit", (c) => reject(new Error(`MonitorServer exited ${c}`)));
  });
  const client = new zmqApi.ControlClient(control, { timeoutMs: 120_000, ...(curve ? { curve } : {}) });
  return { child, client, home };
}

async function timed(label, fn) {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const r = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const grew = (process.memoryUsage().rss - rss0) / 1048576;
  return { label, ms, files: r.files, dirs: r.dirs, pages: r.pages ?? "-", clientRssGrowthMiB: grew };
}

function print(r, serverHwm) {
  console.log(
    `${r.label.padEnd(22)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(r.files / (r.ms / 1000))
      .toString()
      .padStart(
        8,
      )} files/s  files ${r.files}  dirs ${r.dirs}  pages ${r.pages}  client RSS +${r.clientRssGrowthMiB.toFixed(1)} MiB${serverHwm ? `  server VmHWM ${serverHwm.toFixed(1)} MiB` : ""}`,
  );
}

async function main() {
  fs.mkdirSync(BASE, { recursive: true });
  const tree = makeTree(BASE, FILES, DIRS, (f) => `img${f}.tif`);
  const watch = { watchDir: tree, pathMode: "Follow", blacklist: [], ignoreSysFiles: true, whitelist: [] };
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    `files ${FILES}, dirs ${DIRS}, limit ${LIMIT}, reps ${REPS}, monitor ${START ? "started" : "created, not started"}`,
  );
  for (let rep = 1; rep <= REPS; rep++) {
    print(
      await timed("local walk", async () => {
        let files = 0;
        const s = await walkWatchDirs(watch, async (_d, f) => {
          files += f.length;
        });
        return { files, dirs: s.dirs };
      }),
    );
    for (const tcp of [false, true]) {
      const s = await startServer(tcp);
      try {
        const { monitorId } = await s.client.call("createMonitor", { watchDir: tree });
        if (START) await s.client.call("startMonitor", { monitorId });
        const before = hwmMiB(s.child.pid);
        const r = await timed(tcp ? "list tcp+curve" : "list ipc", async () => {
          let files = 0;
          const sum = await zmqApi.listMonitorTree(
            s.client,
            monitorId,
            async (d) => {
              files += d.files.length;
            },
            { limit: LIMIT, timeoutMs: 120_000 },
          );
          if (sum.files !== files) throw new Error("summary mismatch");
          return { files, dirs: sum.dirs, pages: sum.pages };
        });
        print(r, hwmMiB(s.child.pid));
        if (rep === 1) console.log(`  (server VmHWM before the listing: ${before.toFixed(1)} MiB)`);
      } finally {
        s.client.close();
        s.child.kill("SIGTERM");
        await new Promise((r) => s.child.on("exit", r));
        fs.rmSync(s.home, { recursive: true, force: true });
      }
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
