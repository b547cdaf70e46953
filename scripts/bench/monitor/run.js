#!/usr/bin/env node
/**
 * MonitorServer benchmark (issue 3): bursts of 1k/10k/50k files of 4 KiB into 100 new nested
 * directories, a trickle of 200 files 20 ms apart, and an overflow run (watcher SIGSTOPped while
 * 20,000 files are written). Compares, on the same workloads in the same run, the MonitorServer
 * (as received by a ZeroMQ subscriber in another process) with raw @parcel/watcher, chokidar,
 * Python pyinotify (OMERO.dropbox's engine) and `inotifywait -m -r`. A peer that is not
 * installed is skipped, and the output says so:
 *   chokidar:    npm i chokidar@4 in $BENCH_PEERS (default /tmp/bench-peers; never in the repo)
 *   pyinotify:   apt-get install python3-pyinotify (run with $PYTHON, default /usr/bin/python3)
 *   inotifywait: apt-get install inotify-tools
 *
 *   npx tsc -b packages/monitor && node scripts/bench/monitor/run.js [--reps N] [--quick] [--keep]
 *        [--kinds monitor-server,parcel,...] [--workloads trickle,burst1k,...] [--no-load-wait]
 *
 * Before the timed runs it waits (up to 10 min) for the 1-min load average to drop below 1.0,
 * and records the load before every run. Runs are interleaved (rep 1 of every workload and
 * watcher, then rep 2...). Trees are not deleted between runs (creating files soon after deleting
 * many is 10-40x slower on ext4, see shared/reference/PEER-WATCHERS.md); they are removed at the
 * end unless --keep.
 */
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const REPO = path.resolve(__dirname, "../../..");
const HERE = __dirname;
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const keep = args.includes("--keep");
const argOf = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const reps = Number(argOf("--reps")) || 3;
const PEERS = process.env.BENCH_PEERS || "/tmp/bench-peers";
const PYTHON = process.env.PYTHON || "/usr/bin/python3";
const { ControlClient } = require(path.join(REPO, "packages/protocol/dist/zmq"));

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const BASE = path.join(os.tmpdir(), "mbench", stamp);
fs.mkdirSync(BASE, { recursive: true });

const hasInotifywait = (() => {
  try {
    execFileSync("inotifywait", ["--help"], { stdio: "ignore" });
    return true;
  } catch (e) {
    return e.status === 1; // prints help and exits 1 when installed
  }
})();
const hasChokidar = (() => {
  try {
    require.resolve("chokidar", { paths: [PEERS] });
    return true;
  } catch {
    return false;
  }
})();
const hasPyinotify = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import pyinotify"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const loadavg = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0];

const nowNs = () => process.hrtime.bigint();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function procStats(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpu = (Number(f[11]) + Number(f[12])) / 100;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpu, rssMiB: hwm ? Number(hwm[1]) / 1024 : NaN };
  } catch {
    return { cpu: NaN, rssMiB: NaN };
  }
}

function runGen(mode, dir, n, k) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(HERE, "gen.js"), mode, dir, String(n), String(k)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`gen exited ${code}`))));
  });
}

