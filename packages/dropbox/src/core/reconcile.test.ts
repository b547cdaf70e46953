import { diffFiles, underAny, watchAlarm } from "./reconcile";

const k = (path: string, size = 1, mtimeMs = 1, state = "imported", goneAfterImport = false) => ({
  path,
  size,
  mtimeMs,
  state,
  goneAfterImport,
});

describe("reconciliation", () => {
  it("feeds new and changed files, and the known ones that are gone", () => {
    const r = diffFiles(
      [
        { path: "/w/a/new.tif", size: 1, mtimeMs: 1 },
        { path: "/w/a/same.tif", size: 1, mtimeMs: 1 },
        { path: "/w/a/changed.tif", size: 2, mtimeMs: 1 },
      ],
      [k("/w/a/same.tif"), k("/w/a/changed.tif"), k("/w/a/gone.tif", 1, 1, "pending")],
    );
    expect(r).toEqual({ changed: ["/w/a/new.tif", "/w/a/changed.tif"], gone: ["/w/a/gone.tif"] });
  });
  it("never reads a missing watch directory as 'everything deleted'", () => {
    const a = { watchDir: "/w", watchDirPresent: false, walkedFiles: 0, knownPresent: 1, unreadableDirs: 0 };
    expect(watchAlarm(a)).toMatch(/missing while the ledger knows 1 file/);
    expect(watchAlarm({ ...a, knownPresent: 0 })).toBe("watch directory /w is missing");
  });
  it("raises an alarm when a known tree walks empty (unmounted share), not when a folder was unreadable", () => {
    const a = { watchDir: "/w", watchDirPresent: true, walkedFiles: 0, knownPresent: 1, unreadableDirs: 0 };
    expect(watchAlarm(a)).toMatch(/empty/);
    expect(watchAlarm({ ...a, unreadableDirs: 1 })).toBeNull();
    expect(watchAlarm({ ...a, walkedFiles: 1 })).toBeNull();
  });
  it("deletes nothing under a directory it could not read", () => {
    expect(underAny("/w/a/x", ["/w/a"])).toBe(true);
    expect(underAny("/w/ab/x", ["/w/a"])).toBe(false);
  });
  it("skips imported files already recorded as gone, and feeds them when they come back", () => {
    const r = diffFiles(
      [{ path: "/w/a/back", size: 1, mtimeMs: 1 }],
      [k("/w/a/old", 1, 1, "imported", true), k("/w/a/back", 1, 1, "imported", true)],
    );
    expect(r).toEqual({ changed: ["/w/a/back"], gone: [] });
  });
});
