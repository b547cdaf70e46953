/** scripts/check-layering.js: the layering rules biome cannot express (the clock in core/, faces, SQL homes). */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const script = path.join(__dirname, "..", "..", "scripts", "check-layering.js");
type Finding = { line: number; what: string };
const { check, checkImports, facesOf } = require(script) as {
  check: (text: string) => Finding[];
  checkImports: (text: string, rel: string, faces: Map<string, unknown>) => Finding[];
  facesOf: (root: string) => Map<string, unknown>;
};

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

  it("refuses an import that is not a package's face, and SQL outside the store modules", () => {
    const faces = facesOf(path.join(__dirname, "..", ".."));
    const src = [
      'import { homePaths } from "@omero-fs/config/home";',
      'import { resolveHome } from "@omero-fs/config/dist/home";',
      'const v = require("@omero-fs/dropbox/dist/ledger/view") as typeof import("@omero-fs/dropbox/ledger");',
      'import Database from "better-sqlite3";',
    ].join("\n");
    expect(checkImports(src, "packages/cli/src/x.ts", faces).map((f) => [f.line, f.what.split(" ")[0]])).toEqual([
      [2, "@omero-fs/config/dist/home"],
      [3, "@omero-fs/dropbox/dist/ledger/view"],
      [4, "better-sqlite3"],
    ]);
    expect(checkImports('import Database from "better-sqlite3";', "packages/dropbox/src/ledger/x.ts", faces)).toEqual(
      [],
    );
    expect(
      checkImports('import Database from "better-sqlite3";', "packages/cli/src/node/notify/outbox.ts", faces),
    ).toEqual([]);
  });

  it("passes on this repository", () => {
    const r = spawnSync(process.execPath, [script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