/** Start a watcher; returns {pid (measured process), outFile, stop(), parse()} once READY. */
async function startWatcher(kind, root) {
  const outFile = path.join(path.dirname(root), `${kind}.out`);
  const out = fs.openSync(outFile, "w");
  const procs = [];
  let pid;
  let client;
  const adapters = {
    parcel: [process.execPath, path.join(HERE, "parcel-watch.js")],
    chokidar: [process.execPath, path.join(HERE, "chokidar-watch.js")],
    pyinotify: [PYTHON, path.join(HERE, "pyinotify-watch.py")],
  };
  if (adapters[kind]) {
    const [cmd, script] = adapters[kind];
    const p = spawn(cmd, [script, root], { stdio: ["ignore", out, "inherit"] });
    procs.push(p);
    pid = p.pid;
    await waitFile(outFile, /READY/);
  } else if (kind === "inotifywait") {
    const p = spawn("inotifywait", ["-m", "-r", "--format", "%e %w%f", "-e", "create,close_write,moved_to", root], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    procs.push(p);
    pid = p.pid;
    let ready = false;
    p.stderr.on("data", (d) => {
      if (/Watches established/.test(String(d))) ready = true;
    });
    p.stdout.on("data", (d) => {
      const t = String(nowNs());
      fs.writeSync(
        out,
        String(d)
          .split("\n")
          .filter(Boolean)
          .map((l) => `${t} ${l.replace(/^(\S+) /, "$1 ")}\n`)
          .join(""),
      );
    });
    while (!ready) await sleep(20);
  } else {
    const home = path.join(path.dirname(root), "home");
    // The MonitorServer serves only folders under omero.fs.monitorRoots.
    fs.mkdirSync(path.join(home, "etc"), { recursive: true });
    fs.writeFileSync(
      path.join(home, "etc", "config.json"),
      JSON.stringify({ "omero.fs.monitorRoots": path.dirname(root) }),
    );
    // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS || "").split(" ").filter(Boolean);
    const server = spawn(
      process.execPath,
      [...nodeArgs, path.join(REPO, "packages/monitor/dist/main.js"), "--home", home],
      {
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      },
    );
    procs.push(server);
    pid = server.pid;
    await new Promise((r) => server.on("message", (m) => m && m.type === "ready" && r()));
    const { defaultEndpoints } = require(path.join(REPO, "packages/config/dist"));
    const ep = defaultEndpoints(home);
    const sub = spawn(process.execPath, [path.join(HERE, "subscriber.js"), ep.monitorEvents], {
      stdio: ["ignore", out, "inherit"],
    });
    procs.push(sub);
    await waitFile(outFile, /READY/);
    client = new ControlClient(ep.monitorControl, { timeoutMs: 60000 });
    const { monitorId } = await client.call("createMonitor", { watchDir: root });
    await client.call("startMonitor", { monitorId });
    // Wait until the subscriber receives (PUB/SUB joins asynchronously).
    for (let i = 0; ; i++) {
      fs.writeFileSync(path.join(root, `.warm${i}`), "");
      fs.writeFileSync(path.join(root, `warm${i}`), "");
      await client.call("sync", { monitorId });
      if (/warm/.test(fs.readFileSync(outFile, "utf8"))) break;
      await sleep(50);
    }
  }
  return {
    pid,
    outFile,
    procs,
    async stop() {
      if (client) client.close();
      for (const p of procs.reverse()) p.kill("SIGTERM");
      await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.on("exit", r)))));
      fs.closeSync(out);
    },
  };
}

async function waitFile(file, re) {
  for (;;) {
    if (re.test(fs.readFileSync(file, "utf8"))) return;
    await sleep(20);
  }
}

/** First report time (ns) per path. */
function parseReports(outFile) {
  const first = new Map();
  let rescans = 0;
  for (const line of fs.readFileSync(outFile, "utf8").split("\n")) {
    const m = /^(\d+) (\S+) (.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === "RESCAN" || m[2] === "OVERFLOW" || m[2] === "ERROR") {
      rescans++;
      continue;
    }
    // parcel create|update, MonitorServer Create|Modify, chokidar add|change,
    // pyinotify IN_CREATE|IN_CLOSE_WRITE|IN_MOVED_TO, inotifywait CREATE|CLOSE_WRITE,CLOSE|MOVED_TO.
    if (
      !/^(create|update|Create|Modify|add$|change|IN_CREATE|IN_CLOSE_WRITE|IN_MOVED_TO|CREATE|CLOSE_WRITE|MOVED_TO)/.test(
        m[2],
      )
    )
      continue;
    const p = m[3].startsWith('"') ? JSON.parse(m[3]) : m[3];
    if (!first.has(p)) first.set(p, BigInt(m[1]));
  }
  return { first, rescans };
}

/** Wait until every written file is reported, or output and CPU stay quiet for 3 s. */
async function waitQuiet(w, written, deadlineMs) {
  const t0 = Date.now();
  let lastSize = -1;
  let lastCpu = -1;
  let quietSince = Date.now();
  for (;;) {
    const size = fs.statSync(w.outFile).size;
    const cpu = procStats(w.pid).cpu;
    if (size !== lastSize || cpu - lastCpu > 0.05) quietSince = Date.now();
    lastSize = size;
    lastCpu = cpu;
    if (Date.now() - quietSince > 1000) {
      const { first } = parseReports(w.outFile);
      if (written.every(([p]) => first.has(p))) return;
    }
    if (Date.now() - quietSince > 3000 || Date.now() - t0 > deadlineMs) return;
    await sleep(100);
  }
}

