#!/usr/bin/env node
/**
 * What confirming filesets with OMERO's importer costs (issue 18, omero.fs.confirmFilesets): real
 * Bio-Formats (the group tool, /work/shared/bioformats/group, a JVM like `omero import -f`) on N
 * single-TIFF filesets of one folder, one run per fileset (no batching) against one run for the
 * folder (what the DropBox does: up to 100 queued filesets of a folder per `import -f`). Prints
 * numbers; run from the repository root:
 *
 *   node scripts/bench/omero/confirm.js [--files 50] [--runs 3] [--group /work/shared/bioformats/group]
 *
 * The OMERO CLI adds its Python start (about 1 s for omero-py) to each run; it cannot run here.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const FILES = Number(opt("files", 50));
const RUNS = Number(opt("runs", 3));
const GROUP = opt("group", "/work/shared/bioformats/group");

/** A minimal 4x4 8-bit uncompressed TIFF. */
function tiff() {
  const entries = [
    [256, 3, 4],
    [257, 3, 4],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0],
    [277, 3, 1],
    [278, 3, 4],
    [279, 4, 16],
  ];
  const ifd = 8;
  const pix = ifd + 2 + entries.length * 12 + 4;
  const b = Buffer.alloc(pix + 16);
  b.write("II", 0, "latin1");
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(ifd, 4);
  b.writeUInt16LE(entries.length, ifd);
  entries.forEach(([tag, type, value], i) => {
    const o = ifd + 2 + i * 12;
    b.writeUInt16LE(tag, o);
    b.writeUInt16LE(type, o + 2);
    b.writeUInt32LE(1, o + 4);
    if (tag === 273) b.writeUInt32LE(pix, o + 8);
    else if (type === 3) b.writeUInt16LE(value, o + 8);
    else b.writeUInt32LE(value, o + 8);
  });
  return b;
}

if (!fs.existsSync(GROUP) || spawnSync("java", ["-version"]).status !== 0) {
  console.log(`needs java and ${GROUP}`);
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "omero-fs-bench-confirm-"));
const files = [];
for (let i = 0; i < FILES; i++) {
  const f = path.join(dir, `img${String(i).padStart(4, "0")}.tif`);
  fs.writeFileSync(f, tiff());
  files.push(f);
}
const run = (args) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(GROUP, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const one = [];
const batch = [];
for (let k = 0; k < RUNS; k++) {
  // One JVM per fileset: only the first 10 (a JVM each), as the cost per fileset.
  const each = files.slice(0, 10).map((f) => run([f]));
  one.push(median(each));
  batch.push(run(files));
}
console.log(`Bio-Formats import -f, ${FILES} single-TIFF filesets of one folder, median of ${RUNS} runs:`);
console.log(`  one JVM per fileset:        ${median(one).toFixed(0)} ms per fileset`);
console.log(
  `  one JVM for the folder:     ${median(batch).toFixed(0)} ms for ${FILES} = ${(median(batch) / FILES).toFixed(1)} ms per fileset`,
);
fs.rmSync(dir, { recursive: true, force: true });
