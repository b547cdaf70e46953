/** Two projects split by cost (docs/ARCHITECTURE.md, "Test hooks"): pure unit tests beside the
 * code, end-to-end tests with real processes under test/. Workspace imports resolve to sources for unit tests; the
 * end-to-end tests spawn the compiled servers, so `tsc -b` runs before jest (see package.json). */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/**
 * Every face of every workspace package (its package.json `exports`; `main` for a package without)
 * mapped to its source: `@omero-fs/dropbox/ledger` -> packages/dropbox/src/ledger/index.ts. So a
 * test never runs a stale dist/ file, and a face added to a package.json is mapped with no edit
 * here. A path that is not a face is not mapped (and scripts/check-layering.js refuses it in source).
 */
function sourceFaces() {
  const map = {};
  const root = path.join(__dirname, "packages");
  for (const pkg of fs.readdirSync(root)) {
    const file = path.join(root, pkg, "package.json");
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    const faces = json.exports ?? { ".": { default: `./${json.main}` } };
    for (const [face, target] of Object.entries(faces)) {
      const js = typeof target === "string" ? target : target.default;
      if (!js.startsWith("./dist/")) continue;
      const name = face === "." ? json.name : `${json.name}/${face.slice(2)}`;
      const src = js.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");
      map[`^${name.replace(/[/.]/g, "\\$&")}$`] = `<rootDir>/packages/${pkg}/${src}`;
    }
  }
  return map;
}

const moduleNameMapper = sourceFaces();
const transform = { "^.+\\.ts$": "<rootDir>/scripts/test/transform.js" };
module.exports = {
  // End-to-end files mostly wait (quiet periods, processes starting), so more files run at once
  // than there are cores (docs/development.md, "Keeping the tests fast"); longest files first.
  // Three per core: a fresh-clone run used 127 % of 2 cores with cores + 2 workers (393 s) and
  // finishes in 317 s with 6, all passing.
  maxWorkers: Number(process.env.OMERO_FS_JEST_WORKERS) || os.availableParallelism() * 3,
  testSequencer: "<rootDir>/scripts/test/sequencer.js",
  // A unit test waits for nothing: its timeout only catches a hang. jest's 5 s default is a guess
  // that a starved worker misses (a full run beside CPU-bound work: snapshot.test.ts's native
  // parcel calls timed out). e2e files set their own (test/helpers/setup.ts).
  testTimeout: 30_000,
  projects: [
    {
      displayName: "unit",
      testMatch: ["<rootDir>/packages/*/src/**/*.test.ts"],
      testEnvironment: "node",
      moduleNameMapper,
      transform,
    },
    {
      displayName: "e2e",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testEnvironment: "node",
      moduleNameMapper,
      transform,
      setupFilesAfterEnv: ["<rootDir>/test/helpers/setup.ts"],
    },
  ],
};
