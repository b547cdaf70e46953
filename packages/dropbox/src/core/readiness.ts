/**
 * When a fileset is complete enough to queue (the "readiness" step of the pipeline). Pure: the
 * facts of one fileset and what was last observed of each member in, a verdict out; time is an
 * argument (ms since epoch).
 *
 * Today's rule (OMERO's dirImportWait): a fileset is ready `quietMs` after the last event on any
 * of its members (a new member, a modify, a rename into it all restart the wait), and only when
 * nothing it needs is missing. Before it is queued every member is re-stat'ed (`stability`): a
 * changed size or mtime counts as a new event, a vanished member as a delete.
 */

/** What the ledger knows of one fileset, as readiness needs it. */
export interface FilesetFacts {
  id: number;
  /** Files the grouping says the set still needs (a waiting fileset has none today). */
  missing: readonly string[];
}

/** What was last observed of one member file. */
export interface MemberObservation {
  path: string;
  size: number;
  mtimeMs: number;
  /** When the last event (create, modify, rename into the set, changed re-stat) for it was recorded. */
  lastEventMs: number;
}

export interface ReadinessOptions {
  /** omero.fs.dirImportWait, in ms. */
  quietMs: number;
}

export interface Readiness {
  ready: boolean;
  /** When it becomes ready if nothing else happens (== now or earlier when ready); null: only after an event. */
  at: number | null;
  /** What it waits for, for logs and listings ("" when ready). */
  waitingFor: string;
}

export function readinessOf(
  fileset: FilesetFacts,
  members: readonly MemberObservation[],
  now: number,
  opts: ReadinessOptions,
): Readiness {
  if (members.length === 0) return { ready: false, at: null, waitingFor: "its files (none left)" };
  if (fileset.missing.length > 0) return { ready: false, at: null, waitingFor: fileset.missing.join(", ") };
  let last = members[0]!;
  for (const m of members) if (m.lastEventMs > last.lastEventMs) last = m;
  const at = last.lastEventMs + opts.quietMs;
  if (now >= at) return { ready: true, at, waitingFor: "" };
  return { ready: false, at, waitingFor: `quiet period: ${at - now} ms more without an event on ${last.path}` };
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
