// jest's TypeScript transform: esbuild, one file at a time, types stripped (as ts-jest with
// isolatedModules did, but ~20x faster per file: a cold unit run spent most of its time in
// ts.transpileModule). Types are checked by `tsc -b`, which the test command runs first. Safe here
// because no test uses jest.mock (which needs its calls hoisted above the imports) or a const enum.
const crypto = require("node:crypto");
const fs = require("node:fs");
const esbuild = require("esbuild");

const OPTIONS = {
  loader: "ts",
  format: "cjs",
  target: "node20",
  platform: "node",
  sourcemap: "external",
  sourcesContent: false,
  // import() as require(), as tsc's CommonJS output has it: jest runs tests without ES module support.
  supported: { "dynamic-import": false },
  // tsconfig.base.json's target ES2022: class fields as defined fields, as tsc emits them.
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
};

const SELF = crypto
  .createHash("sha1")
  .update(fs.readFileSync(__filename))
  .update(esbuild.version)
  .update(JSON.stringify(OPTIONS))
  .digest("hex");

module.exports = {
  getCacheKey(source, file) {
    return crypto.createHash("sha1").update(SELF).update(file).update("\0").update(source).digest("hex");
  },
  process(source, file) {
    const out = esbuild.transformSync(source, { ...OPTIONS, sourcefile: file });
    return { code: out.code, map: out.map };
  },
};
