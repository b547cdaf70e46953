/**
 * File identity and state transitions (the "file identity" step): what one observation of a path
 * (a stat after an event or during a walk) means for the ledger's record of it. Pure: the caller
 * stats, resolves real paths, looks up the records and applies the effects returned, in order.
 *
 * File states: pending (seen, not grouped yet, or waiting for a companion), grouped, imported,
 * ignored, refused, existing (there before the first walk of its watch; omero.fs.existingFiles).
 * An imported file is never imported twice: a rename, touch or hard link of it
 * is recognised by (device, inode, size, birth time); a change after import is handled by the policy
 * omero.fs.changedAfterImport. A deletion recorded in the ledger ends a file's history: a new file
 * at the same path is a new file (the old record moves to the history).
 */
import type { FileState } from "@omero-fs/protocol";
import { userOfPath, type WatchScope } from "./paths";
import { EXISTING_REASON } from "./reconcile";

/** Reason of an imported file that is no longer where it was imported from. */
export const GONE_AFTER_IMPORT = "deleted or moved away after import";
/** Reason of a file (or folder) whose name is not valid UTF-8: it cannot be named to an importer. */
export const BAD_NAME = "name is not valid UTF-8; rename it";
/** Reason of a pending file not yet through a grouping run (a fraction of a second, normally). */
export const NOT_GROUPED = "seen; not grouped yet";
/** What the DropBox does with a file changed after its import (omero.fs.changedAfterImport). */
export type ChangedAfterImport = "ignore" | "reimport" | "log";

export interface StatInfo {
  size: number;
  mtimeMs: number;
  dev: number | null;
  ino: number | null;
  /** Birth time (statx btime); null or 0: unknown (the filesystem or kernel does not give it). */
  birthMs: number | null;
}

/** A stat of a file on disk (device and inode always known). */
export interface SeenStat extends StatInfo {
  dev: number;
  ino: number;
}

/** The ledger's record of one file. */
export interface FileRecord extends StatInfo {
  id: number;
  path: string;
  watch: number;
  user: string;
  state: FileState;
  reason: string | null;
  fileset: number | null;
}

/** One observation of a path. */
export interface Observation {
  path: string;
  /** null: the path is gone (or a dangling link). */
  st: SeenStat | null;
  isFile: boolean;
  /** Why it cannot be read or may not be imported (symlink escape, unreadable), else null. */
  refusal: string | null;
  /** The path itself is a symlink (lstat): its real path, else undefined. */
  symlinkTo?: string;
  /**
   * The refusal is about the entry itself (a name that is not valid UTF-8, a user's folder link
   * that is not followed) and wins over the layout's ("outside user directories").
   */
  ownReason?: boolean;
}

export interface IdentityInput {
  watch: WatchScope & { index: number };
  seen: Observation;
  /** The record at this path, if any. */
  row: FileRecord | null;
  /** Imported records with the same (device, inode), and whether that old path still holds it (hard link). */
  sameInode: readonly { rec: FileRecord; stillThere: boolean }[];
  /** An imported fileset that holds this exact (path, size, mtime), or null. */
  importedVersion: number | null;
  changedAfterImport: ChangedAfterImport;
  /**
   * omero.fs.existingFiles, decided by core/reconcile.ts: `record` a new file as `existing` (the
   * first walk of its watch found it), `release` an `existing` record for import.
   */
  existing?: { record: boolean; release: boolean };
}

export type Effect =
  | { do: "insert"; user: string; stat: StatInfo; state: FileState; reason: string | null; fileset: number | null }
  /** New size/mtime/device/inode, and the event time (restarts its fileset's quiet period). */
  | { do: "setStat"; stat: StatInfo }
  | { do: "setState"; state: FileState; reason: string | null; fileset: number | null }
  | { do: "setReason"; reason: string | null }
  | { do: "delete" }
  /** The record's history ends (deleted after import, or a change reimported): it moves to files_history. */
  | { do: "retire"; reason: string }
  /** An imported file seen at a new path: move the record (and the fileset's member path). */
  | { do: "renameImported"; from: FileRecord; mtimeMs: number; birthMs: number | null; reason: string }
  /** Same content as imported, new device/inode (or back after a delete): reason cleared. */
  | { do: "refreshInode"; dev: number; ino: number; birthMs: number | null }
  | { do: "touchImported"; mtimeMs: number }
  /** A member of a queued fileset changed: the fileset goes back to waiting. */
  | { do: "unqueue"; fileset: number; why: string }
  /** The (watch, user) needs a grouping run; `left`: a fileset this file left. */
  | { do: "dirty"; user: string; left: number | null }
  | { do: "log"; level: "debug" | "info" | "warn" | "error"; msg: string; onceKey?: string };

const none: Effect[] = [];

