/** What an importer run's outcome means for its fileset (the "outcome" step). Pure. */
import { afterFailure, type RetryPolicy } from "./retry";

export type OutcomeDecision =
  | { kind: "imported" }
  /** Members changed or vanished before the importer ran: not its fault, the attempt does not count. */
  | { kind: "back-to-waiting" }
  /** The whole OMERO server failed (unreachable, login refused): back in the queue, the run not counted. */
  | { kind: "paused" }
  | { kind: "retry"; at: number; delayMs: number }
  | { kind: "failed"; why: "retries used up" | "not retryable" };

export function outcomeOf(
  run: {
    ok: boolean;
    retryable: boolean;
    /** The snapshot check before the run failed (the importer never ran). */
    changedBeforeStart: boolean;
    /** 1-based attempt number of this run. */
    attempt: number;
    /** Attempts made before the last requeue by hand: the retry budget counts from there. */
    baseAttempts: number;
    /** The importer says the server, not the fileset, failed. */
    serverProblem?: boolean;
  },
  policy: RetryPolicy,
  now: number,
): OutcomeDecision {
  if (run.changedBeforeStart) return { kind: "back-to-waiting" };
  if (run.ok) return { kind: "imported" };
  if (run.serverProblem) return { kind: "paused" };
  const d = afterFailure(run.attempt - run.baseAttempts, run.retryable, policy, now);
  if (d.state === "queued") return { kind: "retry", at: d.at, delayMs: d.delayMs };
  return { kind: "failed", why: run.retryable ? "retries used up" : "not retryable" };
}
