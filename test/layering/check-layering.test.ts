/** scripts/check-layering.js: the clock rule for core/ folders that biome cannot express. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const script = path.join(__dirname, "..", "..", "scripts", "check-layering.js");
const { check } = require(script) as { check: (text: string) => { line: number; what: string }[] };

describe("check-layering", () => {
  it("finds the clock with its line", () => {
    const src = ["export function f(now: number) {", "  const a = Date.now();", "  return new Date( ) ?? a;", "}"].join(
      "\n",
    );
    expect(check(src)).toEqual([
      { line: 2, what: "Date.now()" },
      { line: 3, what: "new Date() without an argument" },
    ]);
    expect(check("const t = performance.now();")).toEqual([{ line: 1, what: "performance.now()" }]);
  });

  it("lets through time passed in, comments and strings", () => {
    const src = [
      "// Date.now() is the caller's business",
      "/* new Date() */",
      'const s = "Date.now()";',
      "export const iso = (now: number) => new Date(now).toISOString();",
    ].join("\n");
    expect(check(src)).toEqual([]);
  });

  it("passes on this repository", () => {
    const r = spawnSync(process.execPath, [script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
