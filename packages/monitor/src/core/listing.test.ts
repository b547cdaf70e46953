import { withMonitorDefaults } from "@omero-fs/protocol";
import { cursorOf, cursorStep, isIdle, listAction, listRules, pageLimit, parseCursor, walksToEvict } from "./listing";

const rules = (over: Parameters<typeof withMonitorDefaults>[0] = { watchDir: "/w" }) =>
  listRules(withMonitorDefaults({ ...over }));

test("listAction: descend, stat, skip by the monitor's rules", () => {
  const r = rules({ watchDir: "/w", whitelist: ["tif"], blacklist: ["skip", "/w/a/deep"] });
  expect(listAction("/w", "a", "dir", r)).toBe("descend");
  expect(listAction("/w", "x.TIF", "file", r)).toBe("stat");
  expect(listAction("/w", "x.tif", "symlink", r)).toBe("stat");
  expect(listAction("/w", "x.txt", "file", r)).toBe("skip");
  expect(listAction("/w", "skip", "dir", r)).toBe("skip");
  expect(listAction("/w/a", "deep", "dir", r)).toBe("skip");
  expect(listAction("/w", ".DS_Store", "file", r)).toBe("skip");
  expect(listAction("/w", ".omero-fs-cookie-1.tif", "file", r)).toBe("skip");
  expect(listAction("/w", "sock", "other", r)).toBe("skip");
  const plain = rules({ watchDir: "/w", ignoreSysFiles: false });
  expect(listAction("/w", ".DS_Store", "file", plain)).toBe("stat");
  expect(listAction("/w", ".omero-fs-cookie-1", "file", plain)).toBe("skip");
  expect(listAction("/w", "d", "dir", rules({ watchDir: "/w", pathMode: "Flat" }))).toBe("skip");
  expect(listAction("/w", "d", "dir", rules({ watchDir: "/w", pathMode: "Recurse" }))).toBe("descend");
});

test("pageLimit caps at MAX_BLOCK_EVENTS", () => {
  expect([pageLimit(undefined), pageLimit(10), pageLimit(10_000_000)]).toEqual([5000, 10, 5000]);
});

test("cursors: round trip, next / repeat / stale", () => {
  const id = "0b6f8c1e-1d2a-4c55-9a8e-2f7b3c4d5e6f";
  expect(parseCursor(cursorOf(id, 3))).toEqual({ walkId: id, page: 3 });
  expect(parseCursor("x.1")).toBeNull();
  expect(parseCursor(`${id}.0`)).toBeNull();
  expect([cursorStep(3, 2), cursorStep(2, 2), cursorStep(1, 2), cursorStep(5, 2)]).toEqual([
    "next",
    "repeat",
    "stale",
    "stale",
  ]);
  expect(cursorStep(0, 0)).toBe("stale");
});

test("idle expiry and eviction order", () => {
  expect([isIdle(0, 59_999, 60_000), isIdle(0, 60_000, 60_000)]).toEqual([false, true]);
  const walks = [
    { id: "a", lastUsedAt: 1, done: false },
    { id: "b", lastUsedAt: 5, done: true },
    { id: "c", lastUsedAt: 2, done: false },
  ];
  expect(walksToEvict(walks, 3)).toEqual([]);
  expect(walksToEvict(walks, 1)).toEqual(["b", "a"]);
});
