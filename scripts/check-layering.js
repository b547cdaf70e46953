#!/usr/bin/env node
// The layering rules biome cannot express (docs/ARCHITECTURE.md, "Layering rules"): code in a
// `packages/*/src/core/` folder never reads the clock. `Date.now()`, `new Date()` without an
// argument and `performance.now()` are refused with file:line; time comes in as `now`. (Imports,
// timers and process.env in core/ are refused by biome.json's overrides.) Exit 1 on a finding.

const fs = require("node:fs");
const path = require("node:path");

const RULES = [
  { re: /\bDate\s*\.\s*now\s*\(/, what: "Date.now()" },
  { re: /\bnew\s+Date\s*\(\s*\)/, what: "new Date() without an argument" },
  { re: /\bperformance\s*\.\s*now\s*\(/, what: "performance.now()" },
];

/** Blank out comments and string/template contents, keeping line breaks (so line numbers hold). */
function stripNonCode(src) {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === "/" && n === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && n === "*") {
      i += 2;
      while (i < src.length && !(src[i] === "*" && src[i + 1] === "/")) out += src[i++] === "\n" ? "\n" : "";
      i += 2;
    } else if (c === '"' || c === "'" || c === "`") {
      out += c;
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === "\\") i++;
        else if (src[i] === "\n") out += "\n";
        i++;
      }
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Findings in one file's text: [{ line, what }]. */
function check(text) {
  const found = [];
  stripNonCode(text)
    .split("\n")
    .forEach((line, k) => {
      for (const r of RULES) if (r.re.test(line)) found.push({ line: k + 1, what: r.what });
    });
  return found;
}

function coreFiles(root) {
  const out = [];
  const pkgs = path.join(root, "packages");
  for (const pkg of fs.existsSync(pkgs) ? fs.readdirSync(pkgs) : []) {
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|tsx|js|mjs|cjs)$/.test(e.name)) out.push(p);
      }
    };
    const core = path.join(pkgs, pkg, "src", "core");
    if (fs.existsSync(core)) walk(core);
  }
  return out;
}

function main() {
  const root = path.resolve(__dirname, "..");
  let bad = 0;
  for (const file of coreFiles(root)) {
    for (const f of check(fs.readFileSync(file, "utf8"))) {
      bad++;
      process.stderr.write(
        `${path.relative(root, file)}:${f.line}: ${f.what} in core/: take \`now\` as an argument (docs/ARCHITECTURE.md, "Layering rules")\n`,
      );
    }
  }
  if (bad > 0) process.exit(1);
}

module.exports = { check };
if (require.main === module) main();
