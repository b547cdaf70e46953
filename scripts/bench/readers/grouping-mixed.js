#!/usr/bin/env node
/**
 * Grouping cost on mixed layouts (issue 18): every golden layout (packages/readers/src/__golden__,
 * 339 layouts of ~60 readers, plates, broken files) copied under its own folder until --files
 * candidates, probed in memory as the io probe would, then one groupFilesets call over all of them
 * (median of --runs). With --before REV, the readers package of that git revision is built into a
 * temporary folder and timed on the same candidates in the same run, alternating runs.
 *
 * It also judges each layout once, as test/golden does for groupFilesets (in-memory probes), and
 * prints how many layouts and Bio-Formats filesets each build makes the same.
 *
 *   npx tsc -b && node scripts/bench/readers/grouping-mixed.js [--files 10000] [--runs 7] [--before 98da904]
 */
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { arg } = require("../tree");

const ROOT = path.resolve(__dirname, "../../..");
const DIST = path.join(ROOT, "packages/readers/dist");
const FILES = Number(arg("files", "10000"));
const RUNS = Number(arg("runs", "7"));
const BEFORE = arg("before", "");

const { loadFamilies, loadRecorded } = require(path.join(DIST, "__golden__/disk.js"));
const { judge } = require(path.join(DIST, "__golden__/compare.js"));
const readers = require(path.join(DIST, "index.js"));

/** What io.probeFile reads of a file, from its bytes: the head (whole for index files and for an index its head
 * shows, wholeFileMaxByHead), the first IFD of a TIFF (description, tags, Software, text tags). */
async function probe(p, content) {
  const wholeMax = readers.wholeFileMax(p);
  const size = content.length;
  const head = content.subarray(0, wholeMax > 0 && size <= wholeMax ? size : Math.min(size, readers.HEADER_BYTES));
  if (head.length < size && readers.wholeFileMaxByHead(p, head) >= size) return { head: content };
  const out = { head };
  if (readers.parseTiffHeader(head)) {
    try {
      const first = await readers.readTiffFirstIfd(content);
      out.tiffDescription = first?.description ?? null;
      if (first) out.tiffTags = first.tags;
      if (first?.software !== undefined) out.tiffSoftware = first.software;
      if (first?.text !== undefined) out.tiffText = first.text;
    } catch {
      out.tiffDescription = null;
    }
  }
  return out;
}

/** The golden layouts as candidates, probed, copied under their own folders until `n` files. */
async function candidates(n) {
  const layouts = loadFamilies().flatMap((f) => f.layouts);
  const out = [];
  for (let copy = 0; out.length < n; copy++) {
    for (const l of layouts) {
      for (const [rel, c] of Object.entries(l.files)) {
        const content = typeof c === "string" ? Buffer.from(c) : c;
        const p = `/bench/u${copy}/${l.name}/${rel}`;
        out.push({ path: p, size: content.length, probe: await probe(p, content) });
      }
      if (out.length >= n) break;
    }
  }
  return out;
}

/** Builds packages/readers (and protocol) of `rev` into a temporary folder; returns its dist. */
function buildRevision(rev) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-readers-"));
  const tar = path.join(dir, "src.tar");
  execFileSync("git", [
    "-C",
    ROOT,
    "archive",
    "-o",
    tar,
    rev,
    "tsconfig.base.json",
    "packages/protocol",
    "packages/readers",
  ]);
  execFileSync("tar", ["-xf", tar, "-C", dir]);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  // The workspace link pnpm makes: readers -> its own protocol.
  fs.mkdirSync(path.join(dir, "packages/readers/node_modules/@omero-fs"), { recursive: true });
  fs.symlinkSync(
    path.join(dir, "packages/protocol"),
    path.join(dir, "packages/readers/node_modules/@omero-fs/protocol"),
  );
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", path.join(dir, "packages/readers")], {
    stdio: "inherit",
  });
  return {
    dist: path.join(dir, "packages/readers/dist"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function load(dist) {
  const g = require(path.join(dist, "grouping/index.js"));
  const { defaultCatalogue } = require(path.join(dist, "catalogue.js"));
  return { groupFilesets: g.groupFilesets, catalogue: defaultCatalogue() };
}

/** Each layout grouped alone and judged against its recording: [same layouts, layouts, same filesets, filesets]. */
async function verdicts(s) {
  let [same, n, sameSets, sets] = [0, 0, 0, 0];
  for (const fam of loadFamilies()) {
    const rec = loadRecorded(fam.family);
    for (const l of fam.layouts) {
      const r = rec?.layouts.find((x) => x.name === l.name);
      if (!r) continue;
      const root = `/judge/${l.name}`;
      const input = [];
      for (const [rel, c] of Object.entries(l.files)) {
        const content = typeof c === "string" ? Buffer.from(c) : c;
        input.push({ path: `${root}/${rel}`, size: content.length, probe: await probe(`${root}/${rel}`, content) });
      }
      const g = s.groupFilesets(input, s.catalogue);
      const rel = (p) => path.posix.relative(root, p);
      // As test/golden judges: a fileset's files and the files it shares; where each other file went.
      const ours = g.filesets.map((f) => ({
        entry: rel(f.entry),
        reader: f.reader,
        files: [...f.files, ...(f.shared ?? [])].map(rel),
        missing: f.missing.map(rel),
      }));
      const elsewhere = new Map([
        ...g.pending.map((p) => [rel(p.path), `pending (${p.reason})`]),
        ...g.ignored.map((p) => [rel(p.path), `ignored (${p.reason})`]),
      ]);
      const v = judge(l, r, ours, s.name, elsewhere);
      n++;
      if (v.same) same++;
      sameSets += v.sameFilesets;
      sets += v.bioFormats;
    }
  }
  return `${same} of ${n} layouts, ${sameSets} of ${sets} Bio-Formats filesets the same`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const input = await candidates(FILES);
  const subjects = [{ name: "this build", ...load(DIST) }];
  let before = null;
  if (BEFORE) {
    before = buildRevision(BEFORE);
    subjects.unshift({ name: `before (${BEFORE})`, ...load(before.dist) });
  }
  try {
    const times = new Map(subjects.map((s) => [s.name, []]));
    const shape = new Map();
    for (let r = 0; r < RUNS + 1; r++) {
      for (const s of subjects) {
        const files = input.map((f) => ({ ...f }));
        const t = process.hrtime.bigint();
        const res = s.groupFilesets(files, s.catalogue);
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        if (r > 0) times.get(s.name).push(ms); // the first run warms the JIT
        shape.set(
          s.name,
          `${res.filesets.length} filesets, ${res.ignored.length} ignored, ${res.pending.length} pending`,
        );
      }
    }
    console.log(`groupFilesets over ${input.length} candidates of mixed layouts (${RUNS} runs, alternating):`);
    for (const s of subjects) {
      const t = times.get(s.name);
      console.log(
        `  ${s.name}: median ${median(t).toFixed(1)} ms, fastest ${Math.min(...t).toFixed(1)} ms (${shape.get(s.name)})`,
      );
    }
    console.log("golden layouts judged (groupFilesets, in-memory probes):");
    for (const s of subjects) console.log(`  ${s.name}: ${await verdicts(s)}`);
    if (subjects.length === 2) {
      const [b, a] = subjects.map((s) => times.get(s.name));
      console.log(
        `  ratio this/before: median ${(median(a) / median(b)).toFixed(2)}, fastest ${(Math.min(...a) / Math.min(...b)).toFixed(2)}`,
      );
    }
  } finally {
    before?.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
