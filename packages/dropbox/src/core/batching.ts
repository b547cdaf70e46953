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

/**
 * When the dirty (watch, user) should be regrouped. `last`: when its previous run ended and what
 * it cost: the next run waits at least nine times that cost (at most 1 s), so a folder that grows
 * by fileBatch files at a time (a 6,144-image plate at acquisition pace) is not regrouped whole for
 * every ten new files: grouping takes at most about a tenth of the time, and a file is still
 * grouped within a second of its batch.
 */
export function groupingDueAt(
  s: { firstDirtyMs: number; dirtyPaths: number },
  cfg: { quietMs: number; fileBatch: number },
  last?: { endMs: number; costMs: number },
): number {
  const due = s.dirtyPaths >= cfg.fileBatch ? s.firstDirtyMs : s.firstDirtyMs + groupingDebounceMs(cfg.quietMs);
  return last ? Math.max(due, last.endMs + Math.min(1000, 9 * last.costMs)) : due;
}
