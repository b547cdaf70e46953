/**
 * When a fileset is complete enough to queue (the "readiness" step of the pipeline). Pure: the
 * facts of one fileset and what was last observed of each member in, a verdict out; time is an
 * argument (ms since epoch).
 *
 * A fileset is ready when nothing it needs is missing and every member is finished: closed for
 * writing (no local process holds it open for writing), size and mtime unchanged for settleMs, and
 * structurally complete where its format says how big it must be. Timing: a fileset proven complete
 * is ready settleMs after its last change when importWhenComplete is on: grouping says `closed` (no
 * file can join) and every member's structure check passed (`complete`: its format is modelled and
 * whole), or the watch's completeMarker covers it. Anything else, a member whose format has no
 * structure check (`unknown`) included, keeps OMERO's dirImportWait (quietMs after the last event
 * on any member) and the open-file check. A `hold` (a companion yet to come could claim it) waits
 * until firstSeen + companionWaitMs, then imports as what it is with a warning.
 *
 * Never imported half: listed members missing (the entry, e.g. a plate index, names files not
 * there), a member whose structure says it is cut (`incomplete`), an empty member (0 bytes). The
 * fileset waits; once nothing arrived or changed for incompleteWaitMs (from the last arrival or
 * change of any member, so a plate paused for hours between rows is not cut) the verdict is
 * `incomplete`. A release by hand (`omero-fs imports release ID`) imports it as it is, missing or cut
 * members notwithstanding, never with an empty file.
 *
 * The costly observations (open-for-write, structure) are only made for candidates: while any
 * member has them undefined and the timing has passed, the verdict says `check: true` ("observe and
 * ask again"); production (queueing.ts) then runs the checks and calls this again.
 */

/** What a plate index says it holds, as readiness words it (@omero-fs/readers PlateSummary, the fields used). */
export interface PlateFacts {
  format: string;
  name: string;
  expectedImages: number;
  presentImages: number;
}

