#!/usr/bin/env node
// Workload generator: prints JSON {start, end, files: [[path, closeNs]...]} (process.hrtime = CLOCK_MONOTONIC).
//   node gen.js burst DIR N NDIRS   files of 4 KiB into DIR/d000..: each directory filled right after its mkdir
//   node gen.js trickle DIR N GAPMS  N files, one every GAPMS ms
//   node gen.js flat DIR N           N files into an existing DIR
const fs = require("node:fs");
const path = require("node:path");
const [mode, dir, nArg, kArg] = process.argv.slice(2);
const n = Number(nArg);
const data = Buffer.alloc(4096, 97);
const now = () => process.hrtime.bigint();
const files = [];
function write(p) {
  const fd = fs.openSync(p, "w");
  fs.writeSync(fd, data);
  fs.closeSync(fd);
  files.push([p, String(now())]);
}
async function main() {
  const start = now();
  if (mode === "burst") {
    const ndirs = Number(kArg);
    fs.mkdirSync(dir);
    for (let d = 0; d < ndirs; d++) {
      const sub = path.join(dir, `g${String(d % 10)}`, `d${String(d).padStart(3, "0")}`);
      fs.mkdirSync(sub, { recursive: true });
      const share = Math.floor(n / ndirs) + (d < n % ndirs ? 1 : 0);
      for (let i = 0; i < share; i++) write(path.join(sub, `f${String(i).padStart(5, "0")}.dat`));
    }
  } else if (mode === "trickle") {
    const gap = Number(kArg);
    for (let i = 0; i < n; i++) {
      write(path.join(dir, `t${String(i).padStart(4, "0")}.dat`));
      await new Promise((r) => setTimeout(r, gap));
    }
  } else if (mode === "flat") {
    for (let i = 0; i < n; i++) write(path.join(dir, `o${String(i).padStart(5, "0")}.dat`));
  } else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(JSON.stringify({ start: String(start), end: String(now()), files }));
}
main();
