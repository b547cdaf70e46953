import {
  type FileRecord,
  GONE_AFTER_IMPORT,
  type IdentityInput,
  NOT_GROUPED,
  observationEffects,
} from "./file-identity";

const watch = { index: 0, user: "default", watchDir: "/w", whitelist: [] as string[] };
const st = { size: 10, mtimeMs: 1000, dev: 1, ino: 7 };
const rec = (o: Partial<FileRecord> = {}): FileRecord => ({
  id: 1,
  path: "/w/amy/a.tif",
  watch: 0,
  user: "amy",
  size: 10,
  mtimeMs: 1000,
  dev: 1,
  ino: 7,
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
  reimportModified: false,
  ...o,
});
const kinds = (i: IdentityInput) => observationEffects(i).map((e) => e.do);

describe("file identity", () => {
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
  it("imported then touched (same inode and size) is not new; modified is listed, reimported only when asked", () => {
    const row = rec({ state: "imported", fileset: 4 });
    expect(kinds(input({ row, seen: { ...input().seen, st: { ...st, mtimeMs: 2000 } } }))).toEqual([
      "touchImported",
      "log",
    ]);
    const modified = { ...input().seen, st: { ...st, size: 11, mtimeMs: 2000 } };
    expect(kinds(input({ row, seen: modified }))).toEqual(["setReason", "log"]);
    expect(kinds(input({ row, seen: modified, reimportModified: true }))).toEqual([
      "setStat",
      "setState",
      "log",
      "dirty",
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
  it("the whitelist ignores other names, with the reason", () => {
    const e = observationEffects(input({ watch: { ...watch, whitelist: [".ics"] } }));
    expect(e[0]).toMatchObject({ do: "insert", state: "ignored", reason: "excluded by the watch's whitelist" });
  });
});
