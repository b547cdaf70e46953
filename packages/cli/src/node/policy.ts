/**
 * The node's restart policy, without I/O or clocks (docs/ARCHITECTURE.md, "Layering rules"): the supervisor passes the
 * times in and acts on the decision. A server that dies is restarted after an exponential
 * backoff; one that keeps dying soon after each start is given up on (`failed`).
 */

/** Knobs of the policy (see NodeOptions for their defaults and test hooks). */
export interface RestartPolicy {
  /** First restart delay; doubles with each consecutive quick failure. */
  backoffBaseMs: number;
  /** Upper bound of the delay. */
  backoffMaxMs: number;
  /** A death within this long of the start counts as a quick failure. */
  quickFailureMs: number;
  /** This many consecutive quick failures mark the server failed. */
  failThreshold: number;
}

export type ExitDecision =
  | { action: "restart"; delayMs: number; quickFailures: number }
  | { action: "fail"; quickFailures: number };

/** Delay before restart number `n` (1-based) of a run of quick failures: base * 2^(n-1), capped. */
export function backoffDelay(n: number, policy: Pick<RestartPolicy, "backoffBaseMs" | "backoffMaxMs">): number {
  const exp = Math.max(0, n - 1);
  // 2^31 already exceeds any sane cap; stop doubling there so the number stays finite.
  const delay = policy.backoffBaseMs * 2 ** Math.min(exp, 31);
  return Math.min(policy.backoffMaxMs, delay);
}

/**
 * What to do when a server the node wants running exits on its own.
 * @param quickFailures consecutive quick failures before this exit
 * @param startedAt when this run was spawned (ms)
 * @param now when it exited (ms)
 */
export function decideOnExit(
  quickFailures: number,
  startedAt: number,
  now: number,
  policy: RestartPolicy,
  /** The server said a restart cannot help (exit code EXIT_NEEDS_ADMIN): failed at once. */
  needsAdmin = false,
): ExitDecision {
  if (needsAdmin) return { action: "fail", quickFailures: quickFailures + 1 };
  const quick = now - startedAt < policy.quickFailureMs;
  // A server that ran longer than the window has proved it can run: its backoff starts over.
  const n = quick ? quickFailures + 1 : 1;
  if (quick && n >= policy.failThreshold) return { action: "fail", quickFailures: n };
  return { action: "restart", delayMs: backoffDelay(n, policy), quickFailures: quick ? n : 0 };
}

/** "exit code 3", "signal SIGKILL": how a child ended, in words. */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `killed by signal ${signal}`;
  return `exited with code ${code ?? "?"}`;
}

/** The reason shown in status for a server that exited: how, after how long, and its last words. */
export function exitReason(code: number | null, signal: string | null, ranMs: number, lastLine: string | null): string {
  const secs = (ranMs / 1000).toFixed(1);
  const base = `${describeExit(code, signal)} after ${secs} s`;
  return lastLine ? `${base}; last output: ${lastLine}` : base;
}
