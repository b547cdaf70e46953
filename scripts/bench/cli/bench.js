#!/usr/bin/env node
/**
 * CLI and node benchmark (issue 5). Prints numbers; run from the repository root after a build:
 *
 *   node scripts/bench/cli/bench.js [--files 100000] [--runs 3] [--dir /tmp/omero-fs-bench-cli]
 *
 * Parts (--parts empty,tree,synthetic; all by default):
 * 1. CLI start-up: `admin status` (and --json, `ice server list`) against a running node; `node -e 0`
 *    as the floor.
 * 2. `admin start` until every server is ready: on an empty home, and on a home whose DropBox tree
 *    holds --files files (generated once under --dir and kept: deleting and re-creating a big tree
 *    right before a timed run is slow on this machine's ext4, see NOTES-toolchain.md).
 * 3. `imports list --json` (and the table, and `files list --json`) on the ledger DropBox built
 *    during 2 (every file known, filesets waiting), and on a synthetic ledger of --files imported
 *    filesets written through the dropbox package's ledger schema.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const FILES = Number(opt("files", 100_000));
const RUNS = Number(opt("runs", 3));
const ROOT = path.resolve(opt("dir", "/tmp/omero-fs-bench-cli"));
/** Which parts to run: empty (start + CLI start-up), tree (start on the tree + its ledger), synthetic. */
const PARTS = new Set(opt("parts", "empty,tree,synthetic").split(","));
const REPO = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(REPO, "packages", "cli", "bin", "omero-fs.js");
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));

