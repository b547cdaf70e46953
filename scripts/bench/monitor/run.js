#!/usr/bin/env node
/**
 * MonitorServer benchmark (issue 3): bursts of 1k/10k/50k files of 4 KiB into 100 new nested
 * directories, a trickle of 200 files 20 ms apart, and an overflow run (watcher SIGSTOPped while
 * 20,000 files are written). Compares the MonitorServer (as received by a ZeroMQ subscriber in
 * another process) with raw @parcel/watcher, and inotifywait when installed.
 *
 *   npx tsc -b packages/monitor && node scripts/bench/monitor/run.js [--quick] [--reps N] [--keep]
 *
 * Trees are not deleted between runs (creating files soon after deleting many is 10-40x slower
 * on ext4, see shared/reference/PEER-WATCHERS.md); they are removed at the end unless --keep.
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
const reps = Number(args[args.indexOf("--reps") + 1]) || 1;
const { ControlClient } = require(path.join(REPO, "packages/protocol/dist"));

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
  if (kind === "parcel") {
    const p = spawn(process.execPath, [path.join(HERE, "parcel-watch.js"), root], {
      stdio: ["ignore", out, "inherit"],
    });
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
    const server = spawn(process.execPath, [path.join(REPO, "packages/monitor/dist/main.js"), "--home", home], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
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
    if (m[2] === "RESCAN") {
      rescans++;
      continue;
    }
    if (!/^(create|update|Create|Modify|CREATE|CLOSE_WRITE|MOVED_TO)/.test(m[2])) continue;
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

async function main() {
  const kinds = ["monitor-server", "parcel", ...(hasInotifywait ? ["inotifywait"] : [])];
  const workloads = [
    { name: "trickle", mode: "trickle", n: 200 },
    { name: "burst1k", mode: "burst", n: 1000 },
    { name: "burst10k", mode: "burst", n: 10000 },
    ...(quick ? [] : [{ name: "burst50k", mode: "burst", n: 50000, once: true }]),
    { name: "overflow20k", mode: "flat", n: 20000, stop: true, once: true },
  ];
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : null;
  const results = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const wl of workloads) {
      if (wl.once && rep > 1) continue;
      for (const kind of kinds) {
        if (only && !only.includes(kind) && !only.includes(wl.name)) continue;
        const r = await runOne(kind, wl, rep);
        results.push(r);
        process.stderr.write(
          `${wl.name} ${kind} rep ${rep}: ${r.reported}/${r.written}, last at ${fmt(r.burstS)} s, rss ${fmt(r.rssMiB, 1)} MiB\n`,
        );
      }
    }
  }
  const rows = [
    "| workload | watcher | runs | reported/written | lost | time to last file s | gen time s | trickle p50 ms | p99 ms | peak RSS MiB | CPU s | rescan notices |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const wl of workloads) {
    for (const kind of kinds) {
      const rs = results.filter((r) => r.workload === wl.name && r.kind === kind);
      if (!rs.length) continue;
      const isTrickle = wl.mode === "trickle";
      rows.push(
        `| ${wl.name} | ${kind} | ${rs.length} | ${rs.map((r) => `${r.reported}/${r.written}`).join(", ")} | ${rs
          .map((r) => r.written - r.reported)
          .join(
            ", ",
          )} | ${isTrickle ? "-" : fmt(median(rs.map((r) => r.burstS)))} | ${fmt(median(rs.map((r) => r.genS)))} | ${
          isTrickle ? fmt(median(rs.map((r) => r.p50))) : "-"
        } | ${isTrickle ? fmt(median(rs.map((r) => r.p99))) : "-"} | ${fmt(median(rs.map((r) => r.rssMiB)), 1)} | ${fmt(
          median(rs.map((r) => r.cpuS)),
        )} | ${rs.map((r) => r.rescans).join(", ")} |`,
      );
    }
  }
  console.log(
    `\nMonitorServer benchmark, ${os.cpus().length} CPUs, ${os.release()}, node ${process.version}, ${reps} rep(s)`,
  );
  console.log(`trees under ${BASE}${keep ? " (kept)" : ""}\n`);
  console.log(rows.join("\n"));
  fs.writeFileSync(path.join(BASE, "results.json"), JSON.stringify(results, null, 1));
  if (!keep) fs.rmSync(BASE, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
