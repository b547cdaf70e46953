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

  test("a changed watch folder is not applied: every watch keeps its running options", () => {
    const before = opts({ "omero.fs.dirImportWait": "60", "omero.fs.watchDir": "/a" });
    const after = opts({ "omero.fs.dirImportWait": "5", "omero.fs.watchDir": "/b" });
    const p = planReload(before, after);
    expect(p.restart).toEqual(["omero.fs.watches (watchDir, user, whitelist, readers, ...)"]);
    expect(p.opts.watches).toEqual(before.watches);
  });

  test("no change: nothing reported", () => {
    const p = planReload(opts({}), opts({}));
    expect([p.applied, p.restart]).toEqual([[], []]);
  });
});
