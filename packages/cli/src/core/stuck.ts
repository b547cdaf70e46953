/**
 * Stuck versus waiting (issue 21): a fileset not imported yet either waits for something that is
 * expected to take time (files still to come, its quiet period, its turn in a moving queue, an
 * import still within its timeout) or it is stuck: past the time it should have moved on by. The
 * status page's "needs attention" and /metrics' `omerofs_oldest_stuck_seconds` use this one
 * judgement. Pure: ledger facts, the configured waits and `now`.
 */

/** A fileset not finished, as the ledger has it. */
export interface PendingFacts {
  id: number;
  state: "waiting" | "queued" | "importing";
  watch: number;
  createdMs: number;
  /** Last event on any member (ms); null when unknown. */
  lastEventMs: number | null;
  /** Members its entry lists that are not there. */
  missingCount: number;
  /** `imports release` was used: imported as it is. */
  released: boolean;
  /** Held for a companion file (Micro-Manager, MetaMorph) up to omero.fs.companionWait. */
  hold: boolean;
  /** Its watch was removed from the configuration: it waits (on purpose) until the watch is back. */
  retired: boolean;
  /** A queued fileset's retry backoff end (ms), or null. */
  notBeforeMs: number | null;
  /** An importing fileset's run start (ms), or null. */
  startedMs: number | null;
}

/** The configured waits, in ms (per watch where the property is per watch). */
export interface WaitRules {
  dirImportWaitMs: (watch: number) => number;
  incompleteWaitMs: (watch: number) => number;
  companionWaitMs: (watch: number) => number;
  throttleMs: (watch: number) => number;
  /** omero.fs.importTimeout (0: none). */
  importTimeoutMs: number;
}

/**
 * Slack past the due time before anything is called stuck: a scheduler tick, a settle time and a
 * busy ledger must not raise an alert.
 */
export const STUCK_GRACE_MS = 60_000;

export type WaitKind = "files" | "quiet" | "queue" | "OMERO" | "import" | "watch removed";

export interface Judgement {
  /** What it legitimately waits for (while not stuck). */
  kind: WaitKind;
  /** When it should have moved on by (ms); null: no deadline (its turn in a moving queue). */
  dueMs: number | null;
  stuck: boolean;
  /** ms past the due time (0 when not stuck). */
  overdueMs: number;
}

/**
 * Judge one fileset. `queueMoving`: an import runs (and is not stuck itself) or one finished
 * within the throttle and the grace: queued filesets then wait their turn, however many there are.
 * `omeroPaused`: the DropBox's queue waits for OMERO (an outage, issue 20): queued filesets wait
 * for it, not stuck (OMERO being down is its own problem and alert, not one per fileset).
 */
export function judge(
  f: PendingFacts,
  rules: WaitRules,
  now: number,
  queueMoving: boolean,
  omeroPaused = false,
): Judgement {
  const last = f.lastEventMs ?? f.createdMs;
  let kind: WaitKind;
  let due: number | null;
  if (f.state === "waiting" && f.retired) {
    kind = "watch removed";
    due = null;
  } else if (f.state === "importing") {
    kind = "import";
    due = rules.importTimeoutMs > 0 ? (f.startedMs ?? f.createdMs) + rules.importTimeoutMs : null;
  } else if (f.state === "queued" && omeroPaused) {
    kind = "OMERO";
    due = null;
  } else if (f.state === "queued") {
    kind = "queue";
    due = queueMoving ? null : Math.max(f.notBeforeMs ?? 0, last) + rules.throttleMs(f.watch);
  } else if (f.missingCount > 0 && !f.released) {
    kind = "files";
    due = last + rules.incompleteWaitMs(f.watch);
  } else if (f.hold && !f.released) {
    kind = "files";
    due = Math.max(f.createdMs + rules.companionWaitMs(f.watch), last + rules.dirImportWaitMs(f.watch));
  } else {
    kind = "quiet";
    due = last + rules.dirImportWaitMs(f.watch);
  }
  const overdue = due === null ? 0 : now - due - STUCK_GRACE_MS;
  return { kind, dueMs: due, stuck: overdue > 0, overdueMs: overdue > 0 ? now - due! : 0 };
}

export interface StuckSummary {
  stuck: number;
  /** Seconds the most overdue stuck fileset is past its due time (0: none stuck). */
  oldestStuckSeconds: number;
  /** Age (since it was first seen) of the oldest fileset that waits within its time (0: none). */
  oldestWaitingSeconds: number;
  /** The stuck ones, most overdue first. */
  stuckIds: number[];
  /** ms past its due time of each stuck one. */
  overdueMs: Map<number, number>;
  /** The oldest fileset that waits within its time, or null. */
  oldestWaitingId: number | null;
}

/**
 * Judge every pending fileset; `lastRunMs`: the last importer run's start or end (ms), or null;
 * `omeroPaused`: the DropBox's queue waits for OMERO (status.omero.up false, omerofs_omero_up 0).
 */
export function summarize(
  pending: PendingFacts[],
  rules: WaitRules,
  now: number,
  lastRunMs: number | null,
  omeroPaused: boolean,
): StuckSummary {
  const importsRunning = pending.some((f) => f.state === "importing" && !judge(f, rules, now, true).stuck);
  const throttle = Math.max(0, ...pending.map((f) => rules.throttleMs(f.watch)));
  const queueMoving = importsRunning || (lastRunMs !== null && now - lastRunMs <= throttle + STUCK_GRACE_MS);
  const stuck: { id: number; overdue: number }[] = [];
  let oldestWaiting = 0;
  let oldestWaitingId: number | null = null;
  for (const f of pending) {
    const j = judge(f, rules, now, queueMoving, omeroPaused);
    if (j.stuck) stuck.push({ id: f.id, overdue: j.overdueMs });
    else if (oldestWaitingId === null || now - f.createdMs > oldestWaiting) {
      oldestWaiting = now - f.createdMs;
      oldestWaitingId = f.id;
    }
  }
  stuck.sort((a, b) => b.overdue - a.overdue || a.id - b.id);
  return {
    stuck: stuck.length,
    oldestStuckSeconds: stuck.length ? stuck[0]!.overdue / 1000 : 0,
    oldestWaitingSeconds: Math.max(0, oldestWaiting) / 1000,
    stuckIds: stuck.map((s) => s.id),
    overdueMs: new Map(stuck.map((s) => [s.id, s.overdue])),
    oldestWaitingId,
  };
}
