import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/wait";

/**
 * The documentation (issue 21): a README a newcomer reads in five minutes (at most 200 lines, the
 * two set-up commands, the sample image), every page under docs/ findable from it, no link to a
 * file that is not there, and the properties reference current with the code.
 */

const read = (f: string) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8");
const README = read("README.md");

/** Links still pointing at files another branch adds (drop each once it is merged). */
const PENDING = new Set<string>([]);

/** Relative Markdown link targets of a file, resolved from the repository root (anchors dropped). */
function links(file: string): string[] {
  const text = read(file);
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith("#"))
    .map((t) => path.normalize(path.join(path.dirname(file), t.split("#")[0]!)));
}

function docs(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(REPO_ROOT, d), { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".md")) out.push(p);
    }
  };
  walk("docs");
  return out.sort();
}

test("the README: at most 200 lines, the two set-up commands as they were, the sample image", () => {
  expect(README.split("\n").length).toBeLessThanOrEqual(200);
  expect(README).toContain("    npx --yes pnpm@12.4.2 install && npx --yes pnpm@12.4.2 start\n");
  expect(README).toContain("    npx --yes pnpm@12.4.2 install --frozen-lockfile && npx --yes pnpm@12.4.2 test\n");
  expect(README).toContain("cp samples/sample.ome.tif ~/.omero-fs/data/DropBox/amy/");
  const sample = fs.readFileSync(path.join(REPO_ROOT, "samples", "sample.ome.tif"));
  expect(sample.subarray(0, 4)).toEqual(Buffer.from("II*\0", "latin1"));
  expect(sample.toString("latin1")).toMatch(/<OME [^>]*>.*<UUID FileName="sample\.ome\.tif">/);
});

test("every page under docs/ is linked from the README", () => {
  const linked = new Set(links("README.md"));
  const missing = docs().filter((d) => !linked.has(d) && d !== "docs/omero.md");
  expect(missing).toEqual([]);
});

test("no link points at a file that is not there", () => {
  const broken: string[] = [];
  for (const f of ["README.md", ...docs()])
    for (const t of links(f)) if (!fs.existsSync(path.join(REPO_ROOT, t)) && !PENDING.has(t)) broken.push(`${f}: ${t}`);
  expect(broken).toEqual([]);
});

test("docs/properties.md is generated from the property table and current", () => {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "docs", "properties.js"), "--check"], {
    encoding: "utf8",
  });
  expect({ code: r.status, err: r.stderr }).toEqual({ code: 0, err: "" });
  expect(read("docs/properties.md")).toContain("## omero.fs.logConsoleFormat");
});
