/**
 * `omero-fs files plan DIR --json` on plate layouts written to disk (test/fixtures/layouts), with no
 * node running: the same grouping and readiness code as the DropBox, one element per fileset.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type FilesetPlanJson, FilesPlanJsonSchema } from "@omero-fs/protocol";
import { inCellPlate, metaxpressPlate, operettaPlate, writeLayout } from "../fixtures/layouts";
import { CLI_BIN, tempDir } from "../helpers/wait";

jest.setTimeout(60_000);

const t = tempDir("ofs-plan-");
const home = path.join(t.dir, "home");
afterAll(() => t.cleanup());
beforeAll(() => {
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(
    path.join(home, "etc", "config.json"),
    JSON.stringify({ "omero.fs.dirImportWait": "0", "omero.fs.settleTime": "0", "omero.fs.incompleteWait": "3600" }),
  );
});

function plan(dir: string, ...more: string[]): { status: number | null; out: FilesetPlanJson[]; text: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  const r = spawnSync(process.execPath, [CLI_BIN, "--home", home, "files", "plan", dir, ...more], {
    encoding: "utf8",
    env,
  });
  if (r.status !== 0) throw new Error(`files plan ${dir}: ${r.stderr}`);
  return {
    status: r.status,
    out: more.includes("--json") ? FilesPlanJsonSchema.parse(JSON.parse(r.stdout)) : [],
    text: r.stdout,
  };
}

test("a whole MetaXpress plate: one fileset, entry the HTD, ready", async () => {
  const dir = path.join(t.dir, "mx");
  const fx = metaxpressPlate({
    plate: "P",
    wells: ["A01", "A02", "B01"],
    xSites: 2,
    ySites: 1,
    waves: ["DAPI", "GFP"],
  });
  await writeLayout(fx, dir);
  const { out } = plan(dir, "--json");
  expect(out).toHaveLength(1);
  expect(out[0]).toMatchObject({
    entry: path.join(dir, "P.HTD"),
    reader: "loci.formats.in.MetaxpressTiffReader",
    ready: true,
    waitingFor: [],
    plate: { format: "MetaXpress", wells: 3, fields: 2, channels: 2, expectedImages: 12, presentImages: 12 },
  });
  expect(out[0]!.files).toHaveLength(13);
  const text = plan(dir).text;
  expect(text).toContain("1 fileset (1 ready)");
  expect(text).toContain("plate: MetaXpress P: 3 wells x 2 fields x 2 channels x 1 timepoints; 12 of 12 images");
});

test("a plate cut short: waiting, with what is missing; images before their index: no fileset, held", async () => {
  const dir = path.join(t.dir, "cut");
  const fx = metaxpressPlate({ plate: "C", wells: ["A01", "A02", "A03"] });
  await writeLayout(fx, dir, { limit: 2 });
  const { out } = plan(dir, "--json");
  expect(out).toEqual([
    expect.objectContaining({
      entry: path.join(dir, "C.HTD"),
      ready: false,
      waitingFor: ["MetaXpress plate C: 1 of 3 images; missing: C_A02_w1.TIF, C_A03_w1.TIF"],
      missing: [path.join(dir, "C_A02_w1.TIF"), path.join(dir, "C_A03_w1.TIF")],
    }),
  ]);
  const first = path.join(t.dir, "first");
  await writeLayout(fx, first, { order: "images-first", limit: 3 });
  expect(plan(first, "--json").out).toEqual([]);
  expect(plan(first).text).toMatch(/waiting for an entry file \(not imported alone\) \(3\):\n {2}C_A01_w1\.TIF: /);
});

test("Operetta and InCell plates: the index is the entry, every listed image a member", async () => {
  const op = operettaPlate();
  const dir = path.join(t.dir, "op");
  await writeLayout(op, dir);
  const ic = inCellPlate();
  const dir2 = path.join(t.dir, "ic");
  await writeLayout(ic, dir2);
  const a = plan(dir, "--json").out;
  expect(a.map((f) => [path.relative(dir, f.entry), f.reader, f.ready])).toEqual([[op.entry, op.reader, true]]);
  expect(a[0]!.files).toHaveLength(op.files.length);
  const b = plan(dir2, "--json").out;
  expect(b.map((f) => [path.relative(dir2, f.entry), f.reader, f.ready, f.files.length])).toEqual([
    [ic.entry, ic.reader, true, ic.files.length],
  ]);
});

test("a folder that does not exist: one clear line", () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  const r = spawnSync(process.execPath, [CLI_BIN, "--home", home, "files", "plan", path.join(t.dir, "nope")], {
    encoding: "utf8",
    env,
  });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain("does not exist; give the folder to plan");
});
