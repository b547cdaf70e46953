/** Time for the pipeline: the wall clock in production, a hand-driven one in tests. */
export interface Clock {
  now(): number;
  /** Call `fn` once, `ms` from now. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(t: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
};
