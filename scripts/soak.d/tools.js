// Copy tools as facility users run them: the real cp and rsync (temp names then rename, --inplace,
// --partial interrupted and resumed or abandoned), slow writers that keep the file open across pauses
// longer than settleTime, writers that append in sessions (closing between chunks), and a copy that
// stops half way. Each copies a staged layout folder `src` into `dest` (inside the DropBox).
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * name -> {weight, checked}: `checked` tools leave a file truncated for a while (or for good), so
 * they are only used on layouts whose every member has a structure check (a truncated file of a
 * format without one is imported after dirImportWait, as OMERO does: not what the soak tests).
 */
const TOOLS = {
  cp: { weight: 14 },
  "cp-a": { weight: 6 },
  rsync: { weight: 14 },
  "rsync-t": { weight: 6 },
  "rsync-inplace": { weight: 8 },
  "rsync-partial": { weight: 6, checked: true },
  "rsync-partial-abandoned": { weight: 1, checked: true, single: true, hold: "truncated" },
  slow: { weight: 6 },
  "slow-sessions": { weight: 4, checked: true },
  "cut-copy": { weight: 1, checked: true, single: true, hold: "truncated" },
};

/** Run a command; resolves with its exit code or signal. `procs` tracks it for cleanup. */
function run(cmd, args, procs, opts = {}) {
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], ...opts });
  procs.add(child);
  let stderr = "";
  child.stderr.on("data", (d) => {
    if (stderr.length < 2000) stderr += d;
  });
  const done = new Promise((resolve) => {
    child.on("error", (e) => resolve({ code: null, signal: null, stderr: String(e) }));
    child.on("exit", (code, signal) => {
      procs.delete(child);
      resolve({ code, signal, stderr });
    });
  });
  return { child, done };
}

function filesUnder(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, "");
  return out;
}

/** Write `content` to `file` in `chunks` pieces with `pause()` ms between them; `sessions` closes between chunks. */
async function writeSlowly(file, content, chunks, pause, sessions) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const step = Math.max(1, Math.ceil(content.length / chunks));
  let fd = fs.openSync(file, "w");
  try {
    for (let at = 0; at < content.length; at += step) {
      fs.writeSync(fd, content, at, Math.min(step, content.length - at));
      if (at + step >= content.length) break;
      if (sessions) {
        fs.closeSync(fd);
        fd = -1;
      }
      await sleep(pause());
      if (sessions) fd = fs.openSync(file, "a");
    }
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/**
 * Copy staged `src` into `dest` with `tool`. Returns {ok, note}: `note` says what happened when the
 * tool did not end with every file whole at its place (an abandoned transfer; a tool that failed
 * because a fault or a rename got in its way), for the run's log.
 */
async function copyWith(tool, src, dest, ctx) {
  const { rng, procs, settleMs } = ctx;
  fs.mkdirSync(dest, { recursive: true });
  const rels = filesUnder(src);
  const slowPause = () => settleMs + rng.int(300, 1500);
  const cmd = async (args) => {
    const r = await run(args[0], args.slice(1), procs).done;
    return r.code === 0
      ? { ok: true }
      : { ok: false, note: `${args[0]} exited ${r.code ?? r.signal}: ${r.stderr.trim()}` };
  };
  switch (tool) {
    case "cp":
      return cmd(["cp", "-r", `${src}/.`, dest]);
    case "cp-a":
      return cmd(["cp", "-a", `${src}/.`, dest]);
    case "rsync":
      return cmd(["rsync", "-r", `${src}/`, `${dest}/`]);
    case "rsync-t":
      return cmd(["rsync", "-rt", `${src}/`, `${dest}/`]);
    case "rsync-inplace":
      return cmd(["rsync", "-r", "--inplace", `${src}/`, `${dest}/`]);
    case "rsync-partial":
    case "rsync-partial-abandoned": {
      const bytes = rels.reduce((n, r) => n + fs.statSync(path.join(src, r)).size, 0);
      // About 3-6 s at this rate: long enough to interrupt inside a file.
      const kbps = Math.max(4, Math.round(bytes / 1024 / rng.float(3, 6)));
      const first = run("rsync", ["-r", "--partial", `--bwlimit=${kbps}`, `${src}/`, `${dest}/`], procs);
      await Promise.race([first.done, sleep(rng.int(800, 2500))]);
      // Ctrl-C: with --partial rsync keeps what it has under the file's own name.
      first.child.kill("SIGINT");
      await first.done;
      if (tool === "rsync-partial-abandoned") return { ok: false, note: "abandoned after an interrupt" };
      await sleep(rng.int(500, settleMs * 3));
      return cmd(["rsync", "-r", "--partial", `${src}/`, `${dest}/`]);
    }
    case "slow":
    case "slow-sessions": {
      // One or two files written slowly (the rest at once, as a copy of a folder goes on).
      const slow = new Set([rng.pick(rels), rng.pick(rels)]);
      for (const r of rels) {
        const content = fs.readFileSync(path.join(src, r));
        const target = path.join(dest, r);
        if (slow.has(r) && content.length > 1)
          await writeSlowly(target, content, rng.int(2, 4), slowPause, tool === "slow-sessions");
        else {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, content);
        }
      }
      return { ok: true };
    }
    case "cut-copy": {
      // An interrupted cp: a prefix of the file, never finished.
      const r = rels[0];
      const content = fs.readFileSync(path.join(src, r));
      const cut = Math.max(1, Math.floor(content.length * rng.float(0.1, 0.9)));
      fs.mkdirSync(path.dirname(path.join(dest, r)), { recursive: true });
      fs.writeFileSync(path.join(dest, r), content.subarray(0, cut));
      return { ok: false, note: `cut at ${cut} of ${content.length} bytes` };
    }
    default:
      throw new Error(`soak: unknown tool ${tool}`);
  }
}

module.exports = { TOOLS, copyWith, filesUnder, run, sleep };