function cli(home, args, { quiet = true } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, "--home", home, ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !(args[1] === "status" && r.status === 3)) {
    throw new Error(`omero-fs ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  }
  if (!quiet) process.stdout.write(r.stdout);
  return { ms, stdout: r.stdout };
}
function timeOf(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: q(0.5), p95: q(0.95), max: s[s.length - 1], n: s.length };
};
const fmt = (x) => `${x.toFixed(0)} ms`;
const results = {};
function report(name, xs, extra = "") {
  const s = stats(xs);
  results[name] = { ...s, extra };
  console.log(
    `${name.padEnd(52)} median ${fmt(s.median).padStart(9)}  min ${fmt(s.min).padStart(9)}  max ${fmt(s.max).padStart(9)}  (n=${s.n}) ${extra}`,
  );
}
function writeConfig(home, values) {
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify(values, null, 2));
}

/** users x dirs x files-per-dir empty .fake files; generated once, marked done. */
function ensureTree(dataDir, n) {
  const tree = path.join(dataDir, "DropBox");
  const marker = path.join(dataDir, `.tree-${n}`);
  if (fs.existsSync(marker)) return tree;
  fs.rmSync(dataDir, { recursive: true, force: true });
  const users = 20;
  const perDir = 100;
  const t = timeOf(() => {
    for (let i = 0; i < n; i++) {
      const dir = path.join(tree, `user${i % users}`, `d${Math.floor(i / users / perDir)}`);
      if (i < users * perDir || Math.floor(i / users) % perDir === 0) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `f${i}.fake`), "");
    }
  });
  fs.writeFileSync(marker, "");
  console.log(`generated ${n} files under ${tree} in ${(t / 1000).toFixed(1)} s`);
  return tree;
}

function main() {
  fs.mkdirSync(ROOT, { recursive: true });
  console.log(`omero-fs CLI benchmark: ${FILES} files, ${RUNS} runs, in ${ROOT}, node ${process.version}`);

  if (PARTS.has("empty")) benchEmpty();
  if (PARTS.has("tree")) benchTree();
  if (PARTS.has("synthetic")) benchSynthetic();
  const file = path.join(ROOT, "results.json");
  const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  fs.writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  console.log(`results: ${file}`);
}

function benchEmpty() {
  // --- empty home: admin start; CLI start-up against the running node ---
  const empty = path.join(ROOT, "home-empty");
  fs.rmSync(empty, { recursive: true, force: true });
  const startEmpty = [];
  for (let i = 0; i < RUNS; i++) {
    startEmpty.push(cli(empty, ["admin", "start"]).ms);
    if (i < RUNS - 1) cli(empty, ["admin", "stop"]);
  }
  report("admin start -> ready (empty tree)", startEmpty);
  const floor = [];
  for (let i = 0; i < 10; i++) floor.push(timeOf(() => spawnSync(process.execPath, ["-e", "0"])));
  report("node -e 0 (process start floor)", floor);
  for (const args of [
    ["admin", "status"],
    ["admin", "status", "--json"],
    ["admin", "ice", "server", "list"],
  ]) {
    const xs = [];
    for (let i = 0; i < 20; i++) xs.push(cli(empty, args).ms);
    report(`omero-fs ${args.join(" ")} (node running)`, xs);
  }
  cli(empty, ["admin", "stop"]);
  const off = [];
  for (let i = 0; i < 10; i++) off.push(cli(empty, ["admin", "status"]).ms);
  report("omero-fs admin status (node not running)", off);
}

function benchTree() {
  // --- a tree of FILES files: admin start until DropBox's first reconciliation is done ---
  const dataDir = path.join(ROOT, "data");
  ensureTree(dataDir, FILES);
  const treeHome = path.join(ROOT, "home-tree");
  const startTree = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(treeHome, { recursive: true, force: true });
    // A long dirImportWait: the benchmark measures start-up and listing, not importing.
    writeConfig(treeHome, { "omero.data.dir": dataDir, "omero.fs.dirImportWait": "3600" });
    startTree.push(cli(treeHome, ["admin", "start"]).ms);
    cli(treeHome, ["admin", "stop"]);
  }
  report(`admin start -> ready (${FILES} files, fresh ledger)`, startTree);
  const again = [];
  for (let i = 0; i < RUNS; i++) {
    again.push(cli(treeHome, ["admin", "start"]).ms);
    cli(treeHome, ["admin", "stop"]);
  }
  report(`admin start -> ready (${FILES} files, ledger knows them)`, again);

  // --- imports list on the real ledger DropBox built (files known, filesets waiting) ---
  const realJson = cli(treeHome, ["imports", "list", "--json"]);
  const realCount = JSON.parse(realJson.stdout).length;
  const realList = [];
  for (let i = 0; i < RUNS; i++) realList.push(cli(treeHome, ["imports", "list", "--json"]).ms);
  report("imports list --json (DropBox's ledger)", realList, `${realCount} filesets`);
  const filesList = [];
  for (let i = 0; i < RUNS; i++) filesList.push(cli(treeHome, ["files", "list", "--json"]).ms);
  report(
    "files list --json (DropBox's ledger)",
    filesList,
    `${JSON.parse(cli(treeHome, ["files", "list", "--json"]).stdout).length} files`,
  );
}

function benchSynthetic() {
  // --- a synthetic ledger: FILES imported filesets of one file each (the largest list) ---
  const synth = path.join(ROOT, "home-synthetic");
  fs.rmSync(synth, { recursive: true, force: true });
  fs.mkdirSync(path.join(synth, "var", "db"), { recursive: true });
  const { openLedgerDb } = require(path.join(REPO, "packages", "dropbox", "dist", "ledger.js"));
  const db = openLedgerDb(path.join(synth, "var", "db", "dropbox.sqlite"));
  const tSynth = timeOf(() => {
    const now = Date.now();
    const insFs = db.prepare(
      `INSERT INTO filesets(id, watch, user, key, reader, entry, state, importer, created_at, imported_at, target, images, error, attempts)
       VALUES (?, 0, ?, ?, 'loci.formats.in.TiffDelegateReader', ?, ?, 'local', ?, ?, ?, ?, ?, 1)`,
    );
    const insMember = db.prepare(
      "INSERT INTO fileset_files(fileset, ord, path, size, mtime_ms) VALUES (?, 0, ?, 1024, ?)",
    );
    const insFile = db.prepare(
      `INSERT INTO files(path, watch, user, size, mtime_ms, state, fileset, last_event_ms, seen_at)
       VALUES (?, 0, ?, 1024, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= FILES; i++) {
        const user = `user${i % 20}`;
        const p = path.join(synth, "data", "DropBox", user, `d${Math.floor(i / 2000)}`, `image-${i}.tif`);
        const failed = i % 100 === 0;
        const at = new Date(now - (FILES - i) * 1000).toISOString();
        const images = JSON.stringify([
          { name: `image-${i}.tif`, sizeX: 512, sizeY: 512, sizeZ: 1, sizeC: 1, sizeT: 1, pixelType: "uint16" },
        ]);
        insFs.run(
          i,
          user,
          p,
          p,
          failed ? "failed" : "imported",
          at,
          failed ? null : at,
          failed ? null : path.join(synth, "data", "ManagedRepository", user, `${i}`),
          failed ? null : images,
          failed ? "exec command exited 1" : null,
        );
        insMember.run(i, p, now);
        insFile.run(p, user, now, failed ? "grouped" : "imported", i, now, at);
      }
    })();
    db.close();
  });
  console.log(`synthetic ledger: ${FILES} imported filesets written in ${(tSynth / 1000).toFixed(1)} s`);
  const synthList = [];
  let n = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = cli(synth, ["imports", "list", "--json"]);
    synthList.push(r.ms);
    n = JSON.parse(r.stdout).length;
  }
  report("imports list --json (synthetic ledger)", synthList, `${n} filesets`);
  const runs = (args) => Array.from({ length: RUNS }, () => cli(synth, args).ms);
  report("imports list (table, synthetic ledger)", runs(["imports", "list"]));
  report("imports list --state failed --json (synthetic)", runs(["imports", "list", "--state", "failed", "--json"]));
  report("files list --json (synthetic ledger)", runs(["files", "list", "--json"]));
  report("files list (table, synthetic ledger)", runs(["files", "list"]));
  // A reader that stops early: the list ends quietly (EPIPE), exit status 0, nothing on stderr.
  const head = spawnSync(
    "sh",
    ["-c", `"${process.execPath}" "${CLI}" --home "${synth}" imports list --json | head -c 100 >/dev/null`],
    {
      env,
      encoding: "utf8",
    },
  );
  if (head.status !== 0 || head.stderr) throw new Error(`imports list --json | head: ${head.status} ${head.stderr}`);
}

try {
  main();
} catch (e) {
  for (const h of ["home-empty", "home-tree"]) {
    spawnSync(process.execPath, [CLI, "--home", path.join(ROOT, h), "admin", "stop"], { env });
  }
  console.error(e.message);
  process.exit(1);
}
