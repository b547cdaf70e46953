/**
 * Golden cases (issue 18): every layout of packages/readers/src/__golden__/layouts written to disk, probed
 * with the real probeFile, grouped by groupFilesets and planned by the CLI's `files plan --json` (one
 * spawn over all layouts, each layout a folder of its own), each compared with what real Bio-Formats
 * made of it (recorded/<family>.json, by record.ts). Needs no Java. Prints how many are the same.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type FilesetPlanJson, FilesPlanJsonSchema, isSysFileName } from "@omero-fs/protocol";
import { allMembers, type CandidateFile, defaultCatalogue, groupFilesets, probeFile } from "../../packages/readers/src";
import { judge, seenThroughFilters, type Verdict } from "../../packages/readers/src/__golden__/compare";
import { layoutHash, loadFamilies, loadRecorded, writeLayout } from "../../packages/readers/src/__golden__/disk";
import type { OurFileset, RecordedLayout } from "../../packages/readers/src/__golden__/types";
import { CLI_BIN, tempDir } from "../helpers/wait";
import { EXPECTED_FAILURES } from "./expected-failures";

jest.setTimeout(120_000);

const RECORD = "npx tsc -b && node packages/readers/dist/__golden__/record.js";
const families = loadFamilies();
const layouts = families.flatMap((f) => f.layouts.map((l) => ({ family: f.family, layout: l })));
const recorded = new Map(families.map((f) => [f.family, loadRecorded(f.family)]));
const t = tempDir("ofs-golden-");
const root = path.join(t.dir, "layouts");
/** The layouts with a path omero.fs.ignoreSysFiles hides, planned again with it off. */
const sysRoot = path.join(t.dir, "sys-layouts");
/** A path (relative) the watch's default filters hide: a component ignoreSysFiles names. */
const hidden = (rel: string) => rel.split("/").some(isSysFileName);
const hasHidden = (files: Record<string, unknown>) => Object.keys(files).some(hidden);
let cli: Map<string, OurFileset[]>;
let cliAllFiles: Map<string, OurFileset[]>;
const verdicts: { group: Verdict[]; plan: Verdict[] } = { group: [], plan: [] };

/** `files plan DIR --json` in a home of its own (config: the test's properties), by layout folder. */
function filesPlan(dir: string, home: string, config: Record<string, string>): Map<string, OurFileset[]> {
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(
    path.join(home, "etc", "config.json"),
    JSON.stringify({
      "omero.fs.dirImportWait": "0",
      "omero.fs.settleTime": "0",
      "omero.fs.incompleteWait": "3600",
      ...config,
    }),
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  const r = spawnSync(process.execPath, [CLI_BIN, "--home", home, "files", "plan", dir, "--json"], {
    encoding: "utf8",
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`files plan ${dir} --json: exit ${r.status}: ${r.stderr}`);
  const out = new Map<string, OurFileset[]>();
  for (const f of FilesPlanJsonSchema.parse(JSON.parse(r.stdout)) as FilesetPlanJson[]) {
    const name = path.relative(dir, f.entry).split("/")[0]!;
    const rel = (p: string) => path.relative(path.join(dir, name), p);
    const list = out.get(name) ?? [];
    list.push({ entry: rel(f.entry), reader: f.reader, files: f.files.map(rel), missing: (f.missing ?? []).map(rel) });
    out.set(name, list);
  }
  return out;
}

beforeAll(() => {
  for (const { layout } of layouts) {
    writeLayout(layout, path.join(root, layout.name));
    if (hasHidden(layout.files)) writeLayout(layout, path.join(sysRoot, layout.name));
  }
  fs.mkdirSync(sysRoot, { recursive: true });
  cli = filesPlan(root, path.join(t.dir, "home"), {});
  cliAllFiles = filesPlan(sysRoot, path.join(t.dir, "home-sys"), { "omero.fs.ignoreSysFiles": "false" });
});

afterAll(() => {
  t.cleanup();
  const line = (who: string, v: Verdict[]) => {
    const sets = v.reduce((n, x) => n + x.bioFormats, 0);
    const same = v.reduce((n, x) => n + x.sameFilesets, 0);
    const extra = v.reduce((n, x) => n + x.extra, 0);
    return `${who}: ${v.filter((x) => x.same).length} of ${v.length} layouts and ${same} of ${sets} Bio-Formats filesets the same (${extra} filesets Bio-Formats does not make)`;
  };
  if (verdicts.group.length > 0)
    process.stdout.write(
      `golden cases: ${line("groupFilesets", verdicts.group)}; ${line("files plan", verdicts.plan)}\n`,
    );
});

async function ourGrouping(dir: string) {
  const paths: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else paths.push(p);
    }
  };
  walk(dir);
  const input: CandidateFile[] = await Promise.all(
    paths.map(async (p) => ({ path: p, size: fs.statSync(p).size, probe: await probeFile(p) })),
  );
  const g = groupFilesets(input, defaultCatalogue());
  const rel = (p: string) => path.relative(dir, p);
  const sets: OurFileset[] = g.filesets.map((f) => ({
    entry: rel(f.entry),
    reader: f.reader,
    files: allMembers(f).map(rel),
    missing: f.missing.map(rel),
  }));
  const elsewhere = new Map<string, string>([
    ...g.pending.map((p) => [rel(p.path), `pending (${p.reason})`] as [string, string]),
    ...g.ignored.map((p) => [rel(p.path), `ignored (${p.reason})`] as [string, string]),
  ]);
  return { sets, elsewhere };
}

