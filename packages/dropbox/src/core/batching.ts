/**
 * When a (watch, user) with new or changed paths is grouped again (OMERO's fileBatch). Pure.
 *
 * Grouping runs a short debounce after the first unprocessed event, or at once when `fileBatch`
 * new or changed paths are waiting: fileBatch is the number of paths one `import -f` grouping run
 * takes, never a cut-off that would import half a fileset (readiness decides that).
 */

/** Debounce of a grouping run: a quarter of the wait (OMERO's fileWait), at most 1 s, at least 20 ms. */
export function groupingDebounceMs(quietMs: number): number {
  return Math.max(20, Math.min(1000, Math.floor(quietMs / 4)));
}

/** When the dirty (watch, user) should be regrouped. */
export function groupingDueAt(
  s: { firstDirtyMs: number; dirtyPaths: number },
  cfg: { quietMs: number; fileBatch: number },
): number {
  if (s.dirtyPaths >= cfg.fileBatch) return s.firstDirtyMs;
  return s.firstDirtyMs + groupingDebounceMs(cfg.quietMs);
}