/** What the ledger and the grouping know of one fileset, as readiness needs it. */
export interface FilesetFacts {
  id: number;
  /** Files the grouping says the set still needs (possibly only the first ones: see missingCount). */
  missing: readonly string[];
  /** How many are missing when `missing` lists only the first ones (default missing.length). */
  missingCount?: number;
  /** Released by hand (`imports release`): imported as it is, missing members, quiet period and hold notwithstanding. */
  released?: boolean;
  /** A plate: the reason counts images ("plate P1: 1,530 of 1,536 images; missing: ..."). */
  plate?: PlateFacts | null;
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
  /** omero.fs.incompleteWait, in ms (default 86,400,000: 24 h). */
  incompleteWaitMs?: number;
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
  /** Listed members still missing incompleteWaitMs after the last arrival: the fileset becomes `incomplete`. */
  incomplete?: boolean;
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
  const missingCount = fileset.missingCount ?? fileset.missing.length;
  // From the last arrival (or change) of any member: a plate paused between rows keeps waiting.
  let last = -Infinity;
  for (const m of members) last = Math.max(last, m.lastEventMs, m.lastChangeMs ?? m.lastEventMs);
  const incompleteAt = last + (opts.incompleteWaitMs ?? DEFAULT_INCOMPLETE_WAIT_MS);
  const quietFor = `nothing arrived for ${duration(now - last)} (omero.fs.incompleteWait)`;
  if (missingCount > 0 && !fileset.released) {
    const waitingFor = missingText(fileset, members.length);
    if (now < incompleteAt) return { ready: false, at: incompleteAt, waitingFor };
    return {
      ready: false,
      at: null,
      incomplete: true,
      waitingFor: `${waitingFor}; ${quietFor}: not imported half; import it as it is with omero-fs imports release ${fileset.id}`,
    };
  }
  // FakeReader's .fake files are empty by design (Bio-Formats' test format: the name is the content).
  const empty = members.find((m) => m.size === 0 && !m.path.toLowerCase().endsWith(".fake"));
  if (empty) {
    const what = `${base(empty.path)}: empty file (0 bytes), never imported`;
    if (now < incompleteAt) return { ready: false, at: incompleteAt, waitingFor: `${what}; waits for its content` };
    return {
      ready: false,
      at: null,
      incomplete: true,
      waitingFor: `${what}; ${quietFor}: copy it again, or delete it`,
    };
  }
  let lastEvent = members[0]!;
  let lastChange = -Infinity;
  for (const m of members) {
    if (m.lastEventMs > lastEvent.lastEventMs) lastEvent = m;
    lastChange = Math.max(lastChange, m.lastChangeMs ?? m.lastEventMs);
  }
  // Closed proves nothing for a member whose format has no structure check (once observed).
  const unproven = fileset.closed === true ? members.find((m) => m.structure?.state === "unknown") : undefined;
  const proven = fileset.marker === true || (fileset.closed === true && unproven === undefined);
  let warning: string | undefined;
  if (fileset.hold && !proven && !fileset.released) {
    const until = (fileset.firstSeenMs ?? lastEvent.lastEventMs) + (opts.companionWaitMs ?? 600_000);
    if (now < until)
      return {
        ready: false,
        at: until,
        waitingFor: `${fileset.hold}; imported as what it is at ${hhmm(until)} (omero.fs.companionWait)`,
      };
    warning = `${fileset.hold}; none came within omero.fs.companionWait, imported as what it is`;
  }
  // A release by hand is "now": only the settle time and the checks that every file is finished.
  const fast = fileset.released === true || (proven && opts.importWhenComplete !== false);
  const settled = lastChange + settleMs;
  const quiet = lastEvent.lastEventMs + opts.quietMs;
  const due = fast ? settled : Math.max(quiet, settled);
  const extra = (r: Readiness): Readiness => {
    if (warning !== undefined) r.warning = warning;
    if (proven && !members.some((m) => m.structure?.state === "incomplete")) r.proven = true;
    return r;
  };
  if (now < due) {
    const why = unproven
      ? ` (${base(unproven.path)}: its structure cannot be checked, so OMERO's dirImportWait applies)`
      : "";
    const waitingFor =
      due === quiet && !fast
        ? `quiet period: ${Math.ceil(due - now)} ms more without an event on ${lastEvent.path}${why}`
        : `settling: ${Math.ceil(due - now)} ms more without a change (omero.fs.settleTime)`;
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
  for (const m of members) {
    if (m.structure?.state !== "incomplete") continue;
    const what = `${base(m.path)}: ${m.structure.reason}`;
    if (fileset.released) {
      warning = `${what}; imported as it is (released by hand)`;
      continue;
    }
    // A change of the file is an event, which judges the fileset again: no need to look before the deadline.
    if (now < incompleteAt) return extra({ ready: false, at: incompleteAt, waitingFor: what });
    return {
      ready: false,
      at: null,
      incomplete: true,
      waitingFor: `${what}; ${quietFor.replace("arrived", "changed")}: not imported half; copy it again, or import it as it is with omero-fs imports release ${fileset.id}`,
    };
  }
  return extra({ ready: true, at: due, waitingFor: "" });
}

export const DEFAULT_INCOMPLETE_WAIT_MS = 86_400_000;

const count = (n: number) => n.toLocaleString("en-US");

/**
 * What a fileset with listed members missing waits for: "plate P1: 1,530 of 1,536 images; missing:
 * P1_A01_s1_w1.TIF, ..." for a plate, else "37 of 40 present; missing: a.tif, ...".
 */
export function missingText(
  f: Pick<FilesetFacts, "missing" | "missingCount" | "plate" | "expectedCount">,
  members = 0,
): string {
  const n = f.missingCount ?? f.missing.length;
  const shown = Math.min(f.missing.length, 5);
  const names = f.missing.slice(0, shown).map(base).join(", ");
  const list = n > shown ? `${names}${shown > 0 ? " and " : ""}${count(n - shown)} more` : names;
  const p = f.plate;
  if (p && p.expectedImages > 0)
    return `${p.format} plate ${p.name}: ${count(p.presentImages)} of ${count(p.expectedImages)} images; missing: ${list}`;
  // The entry lists its members, itself only sometimes (an ICS 1 header lists only its .ids); without a
  // list, the members present and those required.
  const e = Math.max(f.expectedCount ?? 0, members + n);
  return `${count(e - n)} of ${count(e)} present; missing: ${list}`;
}

/** "26 h", "90 min", "45 s": a wait for people. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
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
