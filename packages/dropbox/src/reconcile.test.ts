import { reconcile } from "./reconcile";

const k = (path: string, size = 1, mtimeMs = 1, state = "imported", goneAfterImport = false) => ({
  path,
  size,
  mtimeMs,
  state,
  goneAfterImport,
});

describe("reconcile", () => {
  it("feeds new and changed files, and the known ones that are gone", () => {
    const r = reconcile({
      watchDir: "/w",
      watchDirPresent: true,
      walked: [
        { path: "/w/a/new.tif", size: 1, mtimeMs: 1 },
        { path: "/w/a/same.tif", size: 1, mtimeMs: 1 },
        { path: "/w/a/changed.tif", size: 2, mtimeMs: 1 },
      ],
      known: [k("/w/a/same.tif"), k("/w/a/changed.tif"), k("/w/a/gone.tif", 1, 1, "pending")],
      unreadableDirs: [],
    });
    expect(r).toEqual({ changed: ["/w/a/new.tif", "/w/a/changed.tif"], gone: ["/w/a/gone.tif"], alarm: null });
  });
  it("never reads a missing watch directory as 'everything deleted'", () => {
    const r = reconcile({
      watchDir: "/w",
      watchDirPresent: false,
      walked: [],
      known: [k("/w/a/x")],
      unreadableDirs: [],
    });
    expect(r.gone).toEqual([]);
    expect(r.alarm).toMatch(/missing while the ledger knows 1 file/);
  });
  it("raises an alarm when a known tree walks empty (unmounted share)", () => {
    const r = reconcile({
      watchDir: "/w",
      watchDirPresent: true,
      walked: [],
      known: [k("/w/a/x")],
      unreadableDirs: [],
    });
    expect(r.gone).toEqual([]);
    expect(r.alarm).toMatch(/empty/);
  });
  it("deletes nothing under a directory it could not read", () => {
    const r = reconcile({
      watchDir: "/w",
      watchDirPresent: true,
      walked: [{ path: "/w/b/y", size: 1, mtimeMs: 1 }],
      known: [k("/w/a/x", 1, 1, "pending"), k("/w/b/y")],
      unreadableDirs: ["/w/a"],
    });
    expect(r.gone).toEqual([]);
  });
  it("skips imported files already recorded as gone, and feeds them when they come back", () => {
    const r = reconcile({
      watchDir: "/w",
      watchDirPresent: true,
      walked: [{ path: "/w/a/back", size: 1, mtimeMs: 1 }],
      known: [k("/w/a/old", 1, 1, "imported", true), k("/w/a/back", 1, 1, "imported", true)],
      unreadableDirs: [],
    });
    expect(r).toEqual({ changed: ["/w/a/back"], gone: [], alarm: null });
  });
});
