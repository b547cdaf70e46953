#!/usr/bin/env node
/**
 * Cost of the family rules (issue 18, grouping/families.ts): groupFilesets over N files made of every golden
 * layout (written once to a temp folder, probed with the real probeFile, then replicated under N/size copies),
 * with the family rules and with FAMILY_RULES emptied, interleaved. Prints CPU ms per call (median of --runs).
 *
 *   npx tsc -b && node scripts/bench/readers/family-rules.js [--files 10000] [--runs 9]
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const dist = path.resolve(__dirname, "../../../packages/readers/dist");
const { groupFilesets } = require(`${dist}/grouping/index.js`);
const { FAMILY_RULES } = require(`${dist}/grouping/family-rules.js`);
const { defaultCatalogue } = require(`${dist}/catalogue.js`);
const { probeFile } = require(`${dist}/io.js`);
const { loadFamilies, writeLayout } = require(`${dist}/__golden__/disk.js`);

const { arg } = require("../tree");

const FILES = Number(arg("files", "10000"));
const RUNS = Number(arg("runs", "9"));

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-families-"));
  const one = [];
  try {
    for (const fam of loadFamilies())
      for (const l of fam.layouts) {
        const dir = path.join(root, l.name);
        writeLayout(l, dir);
        const walk = (d) => {
          for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else one.push({ path: p, size: fs.statSync(p).size });
          }
        };
        walk(dir);
      }
    for (const f of one) f.probe = await probeFile(f.path);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const files = [];
  for (let k = 0; files.length < FILES; k++)
    for (const f of one) if (files.length < FILES) files.push({ ...f, path: f.path.replace(root, `${root}/copy${k}`) });
  const cat = defaultCatalogue();
  const saved = [...FAMILY_RULES];
  const cpu = () => {
    const t = process.cpuUsage();
    groupFilesets(files, cat);
    const u = process.cpuUsage(t);
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < 3; i++) cpu();
  const withRules = [];
  const without = [];
  for (let i = 0; i < RUNS; i++) {
    withRules.push(cpu());
    FAMILY_RULES.length = 0;
    without.push(cpu());
    FAMILY_RULES.push(...saved);
  }
  const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `groupFilesets over ${files.length} files (${one.length} golden files replicated): ${med(withRules).toFixed(0)} ms CPU with the ${saved.length} family rules, ${med(without).toFixed(0)} ms without (median of ${RUNS}, interleaved)`,
  );
}
main();
