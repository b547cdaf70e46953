/**
 * Which queued imports start now. Pure: state in, decisions and new state out; time is an argument.
 * Rules: at most `concurrency` running; per watch at most one start per `throttleMs(watch)`;
 * round-robin across users (the user served least recently goes first; within a user, oldest
 * fileset first), so one user's 10,000 files do not starve another's single file.
 */

export interface SchedJob {
  id: number;
  watch: number;
  user: string;
  /** Not before this time (retry backoff); 0 = now. */
  notBefore: number;
}

export interface SchedState {
  lastStartByWatch: Map<number, number>;
  /** user -> turn number of their last start (higher = more recent). */
  lastServed: Map<string, number>;
  turn: number;
}

export function newSchedState(): SchedState {
  return { lastStartByWatch: new Map(), lastServed: new Map(), turn: 0 };
}

export interface SchedConfig {
  concurrency: number;
  throttleMs: (watch: number) => number;
}

export interface SchedDecision {
  start: SchedJob[];
  /** When to look again if nothing else happens (null: only on a completion or a new job). */
  wakeAt: number | null;
}

/** Picks jobs to start now; mutates `state` for the jobs it picks. */
export function pickJobs(
  jobs: SchedJob[],
  running: number,
  state: SchedState,
  cfg: SchedConfig,
  now: number,
): SchedDecision {
  const start: SchedJob[] = [];
  const taken = new Set<number>();
  const watchFreeAt = (w: number): number => {
    const last = state.lastStartByWatch.get(w);
    return last === undefined ? 0 : last + cfg.throttleMs(w);
  };
  while (running + start.length < cfg.concurrency) {
    let best: SchedJob | null = null;
    let bestServed = 0;
    for (const j of jobs) {
      if (taken.has(j.id) || j.notBefore > now || watchFreeAt(j.watch) > now) continue;
      const served = state.lastServed.get(j.user) ?? -1;
      if (best === null || served < bestServed || (served === bestServed && j.id < best.id)) {
        best = j;
        bestServed = served;
      }
    }
    if (!best) break;
    taken.add(best.id);
    start.push(best);
    state.turn += 1;
    state.lastServed.set(best.user, state.turn);
    state.lastStartByWatch.set(best.watch, now);
  }
  let wakeAt: number | null = null;
  if (running + start.length < cfg.concurrency) {
    for (const j of jobs) {
      if (taken.has(j.id)) continue;
      const at = Math.max(j.notBefore, watchFreeAt(j.watch));
      if (at > now && (wakeAt === null || at < wakeAt)) wakeAt = at;
    }
  }
  return { start, wakeAt };
}
