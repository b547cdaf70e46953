// Loads the readers' fixture makers (TypeScript, not compiled to dist/) by transpiling each .ts file
// on require with the repository's own TypeScript: the soak uses the makers the tests use. The
// output is cached by content hash under the temp folder (loading TypeScript costs seconds).
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(os.tmpdir(), "omero-fs-soak-ts");
let installed = false;
let ts = null;

function transpile(source, filename) {
  const key = crypto.createHash("sha1").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  ts ??= require(require.resolve("typescript", { paths: [ROOT] }));
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  }).outputText;
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = `${cached}.${process.pid}`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, cached);
  return out;
}

function install() {
  if (installed) return;
  installed = true;
  require.extensions[".ts"] = (module, filename) => {
    module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
  };
}

/** require() a TypeScript file of the repository by its path relative to the root. */
function requireTs(rel) {
  install();
  return require(path.join(ROOT, rel));
}

module.exports = { requireTs, ROOT };
