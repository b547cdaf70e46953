/**
 * When to group and when a fileset is complete. Pure: time is an argument (ms since epoch).
 *
 * - A fileset is ready `waitMs` after the last event on any of its members (a new member, a
 *   modify, a rename into it all restart the wait) and when no required companion is missing.
 *   The caller then re-stats every member; a changed size or mtime counts as a new event.
 * - Grouping (which files form which fileset) runs per (watch, user) a short debounce after the
 *   first unprocessed event, or at once when `fileBatch` new or changed paths are waiting: this
 *   is OMERO's fileBatch (paths per `import -f` grouping run), never a cut-off that would import
 *   half a fileset.
 */

/** The time at which a fileset whose last member event was at `lastEventMs` becomes ready. */
export function readyAt(lastEventMs: number, waitMs: number): number {
  return lastEventMs + waitMs;
}

export function isReady(lastEventMs: number, waitMs: number, now: number): boolean {
  return now >= readyAt(lastEventMs, waitMs);
}

/** Debounce of a grouping run: a quarter of the wait (OMERO's fileWait), at most 1 s, at least 20 ms. */
export function groupingDebounceMs(waitMs: number): number {
  return Math.max(20, Math.min(1000, Math.floor(waitMs / 4)));
}

/** When the dirty (watch, user) should be regrouped. */
export function groupingDueAt(
  s: { firstDirtyMs: number; dirtyPaths: number },
  cfg: { waitMs: number; fileBatch: number },
): number {
  if (s.dirtyPaths >= cfg.fileBatch) return s.firstDirtyMs;
  return s.firstDirtyMs + groupingDebounceMs(cfg.waitMs);
}

/** A member as seen at queue time compared with what the ledger recorded. */
export interface MemberCheck {
  recorded: { size: number; mtimeMs: number };
  /** null: the file is gone. */
  now: { size: number; mtimeMs: number } | null;
}

export type StabilityVerdict = "stable" | "changed" | "missing";

/** Re-stat verdict for a fileset about to be queued. */
export function stability(members: MemberCheck[]): StabilityVerdict {
  let verdict: StabilityVerdict = "stable";
  for (const m of members) {
    if (m.now === null) return "missing";
    if (m.now.size !== m.recorded.size || m.now.mtimeMs !== m.recorded.mtimeMs) verdict = "changed";
  }
  return verdict;
}