/** What the observation changes; an empty list (or logs only) when the ledger is already right. */
export function observationEffects(i: IdentityInput): Effect[] {
  const { seen: s, row, watch } = i;
  if (s.st === null && !(s.isFile && s.refusal)) return row ? goneEffects(row) : none;
  if (s.st && !s.isFile) return row ? goneEffects(row) : none;
  const d = userOfPath(watch, s.path);
  if (d.kind === "outside") return none;
  const user = d.kind === "user" ? d.user : (d.user ?? "");
  const stat: StatInfo = s.st ?? { size: 0, mtimeMs: 0, dev: null, ino: null, birthMs: null };
  const refusal = d.kind === "refused" && !s.ownReason ? d.reason : s.refusal;
  if (refusal) {
    const log: Effect =
      d.kind === "refused" && !s.ownReason
        ? {
            do: "log",
            level: "error",
            msg: `File added outside user directories: ${s.path}`,
            onceKey: `outside:${s.path}`,
          }
        : { do: "log", level: "warn", msg: `refused ${s.path}: ${refusal}`, onceKey: `refused:${s.path}:${refusal}` };
    if (row && row.state === "imported") return [log];
    return [log, ...simple(row, user, stat, "refused", refusal.slice(0, 500))];
  }
  const st = s.st!;
  if (row?.state === "imported") {
    const again = importedSeenAgain(row, st, i.changedAfterImport);
    if (again) return again;
    // A deletion was recorded and this is other content: a new file at the same path.
    return [
      { do: "retire", reason: `${GONE_AFTER_IMPORT}; a new file was later dropped at this path` },
      {
        do: "log",
        level: "info",
        msg: `${s.path}: a new file at the path of one deleted after import (fileset ${row.fileset}): imported as a new file`,
      },
      ...newFileEffects(i, user, st),
    ];
  }
  if (!row) return newFileEffects(i, user, st);
  const changedStat = row.size !== st.size || row.mtimeMs !== st.mtimeMs || row.dev !== st.dev || row.ino !== st.ino;
  if (row.state === "existing") {
    if (!i.existing?.release) return changedStat ? [{ do: "setStat", stat: st }] : none;
    return [
      { do: "setStat", stat: st },
      { do: "setState", state: "pending", reason: NOT_GROUPED, fileset: null },
      { do: "dirty", user: row.user, left: null },
      { do: "log", level: "info", msg: `${row.path}: was recorded as existing, but it is being written: importing it` },
    ];
  }
  if (row.state === "ignored" || row.state === "refused") {
    if (!changedStat && row.state === "ignored") return none;
    return [
      { do: "setStat", stat: st },
      { do: "setState", state: "pending", reason: NOT_GROUPED, fileset: null },
      { do: "dirty", user: row.user, left: null },
    ];
  }
  // pending or grouped: any event restarts the quiet period of its fileset.
  const out: Effect[] = [{ do: "setStat", stat: st }];
  if (row.fileset !== null) out.push({ do: "unqueue", fileset: row.fileset, why: `${row.path} changed` });
  out.push({ do: "dirty", user: row.user, left: null });
  return out;
}

/** A path with no live record: a rename or second name of an imported file, the same version again, or new. */
function newFileEffects(i: IdentityInput, user: string, st: SeenStat): Effect[] {
  const s = i.seen;
  // Same content as an imported file whose path is gone: a rename or move, not a new file.
  for (const { rec, stillThere } of i.sameInode) {
    // Same inode and size: the same content (a touch on the way does not make it new, as below).
    if (rec.size !== st.size || rec.user !== user || rec.path === s.path) continue;
    if (!sameFile(rec, st)) continue;
    if (s.symlinkTo !== undefined)
      return [
        {
          do: "insert",
          user,
          stat: st,
          state: "imported",
          reason: `symlink to ${s.symlinkTo}, already imported${s.symlinkTo === rec.path ? "" : ` as ${rec.path}`}`,
          fileset: rec.fileset,
        },
      ];
    if (!stillThere)
      return [
        {
          do: "renameImported",
          from: rec,
          mtimeMs: st.mtimeMs,
          birthMs: st.birthMs,
          reason: `renamed after import from ${rec.path}; not reimported`,
        },
        {
          do: "log",
          level: "info",
          msg: `[fileset ${rec.fileset}] ${rec.path} renamed to ${s.path} after import: not reimported`,
        },
      ];
    return [
      {
        do: "insert",
        user,
        stat: st,
        state: "imported",
        reason: `hard link of ${rec.path}, already imported`,
        fileset: rec.fileset,
      },
    ];
  }
  if (i.importedVersion !== null)
    return [
      {
        do: "insert",
        user,
        stat: st,
        state: "imported",
        reason: "already imported (same path, size and mtime)",
        fileset: i.importedVersion,
      },
    ];
  if (i.existing?.record)
    return [{ do: "insert", user, stat: st, state: "existing", reason: EXISTING_REASON, fileset: null }];
  return [
    { do: "insert", user, stat: st, state: "pending", reason: NOT_GROUPED, fileset: null },
    { do: "dirty", user, left: null },
  ];
}

/**
 * Is the file on an imported record's inode still that file? The inode of a deleted file is reused
 * by new ones (ext4: a deleted a.tif, then a corrected c.tif of the same size on its inode), which
 * must be imported, never taken for a rename. The birth time tells them apart: a rename keeps it, a
 * new file on the inode has its own. Without it (unknown on either side), a record deleted after
 * import is the same file only while the mtime is unchanged (a move keeps it; a touch after the
 * move then makes it new).
 */
