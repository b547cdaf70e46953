import { resolveConfig } from "./resolve";

/** omero.fs.changedAfterImport replaces reimportModified, which stays working as a deprecated alias. */
const resolve = (v: Record<string, string>) =>
  resolveConfig({
    home: "/h",
    values: new Map(Object.entries(v).map(([k, raw]) => [k, { raw, source: "config.json", origin: "config.json" }])),
  });

describe("omero.fs.changedAfterImport", () => {
  test("defaults to log, without a warning", () => {
    const r = resolve({});
    expect(r.effective?.global.changedAfterImport).toBe("log");
    expect(r.warnings.filter((w) => /changedAfterImport|reimportModified/.test(w))).toEqual([]);
  });
  test("reimportModified=true reads as reimport, and says it is deprecated", () => {
    const r = resolve({ "omero.fs.reimportModified": "true" });
    expect(r.effective?.global.changedAfterImport).toBe("reimport");
    expect(r.warnings).toContain(
      "omero.fs.reimportModified [config.json] is deprecated: read as omero.fs.changedAfterImport=reimport; set that instead",
    );
  });
  test("both set: changedAfterImport wins, with a warning", () => {
    const r = resolve({ "omero.fs.reimportModified": "true", "omero.fs.changedAfterImport": "ignore" });
    expect(r.effective?.global.changedAfterImport).toBe("ignore");
    expect(r.warnings).toContain(
      "omero.fs.reimportModified [config.json] is deprecated and ignored: omero.fs.changedAfterImport=ignore is set and wins; remove reimportModified",
    );
  });
  test("an unknown policy is refused, naming the choices", () => {
    const r = resolve({ "omero.fs.changedAfterImport": "sometimes" });
    expect(r.problems[0]?.message).toMatch(/^omero\.fs\.changedAfterImport \[config\.json\]: .*log.*ignore.*reimport/);
  });
});