function pct(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
}

async function runOne(kind, workload, rep) {
  const runDir = path.join(BASE, `${kind}-${workload.name}-${rep}`);
  const root = path.join(runDir, "root");
  fs.mkdirSync(root, { recursive: true });
  if (workload.mode === "flat") fs.mkdirSync(path.join(root, "flat"));
  const w = await startWatcher(kind, root);
  const cpu0 = procStats(w.pid).cpu;
  await sleep(300);
  if (workload.stop) process.kill(w.pid, "SIGSTOP");
  let gen;
  try {
    if (workload.mode === "burst") gen = await runGen("burst", path.join(root, "batch"), workload.n, 100);
    else if (workload.mode === "trickle") gen = await runGen("trickle", root, workload.n, 20);
    else gen = await runGen("flat", path.join(root, "flat"), workload.n);
  } finally {
    if (workload.stop) {
      await sleep(500);
      process.kill(w.pid, "SIGCONT");
    }
  }
  await waitQuiet(w, gen.files, 120000);
  const st = procStats(w.pid);
  await w.stop();
  const { first, rescans } = parseReports(w.outFile);
  const start = BigInt(gen.start);
  let reported = 0;
  let last = 0n;
  const lat = [];
  for (const [p, close] of gen.files) {
    const t = first.get(p);
    if (t === undefined) continue;
    reported++;
    if (t > last) last = t;
    lat.push(Number(t - BigInt(close)) / 1e6);
  }
  lat.sort((a, b) => a - b);
  return {
    kind,
    workload: workload.name,
    written: gen.files.length,
    reported,
    burstS: reported ? Number(last - start) / 1e9 : NaN,
    genS: Number(BigInt(gen.end) - start) / 1e9,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    max: lat.length ? lat[lat.length - 1] : NaN,
    rssMiB: st.rssMiB,
    cpuS: st.cpu,
    cpuAfterReady: st.cpu - cpu0,
    rescans,
  };
}

function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}
function fmt(x, d = 2) {
  return Number.isNaN(x) ? "-" : x.toFixed(d);
}
/** "median (min-max)" of a metric over the runs. */
function mmm(xs, d = 2) {
  const s = xs.filter((x) => !Number.isNaN(x));
  if (!s.length) return "-";
  if (s.length === 1) return fmt(s[0], d);
  return `${fmt(median(s), d)} (${fmt(Math.min(...s), d)}–${fmt(Math.max(...s), d)})`;
}

/** Wait (up to 10 min) until the 1-min load average is below 1.0: colleagues share the cores. */
async function waitForQuietMachine() {
  const t0 = Date.now();
  for (;;) {
    const l = Number(loadavg());
    if (l < 1.0) return { load: l, waitedS: (Date.now() - t0) / 1000 };
    if (Date.now() - t0 > 600_000) return { load: l, waitedS: (Date.now() - t0) / 1000, gaveUp: true };
    await sleep(5000);
  }
}

const WORKLOADS = [
  { name: "trickle", mode: "trickle", n: 200, title: "trickle: 200 files of 4 KiB, one every 20 ms" },
  {
    name: "burst1k",
    mode: "burst",
    n: 1000,
    title: "burst1k: 1,000 files of 4 KiB in 100 directories created during the burst",
  },
  { name: "burst10k", mode: "burst", n: 10000, title: "burst10k: 10,000 files" },
  { name: "burst50k", mode: "burst", n: 50000, title: "burst50k: 50,000 files" },
  {
    name: "overflow",
    mode: "flat",
    n: 20000,
    stop: true,
    title: "overflow: 20,000 files written into a watched directory while the watcher is SIGSTOPped",
  },
];

