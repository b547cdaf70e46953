/**
 * Time the event loop spent in the monitors' own synchronous passes (the catch-up; listings: the baseline
 * walk, the walk after the watches are in place, verifying the whole tree). The stall detector
 * subtracts it: a stall is the process not running (SIGSTOP, swapping), not our own work.
 * Verifying a million files takes seconds; counting that as a stall would verify the whole
 * tree again, forever. What our own work may have let overflow is caught without it: the
 * kernel's inotify queue is read on the event loop right after the pass, in one go, so an
 * overflow means at least max_queued_events raw events in one settle episode, above
 * fullVerifyEvents (core/policy.ts fullVerifyThreshold). With parcel, its own thread reads the
 * queue meanwhile.
 */
let busyMs = 0;
let depth = 0;

/** Run one of our own synchronous passes and count its time (a nested pass counts once, in the outer). */
export function busy<T>(fn: () => T): T {
  if (depth > 0) return fn();
  depth++;
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    depth--;
    busyMs += performance.now() - t0;
  }
}

/** The busy time since the last call. */
export function takeBusy(): number {
  const ms = busyMs;
  busyMs = 0;
  return ms;
}