function sameFile(rec: FileRecord, st: SeenStat): boolean {
  if (knownBirth(rec.birthMs) && knownBirth(st.birthMs)) return rec.birthMs === st.birthMs;
  return rec.reason !== GONE_AFTER_IMPORT || rec.mtimeMs === st.mtimeMs;
}

function knownBirth(ms: number | null): ms is number {
  return ms !== null && ms > 0;
}

/** Record a file as refused or ignored (new, or a change of state, reason or stat). */
function simple(
  row: FileRecord | null,
  user: string,
  stat: StatInfo,
  state: "refused" | "ignored",
  reason: string,
): Effect[] {
  if (!row) return [{ do: "insert", user, stat, state, reason, fileset: null }];
  if (row.state === state && row.reason === reason && row.size === stat.size && row.mtimeMs === stat.mtimeMs)
    return none;
  const out: Effect[] = [
    { do: "setStat", stat },
    { do: "setState", state, reason, fileset: null },
  ];
  if (row.fileset !== null && row.state === "grouped") {
    out.push({ do: "unqueue", fileset: row.fileset, why: `${row.path} is now ${state}` });
    out.push({ do: "dirty", user: row.user, left: row.fileset });
  }
  return out;
}

/** The path is gone from disk. */
export function goneEffects(row: FileRecord): Effect[] {
  if (row.state === "imported") {
    if (row.reason === GONE_AFTER_IMPORT) return none;
    return [{ do: "setReason", reason: GONE_AFTER_IMPORT }];
  }
  const out: Effect[] = [{ do: "delete" }];
  if (row.fileset !== null && row.state === "grouped") {
    out.push({ do: "unqueue", fileset: row.fileset, why: `${row.path} was deleted` });
    out.push({ do: "dirty", user: row.user, left: row.fileset });
  } else if (row.state === "pending") out.push({ do: "dirty", user: row.user, left: null });
  out.push({ do: "log", level: "debug", msg: `${row.path} deleted before import` });
  return out;
}

/**
 * An event for a file already imported: the same version (back after a move away, a touch), a
 * change after import (the policy), or null: a deletion was recorded and this is other content,
 * a new file at the same path.
 */
function importedSeenAgain(row: FileRecord, st: SeenStat, policy: ChangedAfterImport): Effect[] | null {
  if (row.size === st.size && row.mtimeMs === st.mtimeMs) {
    if (row.reason === GONE_AFTER_IMPORT || row.dev !== st.dev || row.ino !== st.ino)
      return [{ do: "refreshInode", dev: st.dev, ino: st.ino, birthMs: st.birthMs }];
    return none;
  }
  if (row.reason === GONE_AFTER_IMPORT) return null;
  if (row.size === st.size && row.dev === st.dev && row.ino === st.ino) {
    // Same inode, same size, new mtime: a touch, or content rewritten in place at the same size
    // (`cp` over it): not told apart without reading the file. Never reimported (a touch is no
    // change), but listed with what is known, so a rewrite does not pass unseen.
    const reason = `modified after import of fileset ${row.fileset}: same size and inode, new mtime (imported ${isoOf(row.mtimeMs)}; now ${isoOf(st.mtimeMs)}): a touch, or a rewrite of the same size; not reimported (to import new content, drop it as a new file)`;
    return [
      { do: "touchImported", mtimeMs: st.mtimeMs },
      { do: "setReason", reason },
      {
        do: "log",
        level: policy === "ignore" ? "debug" : "info",
        msg: `[fileset ${row.fileset}] ${row.path} ${reason}`,
      },
    ];
  }
  const was = `${row.size} bytes, mtime ${isoOf(row.mtimeMs)}`;
  const is = `${st.size} bytes, mtime ${isoOf(st.mtimeMs)}`;
  const what = `changed after import of fileset ${row.fileset} (imported ${was}; now ${is})`;
  if (policy === "reimport")
    return [
      { do: "retire", reason: `${what}: reimported as a new file (omero.fs.changedAfterImport=reimport)` },
      { do: "insert", user: row.user, stat: st, state: "pending", reason: NOT_GROUPED, fileset: null },
      { do: "log", level: "warn", msg: `${row.path} ${what}: reimporting (omero.fs.changedAfterImport=reimport)` },
      { do: "dirty", user: row.user, left: null },
    ];
  return changedReason(row, what, policy);
}

/** The reason (and one log line per change) of a change after import that is not reimported. */
export function changedReason(row: FileRecord, what: string, policy: ChangedAfterImport): Effect[] {
  const reason =
    policy === "ignore"
      ? `${what}: not reimported (omero.fs.changedAfterImport=ignore)`
      : `${what}: not reimported (omero.fs.changedAfterImport=log; set it to reimport to import it again)`;
  if (row.reason === reason) return none;
  return [
    { do: "setReason", reason },
    { do: "log", level: policy === "ignore" ? "debug" : "warn", msg: `${row.path} ${reason}` },
  ];
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