async function main() {
  const skipped = [];
  const all = ["monitor-server", "parcel"];
  for (const [k, ok, how] of [
    ["chokidar", hasChokidar, `chokidar not found under ${PEERS} (npm i chokidar@4 there)`],
    ["pyinotify", hasPyinotify, `${PYTHON} cannot import pyinotify (apt-get install python3-pyinotify)`],
    ["inotifywait", hasInotifywait, "inotifywait not installed (apt-get install inotify-tools)"],
  ]) {
    if (ok) all.push(k);
    else skipped.push(`${k}: ${how}`);
  }
  const kindsArg = argOf("--kinds")?.split(",");
  const kinds = kindsArg ? all.filter((k) => kindsArg.includes(k)) : all;
  const wlArg = argOf("--workloads")?.split(",");
  const workloads = WORKLOADS.filter(
    (w) => (wlArg ? wlArg.includes(w.name) : true) && !(quick && !wlArg && w.name === "burst50k"),
  );
  for (const s of skipped) process.stderr.write(`SKIPPED ${s}\n`);

  let quiet = { load: Number(loadavg()), waitedS: 0 };
  if (!args.includes("--no-load-wait")) {
    process.stderr.write(`waiting for the 1-min load average to drop below 1.0 (now ${loadavg()})\n`);
    quiet = await waitForQuietMachine();
  }
  const startedAt = new Date().toISOString();
  process.stderr.write(
    `load ${quiet.load} after ${quiet.waitedS.toFixed(0)} s${quiet.gaveUp ? " (gave up waiting)" : ""}\n`,
  );

  const results = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const wl of workloads) {
      for (const kind of kinds) {
        const load = loadavg();
        const r = await runOne(kind, wl, rep);
        r.load = Number(load);
        results.push(r);
        process.stderr.write(
          `${wl.name} ${kind} rep ${rep}: ${r.reported}/${r.written}, last at ${fmt(r.burstS)} s (gen ${fmt(r.genS)} s), ` +
            `p50 ${fmt(r.p50)} p99 ${fmt(r.p99)} ms, rss ${fmt(r.rssMiB, 1)} MiB, cpu ${fmt(r.cpuS)} s, load ${load}\n`,
        );
      }
    }
  }

  const out = [];
  const loads = results.map((r) => r.load);
  out.push(
    `MonitorServer benchmark, ${os.cpus().length} CPUs, ${os.release()}, node ${process.version}, ${reps} rep(s), started ${startedAt}`,
  );
  out.push(
    `1-min load: ${quiet.load.toFixed(2)} at the start (waited ${quiet.waitedS.toFixed(0)} s${quiet.gaveUp ? ", gave up" : ""}); ` +
      `before each run ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
  );
  out.push(`command: node scripts/bench/monitor/run.js ${args.join(" ")}`.trim());
  for (const s of skipped) out.push(`skipped ${s}`);
  out.push("Cells: median (min–max) over the runs; lost and rescan/overflow lines per run.");
  for (const wl of workloads) {
    out.push("", `### ${wl.title}`, "");
    const trickle = wl.mode === "trickle";
    out.push(
      trickle
        ? "| watcher | runs | reported/written | lost | p50 ms | p99 ms | max ms | peak RSS MiB | CPU s | rescan/overflow lines |"
        : "| watcher | runs | reported/written | lost | time to last file s | gen time s | peak RSS MiB | CPU s | rescan/overflow lines |",
    );
    out.push(trickle ? "|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|");
    for (const kind of kinds) {
      const rs = results.filter((r) => r.workload === wl.name && r.kind === kind);
      if (!rs.length) continue;
      const cells = [
        kind,
        rs.length,
        mmm(
          rs.map((r) => r.reported / r.written),
          4,
        ),
        rs.map((r) => r.written - r.reported).join(", "),
      ];
      if (trickle) cells.push(mmm(rs.map((r) => r.p50)), mmm(rs.map((r) => r.p99)), mmm(rs.map((r) => r.max)));
      else cells.push(mmm(rs.map((r) => r.burstS)), mmm(rs.map((r) => r.genS)));
      cells.push(
        mmm(
          rs.map((r) => r.rssMiB),
          1,
        ),
        mmm(rs.map((r) => r.cpuS)),
        rs.map((r) => r.rescans).join(", "),
      );
      out.push(`| ${cells.join(" | ")} |`);
    }
  }
  const text = out.join("\n");
  console.log(`\n${text}\n`);
  console.log(`trees under ${BASE}${keep ? " (kept)" : " (removed)"}`);
  fs.writeFileSync(path.join(os.tmpdir(), `mbench-${stamp}.json`), JSON.stringify(results, null, 1));
  fs.writeFileSync(path.join(os.tmpdir(), `mbench-${stamp}.md`), text);
  if (!keep) fs.rmSync(BASE, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
