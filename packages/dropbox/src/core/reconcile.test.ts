import {
  diffFiles,
  EXISTING_EVENT_GRACE_MS,
  existingReason,
  isFirstWalk,
  recordAsExisting,
  releaseExisting,
  underAny,
  watchAlarm,
} from "./reconcile";

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
    expect(r).toEqual({ changed: ["/w/a/new.tif", "/w/a/changed.tif"], gone: ["/w/a/gone.tif"], regroup: [] });
  });
  it("observes a known file still seen-not-grouped again, unchanged as it is (its grouping was lost)", () => {
    const walked = [{ path: "/w/a/x.tif", size: 1, mtimeMs: 1 }];
    expect(diffFiles(walked, [{ ...k("/w/a/x.tif", 1, 1, "pending"), notGrouped: true }])).toEqual({
      changed: [],
      gone: [],
      regroup: ["/w/a/x.tif"],
    });
    expect(diffFiles(walked, [k("/w/a/x.tif", 1, 1, "pending")]).regroup).toEqual([]);
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
    expect(r).toEqual({ changed: ["/w/a/back"], gone: [], regroup: [] });
  });
});

describe("pre-existing files (omero.fs.existingFiles)", () => {
  it("a walk is first with no recorded walk and no known file under the folder, or when a first walk was interrupted", () => {
    expect(isFirstWalk({ recorded: "none", knownFiles: 0 })).toBe(true);
    expect(isFirstWalk({ recorded: "done", knownFiles: 0 })).toBe(false);
    // A ledger written before walks were recorded knows the watch's files: files added while down are imported.
    expect(isFirstWalk({ recorded: "none", knownFiles: 1 })).toBe(false);
    // A first walk stopped half-way (a big DropBox) is resumed as a first walk, whatever it recorded.
    expect(isFirstWalk({ recorded: "started", knownFiles: 5000 })).toBe(true);
  });

  it("only the first walk records a file as existing, with skip, when it was there before the walk", () => {
    const base = { policy: "skip" as const, via: "walk" as const, firstWalkStartedMs: 1000, mtimeMs: 500 };
    expect(recordAsExisting(base)).toBe(true);
    expect(recordAsExisting({ ...base, policy: "import" })).toBe(false);
    expect(recordAsExisting({ ...base, via: "event" })).toBe(false);
    expect(recordAsExisting({ ...base, firstWalkStartedMs: null })).toBe(false);
    // Written while the first walk runs: new.
    expect(recordAsExisting({ ...base, mtimeMs: 1000 })).toBe(false);
  });

  it("an existing file is released when it changes, or gets an event during or just after the first walk", () => {
    const base = { via: "event" as const, contentChanged: false, now: 100_000 };
    expect(releaseExisting({ ...base, firstWalkEndedMs: null })).toBe(true);
    expect(releaseExisting({ ...base, firstWalkEndedMs: 100_000 - EXISTING_EVENT_GRACE_MS + 1 })).toBe(true);
    expect(releaseExisting({ ...base, firstWalkEndedMs: 100_000 - EXISTING_EVENT_GRACE_MS })).toBe(false);
    // A later run (no first walk in this process): a chmod or touch with the same content keeps it.
    expect(releaseExisting({ ...base, firstWalkEndedMs: undefined })).toBe(false);
    expect(releaseExisting({ ...base, via: "walk", firstWalkEndedMs: null })).toBe(false);
    expect(releaseExisting({ ...base, via: "walk", contentChanged: true, firstWalkEndedMs: undefined })).toBe(true);
  });

  it("files list shows the reason and the command", () => {
    expect(existingReason("/d/alice/a.tif", null)).toBe(
      "was already in the DropBox when omero-fs first walked it; import it with: omero-fs dropbox import-existing /d/alice/a.tif",
    );
  });
});
