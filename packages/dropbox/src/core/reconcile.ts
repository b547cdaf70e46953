/**
 * Reconciliation: what a walk of a watch tree found against what the ledger knows, one directory
 * at a time (diffFiles), and whether the whole walk may be believed (watchAlarm). Pure.
 * A watch directory that is missing, or that walks empty while the ledger knows files in it (an
 * unmounted share), is an alarm and never a mass delete.
 */
import { isUnder } from "./paths";

export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface KnownFile {
  path: string;
  size: number;
  mtimeMs: number;
  state: string;
  /** True for an imported file already recorded as deleted or moved away. */
  goneAfterImport: boolean;
  /** True for a file seen and not grouped yet (its grouping was lost: a kill -9, a failed write). */
  notGrouped?: boolean;
}

/**
 * The alarm of a whole walk, or null: a missing watch directory, or one that walked empty while
 * the ledger knows files in it (an unmounted share). Either way nothing is treated as deleted.
 */
export function watchAlarm(w: {
  watchDir: string;
  watchDirPresent: boolean;
  walkedFiles: number;
  /** Files the ledger knows in the watch, imported ones already recorded as gone excepted. */
  knownPresent: number;
  unreadableDirs: number;
}): string | null {
  if (!w.watchDirPresent) {
    return w.knownPresent > 0
      ? `watch directory ${w.watchDir} is missing while the ledger knows ${w.knownPresent} file(s) in it: is a share unmounted? Nothing is treated as deleted.`
      : `watch directory ${w.watchDir} is missing`;
  }
  if (w.walkedFiles === 0 && w.knownPresent > 0 && w.unreadableDirs === 0) {
    return `watch directory ${w.watchDir} is empty while the ledger knows ${w.knownPresent} file(s) in it: is a share unmounted? Nothing is treated as deleted.`;
  }
  return null;
}

/**
 * Walked files against known ones (one directory at a time during a reconciliation, so memory is
 * bounded by the largest directory): new or changed files, known files not walked, and known files
 * unchanged but still "seen, not grouped" (`regroup`): whatever lost their grouping (a kill -9
 * between the two), a walk puts them back in line, so nothing seen-not-grouped survives a restart
 * or a scan (the ledger's invariant).
 */
export function diffFiles(
  walked: WalkedFile[],
  known: KnownFile[],
): { changed: string[]; gone: string[]; regroup: string[] } {
  const byPath = new Map<string, KnownFile>();
  for (const k of known) byPath.set(k.path, k);
  const changed: string[] = [];
  const regroup: string[] = [];
  for (const w of walked) {
    const k = byPath.get(w.path);
    if (!k || k.size !== w.size || k.mtimeMs !== w.mtimeMs || k.goneAfterImport) changed.push(w.path);
    else if (k.notGrouped) regroup.push(w.path);
    byPath.delete(w.path);
  }
  const gone: string[] = [];
  for (const k of byPath.values()) if (!k.goneAfterImport) gone.push(k.path);
  return { changed, gone, regroup };
}

export function underAny(p: string, dirs: string[]): boolean {
  return dirs.some((d) => isUnder(p, d));
}

/** What the DropBox does with files already present at the first walk of a watch (omero.fs.existingFiles). */
export type ExistingFiles = "skip" | "import";

/** Reason of an `existing` file as the ledger stores it (the same for every one: a big DropBox holds millions). */
export const EXISTING_REASON = "was already in the DropBox when omero-fs first walked it";

/** The reason `files list` shows for an `existing` file: the stored one and the command that imports it. */
export function existingReason(path: string, stored: string | null): string {
  return `${stored ?? EXISTING_REASON}; import it with: omero-fs dropbox import-existing ${path}`;
}

/** A watch's first walk (no ledger history) in this process: when it started, when it ended (null while it runs). */
export interface FirstWalk {
  startedMs: number;
  endedMs: number | null;
}

/**
 * Is this walk of a watch its first one? When a first walk of this (user, watchDir) started and
 * never completed (stopped or killed while walking a big DropBox: resumed), or when the ledger has
 * no record of one and knows no file under the folder (a new install, a new watch, a lost ledger).
 * A ledger written before walks were recorded knows the watch's files: not first.
 */
export function isFirstWalk(w: { recorded: "none" | "started" | "done"; knownFiles: number }): boolean {
  if (w.recorded !== "none") return w.recorded === "started";
  return w.knownFiles === 0;
}

/** How long after a first walk an event on an `existing` file still means it was being written then. */
export const EXISTING_EVENT_GRACE_MS = 10_000;

/**
 * A file with no record, seen by intake: recorded as `existing` (not imported) or as new. Only a
 * walk that is its watch's first one finds existing files, and only with existingFiles=skip;
 * a file modified after that walk started is being written now, so it is new.
 */
export function recordAsExisting(i: {
  policy: ExistingFiles;
  via: "walk" | "event";
  /** When the watch's first walk started (ms), or null when this is not a first walk. */
  firstWalkStartedMs: number | null;
  mtimeMs: number;
}): boolean {
  if (i.policy !== "skip" || i.via !== "walk" || i.firstWalkStartedMs === null) return false;
  return i.mtimeMs < i.firstWalkStartedMs;
}

/**
 * An `existing` file seen again: released for import (true) when its content changed (someone
 * writes it), or when an event came for it while its watch's first walk ran or shortly after (the
 * walk saw a file that was arriving: an event means it is live). An event long after, with the same
 * content (a chmod, a touch of old data), keeps it existing.
 */
export function releaseExisting(i: {
  via: "walk" | "event";
  contentChanged: boolean;
  /** The watch's first walk: running (null) or ended at this time (ms); undefined when it ended in an earlier run. */
  firstWalkEndedMs: number | null | undefined;
  now: number;
}): boolean {
  if (i.contentChanged) return true;
  if (i.via !== "event") return false;
  if (i.firstWalkEndedMs === null) return true;
  return i.firstWalkEndedMs !== undefined && i.now - i.firstWalkEndedMs < EXISTING_EVENT_GRACE_MS;
}
