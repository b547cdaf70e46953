/**
 * Reconciliation diff: what a walk of a watch tree found against what the ledger knows. Pure.
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

export interface ReconcileInput {
  watchDir: string;
  watchDirPresent: boolean;
  walked: WalkedFile[];
  known: KnownFile[];
  /** Directories the walk could not read: nothing under them counts as deleted. */
  unreadableDirs: string[];
}

export interface ReconcileResult {
  /** New or changed on disk: observe them as Create/Modify events. */
  changed: string[];
  /** Known to the ledger, not on disk: observe them as Delete events. */
  gone: string[];
  /** Set when the tree looks unmounted: nothing is deleted, say it loudly. */
  alarm: string | null;
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const present = input.known.filter((k) => !k.goneAfterImport);
  if (!input.watchDirPresent) {
    return {
      changed: [],
      gone: [],
      alarm:
        present.length > 0
          ? `watch directory ${input.watchDir} is missing while the ledger knows ${present.length} file(s) in it: is a share unmounted? Nothing is treated as deleted.`
          : `watch directory ${input.watchDir} is missing`,
    };
  }
  if (input.walked.length === 0 && present.length > 0 && input.unreadableDirs.length === 0) {
    return {
      changed: [],
      gone: [],
      alarm: `watch directory ${input.watchDir} is empty while the ledger knows ${present.length} file(s) in it: is a share unmounted? Nothing is treated as deleted.`,
    };
  }
  const known = new Map<string, KnownFile>();
  for (const k of input.known) known.set(k.path, k);
  const changed: string[] = [];
  const seen = new Set<string>();
  for (const w of input.walked) {
    seen.add(w.path);
    const k = known.get(w.path);
    if (!k || k.size !== w.size || k.mtimeMs !== w.mtimeMs || k.goneAfterImport) changed.push(w.path);
  }
  const gone: string[] = [];
  for (const k of present) {
    if (seen.has(k.path)) continue;
    if (input.unreadableDirs.some((d) => isUnder(k.path, d))) continue;
    gone.push(k.path);
  }
  return { changed, gone, alarm: null };
}
