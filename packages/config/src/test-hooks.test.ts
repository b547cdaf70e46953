import { z } from "zod";
import { onceLogger } from "./logging";
import { TestHookError, testHookJson, testHookNumber } from "./test-hooks";

describe("test hooks", () => {
  it("gives the default when unset or empty, the value when set", () => {
    expect(testHookNumber({}, "OMERO_FS_TEST_X_MS", 1000)).toBe(1000);
    expect(testHookNumber({ OMERO_FS_TEST_X_MS: "" }, "OMERO_FS_TEST_X_MS", 1000)).toBe(1000);
    expect(testHookNumber({ OMERO_FS_TEST_X_MS: "25" }, "OMERO_FS_TEST_X_MS", 1000)).toBe(25);
  });

  it("names the variable, the value and what is allowed on a bad value", () => {
    const read = () => testHookNumber({ OMERO_FS_TEST_X_MS: "soon" }, "OMERO_FS_TEST_X_MS", 1);
    expect(read).toThrow(TestHookError);
    expect(read).toThrow('OMERO_FS_TEST_X_MS="soon" is not allowed: expected a number >= 0');
    expect(() => testHookNumber({ OMERO_FS_TEST_N: "1.5" }, "OMERO_FS_TEST_N", 1, { min: 1, integer: true })).toThrow(
      "expected an integer >= 1",
    );
    expect(() => testHookNumber({ OMERO_FS_TEST_N: "-1" }, "OMERO_FS_TEST_N", 1)).toThrow(">= 0");
  });

  it("reads JSON hooks through a schema", () => {
    const schema = z.array(z.string()).min(1);
    expect(testHookJson({ OMERO_FS_TEST_CMD: '["a","b"]' }, "OMERO_FS_TEST_CMD", schema, "argv")).toEqual(["a", "b"]);
    expect(testHookJson({}, "OMERO_FS_TEST_CMD", schema, "argv")).toBeUndefined();
    expect(() => testHookJson({ OMERO_FS_TEST_CMD: "a b" }, "OMERO_FS_TEST_CMD", schema, "a JSON array")).toThrow(
      'OMERO_FS_TEST_CMD="a b" is not allowed: expected a JSON array',
    );
    expect(() => testHookJson({ OMERO_FS_TEST_CMD: "[]" }, "OMERO_FS_TEST_CMD", schema, "argv")).toThrow(TestHookError);
  });

  it("refuses a hook not named OMERO_FS_TEST_<NAME>", () => {
    expect(() => testHookNumber({}, "OMERO_FS_X_MS", 1)).toThrow("must be named OMERO_FS_TEST_<NAME>");
  });
});

describe("onceLogger", () => {
  it("logs a problem once at its level, then at debug until it is forgotten", () => {
    const lines: string[] = [];
    const o = onceLogger({ log: ((level: string, msg: string) => lines.push(`${level} ${msg}`)) as never });
    expect(o.once("start:1:ENOENT", "error", "cannot start 1")).toBe(true);
    expect(o.once("start:1:ENOENT", "error", "cannot start 1")).toBe(false);
    o.once("start:2:ENOENT", "warn", "cannot start 2");
    o.forgetPrefix("start:1:");
    o.once("start:1:ENOENT", "error", "cannot start 1");
    o.forget("start:2:ENOENT");
    o.once("start:2:ENOENT", "warn", "cannot start 2");
    expect(lines).toEqual([
      "error cannot start 1",
      "debug cannot start 1",
      "warn cannot start 2",
      "error cannot start 1",
      "warn cannot start 2",
    ]);
  });
});
