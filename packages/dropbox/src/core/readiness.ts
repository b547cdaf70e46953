/**
 * When a fileset is complete enough to queue (the "readiness" step of the pipeline). Pure: the
 * facts of one fileset and what was last observed of each member in, a verdict out; time is an
 * argument (ms since epoch).
 *
 * A fileset is ready when nothing it needs is missing and every member is finished: closed for
 * writing (no local process holds it open for writing), size and mtime unchanged for settleMs, and
 * structurally complete where its format says how big it must be. Timing: a fileset proven complete
 * (grouping says `closed`, or the watch's completeMarker covers it) is ready settleMs after its last
 * change when importWhenComplete is on; anything else keeps OMERO's dirImportWait (quietMs after
 * the last event on any member). A `hold` (a companion yet to come could claim it) waits until
 * firstSeen + companionWaitMs, then imports as what it is with a warning.
 *
 * The costly observations (open-for-write, structure) are only made for candidates: while any
 * member has them undefined and the timing has passed, the verdict says `check: true` ("observe and
 * ask again"); production (queueing.ts) then runs the checks and calls this again.
 */

/** What the ledger and the grouping know of one fileset, as readiness needs it. */
export interface FilesetFacts {
  id: number;
  /** Files the grouping says the set still needs. */
  missing: readonly string[];
  /** How many members the entry's metadata lists (present or not); undefined: it lists none. */
  expectedCount?: number;
  /** No later file can join (the entry lists every member, or a single-file format no one else claims). */
  closed?: boolean;
  /** Why a companion yet to come could claim it (Micro-Manager TIFF, MetaMorph plane); null/undefined: no hold. */
  hold?: string | null;
  /** When the fileset was first seen (the hold counts from here). */
  firstSeenMs?: number;
  /** The watch's completeMarker covers this fileset's folder or entry. */
  marker?: boolean;
}

/** Structural completeness of one member (@omero-fs/readers checkFileStructure). */
export type StructureState = { state: "complete" } | { state: "incomplete"; reason: string } | { state: "unknown" };

/** A process holding a member open for writing. */
export interface Writer {
  pid: number;
  /** /proc/<pid>/comm, when readable. */
  command?: string;
}

/** What was last observed of one member file. */
export interface MemberObservation {
  path: string;
  size: number;
  mtimeMs: number;
  /** When the last event (create, modify, rename into the set, changed re-stat) for it was recorded. */
  lastEventMs: number;
  /** When its size or mtime last changed (defaults to lastEventMs). */
  lastChangeMs?: number;
  /** undefined: not checked yet; null: no process holds it open for writing. */
  openForWriteBy?: Writer | null;
  /** undefined: not checked yet. */
  structure?: StructureState;
}

export interface ReadinessOptions {
  /** omero.fs.dirImportWait, in ms. */
  quietMs: number;
  /** omero.fs.settleTime, in ms (default 2000). */
  settleMs?: number;
  /** omero.fs.importWhenComplete (default true). */
  importWhenComplete?: boolean;
  /** omero.fs.companionWait, in ms (default 600,000). */
  companionWaitMs?: number;
}

export interface Readiness {
  ready: boolean;
  /** When to look again (== the ready time when ready); null: only after an event. */
  at: number | null;
  /** What it waits for, for logs and `files list` ("" when ready). */
  waitingFor: string;
  /** Imported anyway, but say so (a hold that ran out). */
  warning?: string;
  /** The timing has passed but a member's open-for-write or structure is not observed yet: observe, then ask again. */
  check?: boolean;
  /** Proven complete (closed or marked, nothing missing): the settleMs path. */
  proven?: boolean;
}

const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/** "a, b, c and 7 more" */
export function nameList(paths: readonly string[], max = 5): string {
  const names = paths.slice(0, max).map(base).join(", ");
  return paths.length > max ? `${names} and ${paths.length - max} more` : names;
}

/** HH:MM UTC of a time, for "imported as a TIFF at 10:42 UTC". */
const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

export function readinessOf(
  fileset: FilesetFacts,
  members: readonly MemberObservation[],
  now: number,
  opts: ReadinessOptions,
): Readiness {
  const settleMs = opts.settleMs ?? 2000;
  if (members.length === 0) return { ready: false, at: null, waitingFor: "its files (none left)" };
  if (fileset.missing.length > 0) {
    const miss = `missing: ${nameList(fileset.missing)}`;
    const n = fileset.expectedCount;
    const waitingFor =
      n !== undefined && n >= fileset.missing.length ? `${n - fileset.missing.length} of ${n} present; ${miss}` : miss;
    return { ready: false, at: null, waitingFor };
  }
  let lastEvent = members[0]!;
  let lastChange = -Infinity;
  for (const m of members) {
    if (m.lastEventMs > lastEvent.lastEventMs) lastEvent = m;
    lastChange = Math.max(lastChange, m.lastChangeMs ?? m.lastEventMs);
  }
  const proven = fileset.closed === true || fileset.marker === true;
  let warning: string | undefined;
  if (fileset.hold && !proven) {
    const until = (fileset.firstSeenMs ?? lastEvent.lastEventMs) + (opts.companionWaitMs ?? 600_000);
    if (now < until)
      return {
        ready: false,
        at: until,
        waitingFor: `${fileset.hold}; imported as what it is at ${hhmm(until)} (omero.fs.companionWait)`,
      };
    warning = `${fileset.hold}; none came within omero.fs.companionWait, imported as what it is`;
  }
  const fast = proven && opts.importWhenComplete !== false;
  const settled = lastChange + settleMs;
  const quiet = lastEvent.lastEventMs + opts.quietMs;
  const due = fast ? settled : Math.max(quiet, settled);
  const extra = (r: Readiness): Readiness => {
    if (warning !== undefined) r.warning = warning;
    if (proven) r.proven = true;
    return r;
  };
  if (now < due) {
    const waitingFor =
      due === quiet && !fast
        ? `quiet period: ${due - now} ms more without an event on ${lastEvent.path}`
        : `settling: ${due - now} ms more without a change (omero.fs.settleTime)`;
    return extra({ ready: false, at: due, waitingFor });
  }
  for (const m of members)
    if (m.openForWriteBy === undefined || m.structure === undefined)
      return extra({ ready: false, at: now, waitingFor: "checking that every file is finished", check: true });
  for (const m of members) {
    const w = m.openForWriteBy;
    if (w)
      return extra({
        ready: false,
        at: now + Math.max(settleMs, 250),
        waitingFor: `${base(m.path)} still open for writing by pid ${w.pid}${w.command ? ` (${w.command})` : ""}`,
      });
  }
  for (const m of members)
    if (m.structure?.state === "incomplete")
      return extra({
        ready: false,
        at: now + Math.max(settleMs, opts.quietMs, 1000),
        waitingFor: `${base(m.path)}: ${m.structure.reason}`,
      });
  return extra({ ready: true, at: due, waitingFor: "" });
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
