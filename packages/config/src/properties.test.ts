import * as path from "node:path";
import { envKeyToProperty, envNameOf, upperSnake } from "./env";
import { PROPERTIES } from "./properties";
import { defaultRaw, didYouMean, findProperty, levenshtein, propertiesMarkdown } from "./property-lookup";
import { defaultValue, parseValue, splitSlots, validateRaw } from "./resolve";
import { GlobalConfigSchema, WatchConfigSchema } from "./types";

describe("the property table", () => {
  test("covers every key of WatchConfig and GlobalConfig exactly once", () => {
    const watchKeys = Object.keys(WatchConfigSchema.shape).filter((k) => k !== "index" && k !== "user");
    const globalKeys = Object.keys(GlobalConfigSchema.shape).filter((k) => k !== "home");
    const shorts = PROPERTIES.map((p) => p.short);
    expect(new Set(shorts).size).toBe(shorts.length);
    expect(
      PROPERTIES.filter((p) => p.scope === "watch")
        .map((p) => p.short)
        .sort(),
    ).toEqual(["importUsers", ...watchKeys].sort());
    expect(
      PROPERTIES.filter((p) => p.scope === "global")
        .map((p) => p.short)
        .sort(),
    ).toEqual(globalKeys.sort());
  });

  test("every default parses", () => {
    for (const p of PROPERTIES) expect(() => defaultValue(p, "/h")).not.toThrow();
    expect(defaultRaw(findProperty("omero.data.dir")!, "/h")).toBe(path.join("/h", "data"));
  });

  test("findProperty takes full and short names", () => {
    expect(findProperty("watchDir")?.name).toBe("omero.fs.watchDir");
    expect(findProperty("omero.fs.watchDir")?.short).toBe("watchDir");
    expect(findProperty("dataDir")?.name).toBe("omero.data.dir");
    expect(findProperty("omero.fs.nope")).toBeUndefined();
  });
});

describe("did-you-mean", () => {
  test("levenshtein", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("same", "same")).toBe(0);
  });
  test.each([
    ["omero.fs.dirImportWiat", "omero.fs.dirImportWait"],
    ["omero.fs.watchdir", "omero.fs.watchDir"],
    ["omero.fs.importUser", "omero.fs.importUsers"],
    ["watchDirs", "omero.fs.watchDir"],
    ["omero.fs.evenTypes", "omero.fs.eventTypes"],
    ["omero.fs.frobnicate", null],
  ])("%s -> %s", (key, want) => {
    expect(didYouMean(key)).toBe(want);
  });
});

describe("environment mapping", () => {
  test("UPPER_SNAKE and camelCase map to the same property", () => {
    expect(upperSnake("dirImportWait")).toBe("DIR_IMPORT_WAIT");
    expect(envNameOf(findProperty("omeroPasswordFile")!)).toBe("OMERO_FS_OMERO_PASSWORD_FILE");
    for (const k of ["OMERO_FS_DIR_IMPORT_WAIT", "OMERO_FS_dirImportWait", "OMERO_FS_DIRIMPORTWAIT"])
      expect(envKeyToProperty(k)).toEqual({ kind: "property", name: "omero.fs.dirImportWait" });
    expect(envKeyToProperty("OMERO_FS_DATA_DIR")).toEqual({ kind: "property", name: "omero.data.dir" });
  });
  test("every property's documented variable maps back to it", () => {
    for (const p of PROPERTIES) expect(envKeyToProperty(envNameOf(p))).toEqual({ kind: "property", name: p.name });
  });
  test("reserved and unknown", () => {
    expect(envKeyToProperty("OMERO_FS_HOME").kind).toBe("reserved");
    expect(envKeyToProperty("OMERO_FS_OMERO_PASSWORD").kind).toBe("reserved");
    expect(envKeyToProperty("OMERO_FS_PATHMOD")).toEqual({
      kind: "unknown",
      suggestion: " (did you mean OMERO_FS_PATH_MODE?)",
    });
  });
});

describe("value parsing", () => {
  const def = (k: string) => findProperty(k)!;
  test("slots and sizes", () => {
    expect(splitSlots("1;;2")).toEqual(["1", "", "2"]);
    expect(splitSlots("")).toEqual([""]);
    expect(parseValue(def("logMaxSize"), "10M")).toEqual({ ok: true, value: 10 * 1024 * 1024 });
    expect(parseValue(def("logMaxSize"), "2KiB")).toEqual({ ok: true, value: 2048 });
    expect(parseValue(def("logMaxSize"), "4096")).toEqual({ ok: true, value: 4096 });
    expect(parseValue(def("timeout"), "0.0")).toEqual({ ok: true, value: 0 });
    expect(parseValue(def("monitorControl"), "tcp://host:5555")).toEqual({ ok: true, value: "tcp://host:5555" });
  });
  test("validateRaw checks each slot for config set", () => {
    expect(validateRaw(def("pathMode"), "Flat;;Follow")).toBeNull();
    expect(validateRaw(def("pathMode"), "Flat;Sideways")).toContain('slot 2: "Sideways" is not allowed');
    expect(validateRaw(def("importUsers"), "amy; zak")).toBeNull();
    expect(validateRaw(def("omeroPort"), "x")).toContain("not a number");
    expect(validateRaw(def("execCommand"), "a;b")).toBeNull();
  });
});

describe("README", () => {
  test("its property table is generated from PROPERTIES", () => {
    const readme = require("node:fs").readFileSync(path.join(__dirname, "..", "README.md"), "utf8") as string;
    const m = /<!-- properties:begin -->\n([\s\S]*?)\n<!-- properties:end -->/.exec(readme);
    // Compare cell by cell: the formatter may pad the table's columns.
    const cells = (md: string) =>
      md.split("\n").map((line) =>
        line
          .split(/(?<!\\)\|/)
          .map((c) => c.trim())
          .map((c) => (/^-+$/.test(c) ? "---" : c)),
      );
    expect(cells(m?.[1] ?? "")).toEqual(cells(propertiesMarkdown()));
  });
});
