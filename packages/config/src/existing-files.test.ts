import { resolveConfig } from "./resolve";

/** omero.fs.existingFiles: what the first walk of a watch does with files already there. */
const resolve = (v: Record<string, string>) =>
  resolveConfig({
    home: "/h",
    values: new Map(Object.entries(v).map(([k, raw]) => [k, { raw, source: "config.json", origin: "config.json" }])),
  });

describe("omero.fs.existingFiles", () => {
  test("defaults to skip; import is the other choice (any case)", () => {
    expect(resolve({}).effective?.global.existingFiles).toBe("skip");
    expect(resolve({ "omero.fs.existingFiles": "Import" }).effective?.global.existingFiles).toBe("import");
  });

  test("anything else is refused, naming the property and the allowed values", () => {
    const r = resolve({ "omero.fs.existingFiles": "ignore" });
    expect(r.problems.map((p) => p.message)).toEqual([
      'omero.fs.existingFiles [config.json]: "ignore" is not allowed; use one of skip, import',
    ]);
  });
});
