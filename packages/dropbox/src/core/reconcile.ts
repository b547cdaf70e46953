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
 * bounded by the largest directory): new or changed files, and known files not walked.
 */
export function diffFiles(walked: WalkedFile[], known: KnownFile[]): { changed: string[]; gone: string[] } {
  const byPath = new Map<string, KnownFile>();
  for (const k of known) byPath.set(k.path, k);
  const changed: string[] = [];
  for (const w of walked) {
    const k = byPath.get(w.path);
    if (!k || k.size !== w.size || k.mtimeMs !== w.mtimeMs || k.goneAfterImport) changed.push(w.path);
    byPath.delete(w.path);
  }
  const gone: string[] = [];
  for (const k of byPath.values()) if (!k.goneAfterImport) gone.push(k.path);
  return { changed, gone };
}

export function underAny(p: string, dirs: string[]): boolean {
  return dirs.some((d) => isUnder(p, d));
}
