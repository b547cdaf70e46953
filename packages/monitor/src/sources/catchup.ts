/**
 * Catch-up source: what changed while the monitor was not running, from the snapshot file of the
 * last run (read one entry at a time, snapshot.ts) and the known-set the baseline walk just built
 * (the tree now). Each path goes through compareWithKnown with the snapshot as the "before" side:
 * in both, files with another mtime = Modify; only in the snapshot = Delete; only in the tree =
 * Create; another kind = Delete + Create (getEventsSince's rules). Memory: per-directory counts of
 * a first pass, and the names of only those directories that gained entries in a second (nothing
 * of the size of the tree). Throws when the snapshot cannot be read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { FsEvent } from "@omero-fs/protocol";
import { compareWithKnown, contentMatters, eventsOf } from "../core/compare";
import { ABSENT, codeIsDir, entryCode, type KnownTree } from "../core/known";
import { msOfNs, readSnapshot } from "../snapshot";

export interface CatchUpInput {
  snapshotFile: string;
  watchDir: string;
  /** The tree now (read only). */
  known: KnownTree;
  inScope(p: string): boolean;
  /** Directories of the last run (its marker), so a Delete of a directory has isDir. */
  knownDirs: ReadonlySet<string>;
}

/** Report every change since the snapshot (catchUp: true); returns how many. */
export function catchUp(input: CatchUpInput, emit: (ev: FsEvent) => void): number {
  const { snapshotFile, watchDir, known } = input;
  let n = 0;
  const publish = (p: string, before: number, now: number, changed: boolean) => {
    const v = compareWithKnown(before, now, changed);
    if (v === "none" || v === "learnInode") return;
    for (const ev of eventsOf(p, v, before, now, true)) emit(ev);
    n++;
  };
  /** Known entries seen in the snapshot, per parent directory. */
  const seenIn = new Map<string, number>();
  for (const e of readSnapshot(snapshotFile)) {
    const p = e.path;
    if (p === watchDir || !input.inScope(p)) continue;
    const before = entryCode(e.isDir || input.knownDirs.has(p));
    const now = known.codeOf(p);
    if (now !== ABSENT) {
      const parent = path.dirname(p);
      seenIn.set(parent, (seenIn.get(parent) ?? 0) + 1);
    }
    // mtime only matters for a file that is a file still (one lstat, only then).
    let changed = false;
    if (contentMatters(before, now)) {
      const st = lstatOrUndefined(p);
      changed = st !== undefined && !st.isDirectory() && st.mtimeMs !== msOfNs(e.mtime);
    }
    publish(p, before, now, changed);
  }
  // Directories holding entries the snapshot did not have: which ones, by name.
  const grown = new Map<string, Set<string>>();
  for (const d of known.dirPaths()) {
    const size = known.childCodes(d)?.size ?? 0;
    if (size > (seenIn.get(d) ?? 0)) grown.set(d, new Set());
  }
  seenIn.clear();
  if (grown.size === 0) return n;
  for (const e of readSnapshot(snapshotFile)) grown.get(path.dirname(e.path))?.add(path.basename(e.path));
  for (const [d, had] of grown) {
    const kids = known.childCodes(d);
    if (!kids) continue;
    const prefix = d === "/" ? "/" : `${d}/`;
    for (const [name, code] of kids) {
      if (had.has(name)) continue;
      const p = prefix + name;
      // Gone since the baseline walk: the walk after subscribing says so.
      const now = lstatOrUndefined(p) ? entryCode(codeIsDir(code)) : ABSENT;
      publish(p, ABSENT, now, false);
    }
  }
  return n;
}

/** lstat, or undefined when gone or when it cannot be looked at (a path too long): that entry, not the catch-up, fails. */
function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
