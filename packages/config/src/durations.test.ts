import { MAX_TIMER_MS, MAX_TIMER_SECONDS, PROPERTIES } from "./properties";
import { parseValue, resolveConfig } from "./resolve";

/** Durations beyond what a Node timer holds (2^31-1 ms) fire at once: refused, naming the maximum. */

const durations = PROPERTIES.filter((p) => p.seconds);
const def = (short: string) => PROPERTIES.find((p) => p.short === short)!;

describe("duration properties", () => {
  test("every property measured in seconds is marked as a duration (the audit)", () => {
    const inSeconds = PROPERTIES.filter((p) => /\bseconds?\b/i.test(p.description)).map((p) => p.short);
    expect(durations.map((p) => p.short).sort()).toEqual(inSeconds.sort());
    expect(inSeconds.sort()).toEqual(
      [
        "companionWait",
        "dirImportWait",
        "importTimeout",
        "incompleteWait",
        "pollInterval",
        "rescanInterval",
        "settleTime",
        "throttleImport",
        "timeout",
      ].sort(),
    );
  });

  test("the maximum is what a timer holds, and is accepted; a millisecond more is refused", () => {
    expect(MAX_TIMER_MS).toBe(2147483647);
    for (const p of durations) {
      expect(parseValue(p, String(MAX_TIMER_SECONDS))).toEqual({ ok: true, value: MAX_TIMER_SECONDS });
      const r = parseValue(p, "2147483.648");
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.why).toBe(
          "2147483.648 s is longer than a timer can wait; the maximum is 2147483.647 s (about 24.8 days)",
        );
    }
    expect(parseValue(def("dirImportWait"), "1e400").ok).toBe(false); // Infinity
  });

  test("the refusal names the property, where it was set and the watch", () => {
    const r = resolveConfig({
      home: "/h",
      values: new Map([
        ["omero.fs.importUsers", { raw: "amy;zak", source: "config.json", origin: "config.json" }],
        ["omero.fs.dirImportWait", { raw: "5;3000000", source: "config.json", origin: "config.json" }],
        ["omero.fs.importTimeout", { raw: "9999999", source: "env", origin: "OMERO_FS_IMPORT_TIMEOUT" }],
      ]),
    });
    expect(r.problems.map((p) => p.message)).toEqual([
      "omero.fs.importTimeout [OMERO_FS_IMPORT_TIMEOUT]: 9999999 s is longer than a timer can wait; the maximum is 2147483.647 s (about 24.8 days)",
      "omero.fs.dirImportWait [config.json], watch 2 of 2 (zak): 3000000 s is longer than a timer can wait; the maximum is 2147483.647 s (about 24.8 days)",
    ]);
  });

  test("0 and fractions: accepted where they cannot loop; a rescan more often than every 60 s is refused", () => {
    for (const short of ["timeout", "dirImportWait", "throttleImport", "rescanInterval"])
      expect(parseValue(def(short), "0")).toEqual({ ok: true, value: 0 });
    expect(parseValue(def("dirImportWait"), "0.001")).toEqual({ ok: true, value: 0.001 });
    expect(parseValue(def("rescanInterval"), "60")).toEqual({ ok: true, value: 60 });
    for (const bad of ["0.001", "1", "59.9"]) {
      const r = parseValue(def("rescanInterval"), bad);
      expect(r).toEqual({
        ok: false,
        why: `${bad} is out of range; expected 0 (never) or between 60 and 2147483.647 seconds`,
      });
    }
    // A monitor timeout of 1 ms: DropBox re-created the monitor and walked the tree every second.
    expect(parseValue(def("timeout"), "0.001").ok).toBe(false);
    expect(parseValue(def("timeout"), "60")).toEqual({ ok: true, value: 60 });
    // A poll every few milliseconds or an importer killed at once would be busy loops too.
    expect(parseValue(def("pollInterval"), "0.01").ok).toBe(false);
    expect(parseValue(def("importTimeout"), "0").ok).toBe(false);
  });

  test("a non-zero monitor timeout is a warning: DropBox re-creates the monitor and rescans that often", () => {
    const r = resolveConfig({
      home: "/h",
      values: new Map([["omero.fs.timeout", { raw: "120", source: "config.json", origin: "config.json" }]]),
    });
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([
      "omero.fs.timeout, watch 1 of 1 (default): 120 s: the monitor stops after that long and DropBox re-creates it and rescans the watch, every 120 s; 0 (no timeout) is what a DropBox watch needs",
    ]);
  });
});
