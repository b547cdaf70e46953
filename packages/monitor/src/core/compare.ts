/**
 * The one rule every source's sighting goes through (docs/ARCHITECTURE.md, "MonitorServer
 * pipeline"): compare what a source saw at a path with what the known-set holds for it, and say
 * what that means. The native watcher, the fs.watch fast path and the poll diff compare an
 * lstat with the known-set; a listing compares a directory entry (no inode) with it; the
 * catch-up compares the tree now (the baseline walk's known-set) with the snapshot of the last
 * run. Pure: entry codes in (core/known.ts), a verdict out; the caller applies it.
 */
import type { EventType, FsEvent } from "@omero-fs/protocol";
import { ABSENT, codeIno, codeIsDir, type EntryCode } from "./known";

/**
 * - none: nothing to publish or record (still absent, or the same entry unchanged);
 * - learnInode: the same entry, whose inode was not recorded yet (found by a listing);
 * - modify / learnInodeModify: the same file, reported changed (a watcher update, another mtime);
 * - create: a path not known before;
 * - delete: a known path that is gone;
 * - replace: another entry under a known name (other kind, or another inode: deleted and made
 *   again between two sightings), published as Delete of the old then Create of the new.
 */
export type Verdict = "none" | "learnInode" | "modify" | "learnInodeModify" | "create" | "delete" | "replace";

/**
 * known: the known-set's code for the path (ABSENT when unknown); seen: what the source saw now
 * (ABSENT when gone; inode 0 when the source gives none, as a listing); changed: the source says
 * the content changed (an update event, another mtime). An inode is only compared when both
 * sides have one, so a listing never turns a known file into a replacement.
 */
export function compareWithKnown(known: EntryCode, seen: EntryCode, changed = false): Verdict {
  if (seen === ABSENT) return known === ABSENT ? "none" : "delete";
  if (known === ABSENT) return "create";
  const isDir = codeIsDir(seen);
  if (codeIsDir(known) !== isDir) return "replace";
  const knownIno = codeIno(known);
  const seenIno = codeIno(seen);
  if (knownIno !== 0 && seenIno !== 0 && knownIno !== seenIno) return "replace";
  const modify = changed && !isDir;
  if (knownIno === 0 && seenIno !== 0) return modify ? "learnInodeModify" : "learnInode";
  return modify ? "modify" : "none";
}

/**
 * Whether a sighting counts as a content change. A watcher update does. So does a name appearing
 * (a watcher create, a fast-path rename) at a path known without its inode (found by a listing, as
 * every file of a folder renamed or moved in): another entry may have been renamed over it (an
 * atomic `write tmp; mv tmp x`), and with no inode to compare it would pass unseen. It is
 * published as a Modify; the DropBox's stat decides what changed.
 */
export function sightingChanged(known: EntryCode, kind: "update" | "appeared" | "other"): boolean {
  if (kind === "update") return true;
  return kind === "appeared" && known !== ABSENT && !codeIsDir(known) && codeIno(known) === 0;
}

/** Whether `changed` can matter for this pair (the same kind, a file): callers skip the mtime check otherwise. */
export function contentMatters(known: EntryCode, seen: EntryCode): boolean {
  return known !== ABSENT && seen !== ABSENT && !codeIsDir(known) && !codeIsDir(seen);
}

/** What the known-set holds for the path after the verdict: the seen code, ABSENT, or unchanged (null). */
export function knownAfter(v: Verdict, seen: EntryCode): EntryCode | null {
  switch (v) {
    case "none":
    case "modify":
      return null;
    case "delete":
      return ABSENT;
    default:
      return seen;
  }
}

/** The events a verdict publishes, in order (the old entry's Delete before the new one's Create). */
export function eventsOf(p: string, v: Verdict, known: EntryCode, seen: EntryCode, catchUp: boolean): FsEvent[] {
  const ev = (type: EventType, isDir: boolean): FsEvent => ({ path: p, type, isDir, catchUp });
  switch (v) {
    case "create":
      return [ev("Create", codeIsDir(seen))];
    case "delete":
      return [ev("Delete", codeIsDir(known))];
    case "replace":
      return [ev("Delete", codeIsDir(known)), ev("Create", codeIsDir(seen))];
    case "modify":
    case "learnInodeModify":
      return [ev("Modify", false)];
    default:
      return [];
  }
}

/**
 * The fast path (fs.watch, no debounce) handles files only: a directory, now or before, is the
 * watcher's, which lists it after adding its watch (README "Fast path").
 */
export function fastPathSkips(known: EntryCode, seen: EntryCode): boolean {
  return (seen !== ABSENT && codeIsDir(seen)) || (known !== ABSENT && codeIsDir(known));
}
