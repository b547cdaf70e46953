import { outcomeOf } from "./outcome";

const policy = { retries: 2, baseMs: 1000, maxMs: 60_000 };
const run = { ok: false, retryable: true, changedBeforeStart: false, attempt: 1, baseAttempts: 0 };

describe("outcomeOf", () => {
  it("imported, or back to waiting when the files changed before the run", () => {
    expect(outcomeOf({ ...run, ok: true }, policy, 0)).toEqual({ kind: "imported" });
    expect(outcomeOf({ ...run, changedBeforeStart: true }, policy, 0)).toEqual({ kind: "back-to-waiting" });
  });
  it("retries with backoff, counting from the last requeue by hand", () => {
    expect(outcomeOf(run, policy, 10)).toEqual({ kind: "retry", at: 1010, delayMs: 1000 });
    expect(outcomeOf({ ...run, attempt: 3 }, policy, 0)).toEqual({ kind: "failed", why: "retries used up" });
    expect(outcomeOf({ ...run, attempt: 3, baseAttempts: 2 }, policy, 0)).toEqual({
      kind: "retry",
      at: 1000,
      delayMs: 1000,
    });
  });
  it("a failure of the whole server is not the fileset's: paused, whatever the attempt", () => {
    expect(outcomeOf({ ...run, serverProblem: true, attempt: 9 }, policy, 0)).toEqual({ kind: "paused" });
    expect(outcomeOf({ ...run, serverProblem: true, retryable: false }, policy, 0)).toEqual({ kind: "paused" });
  });
  it("never retries a permanent failure", () => {
    expect(outcomeOf({ ...run, retryable: false }, policy, 0)).toEqual({ kind: "failed", why: "not retryable" });
  });
});
