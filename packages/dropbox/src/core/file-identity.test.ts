import {
  BAD_NAME,
  type FileRecord,
  GONE_AFTER_IMPORT,
  type IdentityInput,
  NOT_GROUPED,
  observationEffects,
} from "./file-identity";
import { EXISTING_REASON } from "./reconcile";

const watch = { index: 0, user: "default", watchDir: "/w" };
const st = { size: 10, mtimeMs: 1000, dev: 1, ino: 7, birthMs: null };
const rec = (o: Partial<FileRecord> = {}): FileRecord => ({
  id: 1,
  path: "/w/amy/a.tif",
  watch: 0,
  user: "amy",
  size: 10,
  mtimeMs: 1000,
  dev: 1,
  ino: 7,
  birthMs: null,
  state: "pending",
  reason: null,
  fileset: null,
  ...o,
});
const input = (o: Partial<IdentityInput> = {}): IdentityInput => ({
  watch,
  seen: { path: "/w/amy/a.tif", st, isFile: true, refusal: null },
  row: null,
  sameInode: [],
  importedVersion: null,
  changedAfterImport: "log",
  ...o,
});
const kinds = (i: IdentityInput) => observationEffects(i).map((e) => e.do);

describe("file identity", () => {
  it("the first walk records a file already there as existing: not grouped, not imported", () => {
    expect(observationEffects(input({ existing: { record: true, release: false } }))).toEqual([
      { do: "insert", user: "amy", stat: st, state: "existing", reason: EXISTING_REASON, fileset: null },
    ]);
    // Seen again unchanged: nothing; released (an event while the first walk ran): pending and grouped.
    const row = rec({ state: "existing", reason: EXISTING_REASON });
    expect(kinds(input({ row, existing: { record: false, release: false } }))).toEqual([]);
    expect(kinds(input({ row, existing: { record: false, release: true } }))).toEqual([
      "setStat",
      "setState",
      "dirty",
      "log",
    ]);
    // Gone before anyone imported it: forgotten.
    expect(kinds(input({ row, seen: { path: row.path, st: null, isFile: false, refusal: null } }))[0]).toBe("delete");
  });

  it("a new file is pending and makes its user's folder dirty", () => {
    expect(observationEffects(input())).toEqual([
      { do: "insert", user: "amy", stat: st, state: "pending", reason: NOT_GROUPED, fileset: null },
      { do: "dirty", user: "amy", left: null },
    ]);
  });
  it("a file directly in the DropBox folder is refused and logged once", () => {
    const e = observationEffects(input({ seen: { path: "/w/x.tif", st, isFile: true, refusal: null } }));
    expect(e[0]).toMatchObject({ do: "log", level: "error", onceKey: "outside:/w/x.tif" });
    expect(e[1]).toMatchObject({ do: "insert", state: "refused" });
  });
  it("a name that is not valid UTF-8 is refused with its reason, also directly in the DropBox folder", () => {
    const seen = { path: "/w/amy/a\\xff.tif", st, isFile: true, refusal: BAD_NAME, ownReason: true };
    expect(observationEffects(input({ seen }))).toEqual([
      {
        do: "log",
        level: "warn",
        msg: `refused /w/amy/a\\xff.tif: ${BAD_NAME}`,
        onceKey: `refused:/w/amy/a\\xff.tif:${BAD_NAME}`,
      },
      { do: "insert", user: "amy", stat: st, state: "refused", reason: BAD_NAME, fileset: null },
    ]);
    const top = observationEffects(input({ seen: { ...seen, path: "/w/\\xff" } }));
    expect(top[1]).toMatchObject({ do: "insert", state: "refused", reason: BAD_NAME });
    // Seen again unchanged: nothing to do but the (once) log.
    expect(kinds(input({ seen, row: rec({ path: seen.path, state: "refused", reason: BAD_NAME }) }))).toEqual(["log"]);
  });
  it("an imported file seen at a new path with its old path gone is a rename, not a new file", () => {
    const old = rec({ path: "/w/amy/old.tif", state: "imported", fileset: 4 });
    expect(kinds(input({ sameInode: [{ rec: old, stillThere: false }] }))).toEqual(["renameImported", "log"]);
    expect(observationEffects(input({ sameInode: [{ rec: old, stillThere: true }] }))[0]).toMatchObject({
      do: "insert",
      state: "imported",
      fileset: 4,
    });
  });
  it("same path, size and mtime as an imported fileset member: imported, not queued again", () => {
    expect(observationEffects(input({ importedVersion: 9 }))[0]).toMatchObject({ state: "imported", fileset: 9 });
  });
  it("imported then touched (same inode and size) is not new; a change follows changedAfterImport", () => {
    const row = rec({ state: "imported", fileset: 4 });
    const touched = observationEffects(input({ row, seen: { ...input().seen, st: { ...st, mtimeMs: 2000 } } }));
    expect(touched.map((e) => e.do)).toEqual(["touchImported", "setReason", "log"]);
    // Listed (a same-size rewrite in place looks the same): what is known, and not reimported.
    expect(touched[1]).toEqual({
      do: "setReason",
      reason:
        "modified after import of fileset 4: same size and inode, new mtime (imported 1970-01-01T00:00:01.000Z; now 1970-01-01T00:00:02.000Z): a touch, or a rewrite of the same size; not reimported (to import new content, drop it as a new file)",
    });
    const modified = { ...input().seen, st: { ...st, size: 11, mtimeMs: 2000 } };
    const logged = observationEffects(input({ row, seen: modified }));
    expect(logged).toEqual([
      {
        do: "setReason",
        reason:
          "changed after import of fileset 4 (imported 10 bytes, mtime 1970-01-01T00:00:01.000Z; now 11 bytes, mtime 1970-01-01T00:00:02.000Z): not reimported (omero.fs.changedAfterImport=log; set it to reimport to import it again)",
      },
      expect.objectContaining({ do: "log", level: "warn" }),
    ]);
    // Logged once per change: the same observation again changes nothing.
    const listed = rec({ ...row, reason: (logged[0] as { reason: string }).reason });
    expect(observationEffects(input({ row: listed, seen: modified }))).toEqual([]);
    const ignored = observationEffects(input({ row, seen: modified, changedAfterImport: "ignore" }));
    expect(ignored[0]).toMatchObject({ do: "setReason", reason: expect.stringContaining("changedAfterImport=ignore") });
    expect(ignored[1]).toMatchObject({ do: "log", level: "debug" });
    // reimport: the imported record becomes history, the new version is a new pending file.
    expect(kinds(input({ row, seen: modified, changedAfterImport: "reimport" }))).toEqual([
      "retire",
      "insert",
      "log",
      "dirty",
    ]);
  });
  it("an atomic replace (new inode, new content) with no deletion recorded is a change after import", () => {
    const row = rec({ state: "imported", fileset: 4 });
    const replaced = { ...input().seen, st: { size: 10, mtimeMs: 3000, dev: 1, ino: 99, birthMs: null } };
    expect(kinds(input({ row, seen: replaced }))).toEqual(["setReason", "log"]);
  });
  it("a deletion recorded ends the history: a new file at the same path is new, even on a reused inode", () => {
    const row = rec({ state: "imported", fileset: 4, reason: GONE_AFTER_IMPORT });
    const redrop = { ...input().seen, st: { size: 10, mtimeMs: 5000, dev: 1, ino: 7, birthMs: null } };
    const e = observationEffects(input({ row, seen: redrop, sameInode: [{ rec: row, stillThere: true }] }));
    expect(e.map((x) => x.do)).toEqual(["retire", "log", "insert", "dirty"]);
    expect(e[0]).toEqual({ do: "retire", reason: `${GONE_AFTER_IMPORT}; a new file was later dropped at this path` });
    expect(e[2]).toMatchObject({ do: "insert", state: "pending", fileset: null });
    // The same version back (mv away and back): the record is live again, nothing imported.
    expect(kinds(input({ row, seen: { ...input().seen, st: { ...st, ino: 8 } } }))).toEqual(["refreshInode"]);
  });
  it("a file deleted after import does not make a new file with its reused inode a rename", () => {
    const old = rec({ path: "/w/amy/old.tif", state: "imported", fileset: 4, reason: GONE_AFTER_IMPORT });
    expect(kinds(input({ sameInode: [{ rec: old, stillThere: false }] }))).toEqual(["renameImported", "log"]);
    const other = { ...input().seen, st: { ...st, mtimeMs: 7000 } };
    expect(kinds(input({ seen: other, sameInode: [{ rec: old, stillThere: false }] }))).toEqual(["insert", "dirty"]);
  });
  it("birth time: a moved imported file, touched after the move, is a rename (same birth time)", () => {
    const old = rec({
      path: "/w/amy/old.tif",
      state: "imported",
      fileset: 4,
      reason: GONE_AFTER_IMPORT,
      birthMs: 500.25,
    });
    const moved = { ...input().seen, st: { ...st, mtimeMs: 7000, birthMs: 500.25 } };
    expect(observationEffects(input({ seen: moved, sameInode: [{ rec: old, stillThere: false }] }))).toEqual([
      {
        do: "renameImported",
        from: old,
        mtimeMs: 7000,
        birthMs: 500.25,
        reason: "renamed after import from /w/amy/old.tif; not reimported",
      },
      {
        do: "log",
        level: "info",
        msg: "[fileset 4] /w/amy/old.tif renamed to /w/amy/a.tif after import: not reimported",
      },
    ]);
  });
  it("birth time: a new file on the inode of one deleted after import is new, even with the same size and mtime", () => {
    const old = rec({ path: "/w/amy/old.tif", state: "imported", fileset: 4, reason: GONE_AFTER_IMPORT, birthMs: 500 });
    const reused = { ...input().seen, st: { ...st, birthMs: 900 } };
    expect(observationEffects(input({ seen: reused, sameInode: [{ rec: old, stillThere: false }] }))).toEqual([
      { do: "insert", user: "amy", stat: reused.st, state: "pending", reason: NOT_GROUPED, fileset: null },
      { do: "dirty", user: "amy", left: null },
    ]);
    // Also when the deletion is not recorded yet: a different birth time is never the same file.
    const live = { ...old, reason: null };
    expect(kinds(input({ seen: reused, sameInode: [{ rec: live, stillThere: false }] }))).toEqual(["insert", "dirty"]);
  });
  it("birth time unknown on either side (null, 0): the mtime decides for a file deleted after import", () => {
    const gone = rec({ path: "/w/amy/old.tif", state: "imported", fileset: 4, reason: GONE_AFTER_IMPORT });
    for (const [was, now] of [
      [null, 500],
      [500, null],
      [0, 500],
      [null, null],
    ] as const) {
      const old = { ...gone, birthMs: was };
      const same = { ...input().seen, st: { ...st, birthMs: now } };
      const touched = { ...input().seen, st: { ...st, mtimeMs: 7000, birthMs: now } };
      expect(kinds(input({ seen: same, sameInode: [{ rec: old, stillThere: false }] }))).toEqual([
        "renameImported",
        "log",
      ]);
      expect(kinds(input({ seen: touched, sameInode: [{ rec: old, stillThere: false }] }))).toEqual([
        "insert",
        "dirty",
      ]);
    }
  });
  it("a symlink to an imported file is a symlink, not a hard link", () => {
    const old = rec({ path: "/w/amy/old.tif", state: "imported", fileset: 4 });
    const seen = { ...input().seen, symlinkTo: "/w/amy/old.tif" };
    expect(observationEffects(input({ seen, sameInode: [{ rec: old, stillThere: true }] }))).toEqual([
      {
        do: "insert",
        user: "amy",
        stat: st,
        state: "imported",
        reason: "symlink to /w/amy/old.tif, already imported",
        fileset: 4,
      },
    ]);
  });
  it("an event on a member of a queued fileset restarts its wait: new stat, back to waiting, regroup", () => {
    expect(observationEffects(input({ row: rec({ state: "grouped", fileset: 3 }) }))).toEqual([
      { do: "setStat", stat: st },
      { do: "unqueue", fileset: 3, why: "/w/amy/a.tif changed" },
      { do: "dirty", user: "amy", left: null },
    ]);
  });
  it("gone: a grouped file leaves its fileset; an imported one keeps its row with the reason", () => {
    const gone = { path: "/w/amy/a.tif", st: null, isFile: false, refusal: null };
    expect(kinds(input({ seen: gone, row: rec({ state: "grouped", fileset: 3 }) }))).toEqual([
      "delete",
      "unqueue",
      "dirty",
      "log",
    ]);
    expect(observationEffects(input({ seen: gone, row: rec({ state: "imported" }) }))).toEqual([
      { do: "setReason", reason: GONE_AFTER_IMPORT },
    ]);
    expect(
      observationEffects(input({ seen: gone, row: rec({ state: "imported", reason: GONE_AFTER_IMPORT }) })),
    ).toEqual([]);
  });
  it("the whitelist is not a per-file filter: any name is seen (grouping decides wanted filesets)", () => {
    const seen = { ...input().seen, path: "/w/amy/x.ids" };
    expect(kinds(input({ seen }))).toEqual(["insert", "dirty"]);
  });
});
