import { type OmeroFsConfig, resolveConfig } from "@omero-fs/config";
import { planReload, resolveOptions } from "./options";

function opts(values: Record<string, string>) {
  const r = resolveConfig({
    home: "/h",
    values: new Map(
      Object.entries(values).map(([k, raw]) => [k, { raw, source: "config.json", origin: "config.json" }]),
    ),
  });
  expect(r.problems).toEqual([]);
  return resolveOptions(r.effective as OmeroFsConfig, {});
}

describe("planReload", () => {
  test("durations and throttles apply live; the importer and the watches keep running values, reported as restart", () => {
    const before = opts({ "omero.fs.dirImportWait": "60", "omero.fs.importer": "local" });
    const after = opts({
      "omero.fs.dirImportWait": "5",
      "omero.fs.importConcurrency": "3",
      "omero.fs.importer": "omero",
    });
    const p = planReload(before, after);
    expect(p.applied).toEqual(["omero.fs.dirImportWait", "omero.fs.importConcurrency"]);
    expect(p.restart).toEqual(["omero.fs.importer"]);
    expect(p.opts.watches[0]!.quietMs).toBe(5000);
    expect(p.opts.concurrency).toBe(3);
    expect(p.opts.importer).toBe("local");
  });

  test("a changed watch folder applies live: the watch's monitor is re-created", () => {
    const before = opts({ "omero.fs.dirImportWait": "60", "omero.fs.watchDir": "/a" });
    const after = opts({ "omero.fs.dirImportWait": "5", "omero.fs.watchDir": "/b" });
    const p = planReload(before, after);
    expect(p.restart).toEqual([]);
    expect(p.applied.sort()).toEqual(["omero.fs.dirImportWait", "omero.fs.watchDir"]);
    expect(p.watches.map((c) => [c.index, c.kind])).toEqual([[0, "recreate"]]);
    expect(p.opts.watches[0]!.watchDir).toBe("/b");
  });

  test("a new slot is added, an emptied one removed; the others keep their running options", () => {
    const before = opts({ "omero.fs.importUsers": "amy;bob", "omero.fs.watchDir": "/a;/b" });
    const after = opts({ "omero.fs.importUsers": "amy;;carl", "omero.fs.watchDir": "/a;;/c" });
    const p = planReload(before, after);
    expect(p.watches.map((c) => [c.index, c.kind])).toEqual([
      [1, "removed"],
      [2, "added"],
    ]);
    expect(p.opts.watches.map((w) => w.index)).toEqual([0, 2]);
    expect(p.opts.watches[0]).toBe(before.watches[0]);
    expect(p.applied).toEqual([
      "omero.fs.importUsers (watch 2 removed: bob, /b)",
      "omero.fs.importUsers (watch 3 added: carl, /c)",
    ]);
  });

  test("a whitelist change regroups; an edited readers file (same path) too", () => {
    const before = opts({});
    const p = planReload(before, opts({ "omero.fs.whitelist": ".tif" }));
    expect(p.watches.map((c) => [c.kind, c.regroup])).toEqual([["regroup", true]]);
    expect(p.applied).toEqual(["omero.fs.whitelist"]);
    const q = planReload(before, opts({}), (i) => i === 0);
    expect(q.watches.map((c) => [c.kind, c.regroup])).toEqual([["regroup", true]]);
    expect(q.applied).toEqual(["omero.fs.readers (file re-read)"]);
  });

  test("no change: nothing reported", () => {
    const p = planReload(opts({}), opts({}));
    expect([p.applied, p.restart]).toEqual([[], []]);
  });
});