test("every layout is recorded, as it is now, under a unique folder-safe name", () => {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const { family, layout } of layouts) {
    if (seen.has(layout.name)) problems.push(`${layout.name}: used twice`);
    seen.add(layout.name);
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(layout.name)) problems.push(`${layout.name}: use [a-z0-9._-] (a folder name)`);
    const r = recorded.get(family)?.layouts.find((x) => x.name === layout.name);
    if (!r) problems.push(`${layout.name} (${family}): not recorded; run ${RECORD} ${family}`);
    else if (r.hash !== layoutHash(layout))
      problems.push(`${layout.name} (${family}): changed since it was recorded; run ${RECORD} ${family}`);
  }
  for (const f of families)
    for (const r of recorded.get(f.family)?.layouts ?? [])
      if (!f.layouts.some((l) => l.name === r.name))
        problems.push(`${r.name}: recorded in ${f.family}.json but no longer a layout; run ${RECORD} ${f.family}`);
  for (const name of Object.keys(EXPECTED_FAILURES))
    if (!seen.has(name)) problems.push(`EXPECTED_FAILURES names ${name}, which is no layout`);
  expect(problems).toEqual([]);
});

describe.each(families.map((f) => [f.family, f] as const))("%s", (family, fam) => {
  it.each(fam.layouts.map((l) => [l.name, l] as const))(
    "%s: the same filesets as Bio-Formats",
    async (name, layout) => {
      const rec: RecordedLayout | undefined = recorded.get(family)?.layouts.find((x) => x.name === name);
      if (!rec) throw new Error(`${name}: not recorded; run ${RECORD} ${family}`);
      const dir = path.join(root, name);
      const ours = await ourGrouping(dir);
      const g = judge(layout, rec, ours.sets, "groupFilesets", ours.elsewhere);
      // The DropBox never sees what omero.fs.ignoreSysFiles hides (readers README, "System files"); with it
      // off, `files plan` makes Bio-Formats' filesets of every file.
      const p = judge(layout, seenThroughFilters(rec, hidden), cli.get(name) ?? [], "files plan");
      const all = hasHidden(layout.files)
        ? judge(layout, rec, cliAllFiles.get(name) ?? [], "files plan (ignoreSysFiles=false)").problems
        : [];
      verdicts.group.push(g);
      verdicts.plan.push(p);
      const problems = [...g.problems, ...p.problems, ...all];
      const known = EXPECTED_FAILURES[name];
      if (known) {
        if (problems.length === 0)
          throw new Error(
            `${name} now comes out the same as Bio-Formats: remove it from test/golden/expected-failures.ts`,
          );
        return;
      }
      expect(problems).toEqual([]);
    },
  );
});
