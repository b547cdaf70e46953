/** Retry policy for failed imports. Pure: time is an argument. */

export interface RetryPolicy {
  /** omero.fs.importRetries: retries after the first attempt. */
  retries: number;
  /** First backoff; doubles each attempt. */
  baseMs: number;
  /** Cap of one backoff. */
  maxMs: number;
}

/** Default backoff: 5 s, 10 s, 20 s, ... capped at 10 min (an OMERO server restart takes minutes). */
export const DEFAULT_RETRY: Omit<RetryPolicy, "retries"> = { baseMs: 5000, maxMs: 600_000 };

export type FailureDecision = { state: "queued"; at: number; delayMs: number } | { state: "failed" };

/** After attempt number `attempts` (1-based) failed: retry later, or stay failed. */
export function afterFailure(attempts: number, retryable: boolean, policy: RetryPolicy, now: number): FailureDecision {
  if (!retryable || attempts > policy.retries) return { state: "failed" };
  const delayMs = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return { state: "queued", at: now + delayMs, delayMs };
}
