/**
 * Is OMERO usable, and when is it asked again (issue 20, "Outages are not failures")? Pure: the
 * state, what an import's outcome or a probe means for it, and the probe backoff; time is an
 * argument. A whole-server problem (unreachable, login refused, a server error) pauses the queue;
 * a probe (a login) runs at `nextProbeAt`, with a backoff that doubles up to `maxMs`; the first
 * probe (or import) that gets through resumes it. One `paused` and one `resumed` per outage.
 */

export type ServerProblemKind = "unreachable" | "login-refused" | "server-error";

export interface OmeroHealth {
  up: boolean;
  /** Epoch ms of the last change (paused or resumed). */
  since: number;
  /** Why it is down (null while up). */
  reason: string | null;
  kind: ServerProblemKind | null;
  /** Epoch ms of the last answer (an import's outcome, a probe, a check); 0: never asked. */
  checkedAt: number;
  /** Failed probes in a row (kept across a short-lived resume: the next outage backs off from there). */
  failures: number;
  /** When to probe next (null while up). */
  nextProbeAt: number | null;
}

export interface ProbePolicy {
  /** First probe this long after the pause; doubles with each failed probe. */
  baseMs: number;
  maxMs: number;
}

/** 5 s, 10 s, 20 s, 40 s, then every minute: an OMERO restart takes about a minute. */
export const DEFAULT_PROBE: ProbePolicy = { baseMs: 5000, maxMs: 60_000 };

export type HealthChange = "paused" | "resumed" | null;

export interface HealthStep {
  health: OmeroHealth;
  change: HealthChange;
}

export function initialHealth(now: number): OmeroHealth {
  return { up: true, since: now, reason: null, kind: null, checkedAt: 0, failures: 0, nextProbeAt: null };
}

function delay(failures: number, p: ProbePolicy): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** Math.min(30, failures));
}

/** A run (or a probe, or the start's check) met a whole-server problem. */
export function serverProblem(
  h: OmeroHealth,
  problem: { kind: ServerProblemKind; reason: string },
  now: number,
  p: ProbePolicy,
): HealthStep {
  if (!h.up) {
    // Already paused: a run that was in flight when it began says the same; keep the schedule.
    return { health: { ...h, reason: problem.reason, kind: problem.kind, checkedAt: now }, change: null };
  }
  // Up only briefly since the last outage: back off from where that one ended.
  const failures = now - h.since < p.maxMs ? h.failures : 0;
  return {
    health: {
      up: false,
      since: now,
      reason: problem.reason,
      kind: problem.kind,
      checkedAt: now,
      failures,
      nextProbeAt: now + delay(failures, p),
    },
    change: "paused",
  };
}

/** A probe's answer: null = OMERO answers and takes the admin's login. */
export function probed(
  h: OmeroHealth,
  problem: { kind: ServerProblemKind; reason: string } | null,
  now: number,
  p: ProbePolicy,
): HealthStep {
  if (problem === null) return reached(h, now);
  if (h.up) return serverProblem(h, problem, now, p);
  const failures = h.failures + 1;
  return {
    health: {
      ...h,
      reason: problem.reason,
      kind: problem.kind,
      checkedAt: now,
      failures,
      nextProbeAt: now + delay(failures, p),
    },
    change: null,
  };
}

/** OMERO answered (an import got through, whatever the fileset's fate, or a probe logged in). */
export function reached(h: OmeroHealth, now: number): HealthStep {
  if (h.up) return { health: { ...h, checkedAt: now }, change: null };
  return {
    health: { ...h, up: true, since: now, reason: null, kind: null, checkedAt: now, nextProbeAt: null },
    change: "resumed",
  };
}

/** Whether the queue may start imports now (false: paused, waiting for a probe). */
export function mayImport(h: OmeroHealth): boolean {
  return h.up;
}

/** A probe is due at `now` (paused and its time has come). */
export function probeDue(h: OmeroHealth, now: number): boolean {
  return !h.up && h.nextProbeAt !== null && h.nextProbeAt <= now;
}

/**
 * The words of `admin status` and the page: "OMERO unreachable since <ISO>: <reason>; ...". No
 * countdown or count in it: it is pushed to the node each time it changes.
 */
export function describeDown(h: OmeroHealth): string | null {
  if (h.up) return null;
  const what =
    h.kind === "login-refused"
      ? "OMERO login refused"
      : h.kind === "server-error"
        ? "OMERO server error"
        : "OMERO unreachable";
  return `${what} since ${new Date(h.since).toISOString()}: ${h.reason ?? "no reason given"}; imports are paused (none counted as failed) and resume by themselves once it answers`;
}
