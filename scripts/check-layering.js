#!/usr/bin/env node
// The layering rules biome cannot express (docs/ARCHITECTURE.md, "Layering rules"), each finding
// printed as file:line, exit 1 on any:
// - code in a `packages/*/src/core/` folder never reads the clock: `Date.now()`, `new Date()`
//   without an argument and `performance.now()` are refused; time comes in as `now`. (Imports,
//   timers and process.env in core/ are refused by biome.json's overrides.)
// - a package is used through its faces only: an `@omero-fs/<pkg>/<sub>` import must be one of
//   that package's `exports` (never `dist/...` or `src/...`), and every face has its
//   `typesVersions` entry (TypeScript's node resolution reads that, Node reads `exports`);
// - SQL only in the store modules: better-sqlite3 is imported only by the DropBox's ledger
//   (packages/dropbox/src/ledger/) and the node's notification outbox (cli/src/node/notify/outbox.ts).

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

/** Files that may import better-sqlite3 (relative to the repository, "/" separated): the store modules. */
const SQL_HOMES = [/^packages\/dropbox\/src\/ledger\//, /^packages\/cli\/src\/node\/notify\/outbox\.ts$/];

/** Each workspace package's faces: name -> Set of subpaths ("." for the package itself). */
function facesOf(root) {
  const out = new Map();
  const pkgs = path.join(root, "packages");
  for (const pkg of fs.existsSync(pkgs) ? fs.readdirSync(pkgs) : []) {
    const file = path.join(pkgs, pkg, "package.json");
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    const faces = new Set(Object.keys(json.exports ?? { ".": null }).filter((k) => k !== "./package.json"));
    out.set(json.name, { faces, typesVersions: json.typesVersions?.["*"] ?? {}, file });
  }
  return out;
}

/**
 * Findings about imports in one source file: `@omero-fs/...` specifiers that are not a face of
 * their package, and better-sqlite3 outside the store modules. `rel`: the file's repository path.
 */
function checkImports(text, rel, faces) {
  const found = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/\/\/.*$/gm, "");
  code.split("\n").forEach((line, k) => {
    for (const m of line.matchAll(/(?:from|import|require)\s*\(?\s*["'](@omero-fs\/[a-z-]+)(\/[^"']*)?["']/g)) {
      const pkg = faces.get(m[1]);
      const sub = m[2] ? `.${m[2]}` : ".";
      if (pkg && !pkg.faces.has(sub))
        found.push({
          line: k + 1,
          what: `${m[1]}${m[2] ?? ""} is not a face of ${m[1]} (its package.json exports: ${[...pkg.faces].join(", ")}); import a face, never dist/ or src/`,
        });
    }
    if (/(?:from|require)\s*\(?\s*["']better-sqlite3["']/.test(line) && !SQL_HOMES.some((re) => re.test(rel)))
      found.push({
        line: k + 1,
        what: "better-sqlite3 outside a store module: SQL lives in packages/dropbox/src/ledger/ (the ledger) or cli/src/node/notify/outbox.ts (notifications)",
      });
  });
  return found;
}

function sourceFiles(root) {
  const out = [];
  const pkgs = path.join(root, "packages");
  for (const pkg of fs.existsSync(pkgs) ? fs.readdirSync(pkgs) : []) {
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) out.push(p);
      }
    };
    const src = path.join(pkgs, pkg, "src");
    if (fs.existsSync(src)) walk(src);
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
  const faces = facesOf(root);
  for (const [name, p] of faces)
    for (const face of p.faces) {
      if (face === "." || p.typesVersions[face.slice(2)]) continue;
      bad++;
      process.stderr.write(
        `${path.relative(root, p.file)}: face ${name}/${face.slice(2)} has no typesVersions entry (TypeScript cannot resolve it)\n`,
      );
    }
  for (const file of sourceFiles(root)) {
    const rel = path.relative(root, file).split(path.sep).join("/");
    for (const f of checkImports(fs.readFileSync(file, "utf8"), rel, faces)) {
      bad++;
      process.stderr.write(`${rel}:${f.line}: ${f.what} (docs/ARCHITECTURE.md, "Layering rules")\n`);
    }
  }
  if (bad > 0) process.exit(1);
}

module.exports = { check, checkImports, facesOf };
if (require.main === module) main();
