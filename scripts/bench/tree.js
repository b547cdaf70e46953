/**
 * Pieces the big-tree benchmarks share (dropbox/remote.js, dropbox/million.js, monitor/list.js):
 * the synthetic tree, a free loopback port, a process's peak RSS and CPU time.
 */
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

/**
 * `files` empty files in `dirs` folders below 10 user folders (`userN/expD/`), named by `name(i)`;
 * made once under `base` and kept (a `.done` marker), since a million files take a while.
 */
function makeTree(base, files, dirs, name) {
  const tree = path.join(base, `tree-${files}-${dirs}`);
  const done = `${tree}.done`;
  if (fs.existsSync(done)) return tree;
  fs.rmSync(tree, { recursive: true, force: true });
  const t0 = Date.now();
  const per = Math.ceil(files / dirs);
  let n = 0;
  for (let d = 0; d < dirs && n < files; d++) {
    const dir = path.join(tree, `user${d % 10}`, `exp${d}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < per && n < files; f++, n++) fs.closeSync(fs.openSync(path.join(dir, name(f)), "w"));
  }
  fs.writeFileSync(done, "");
  console.log(`tree: ${n} files in ${dirs} folders made in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${tree}`);
  return tree;
}

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Peak RSS (VmHWM) of a process in MiB; NaN once it is gone. */
function hwmMiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks (USER_HZ 100)
}

/** The value after `--name` on the command line, or `dflt`. */
function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

module.exports = { makeTree, freePort, hwmMiB, cpuSeconds, arg };
