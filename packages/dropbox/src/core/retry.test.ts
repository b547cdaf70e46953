import { afterFailure } from "./retry";

describe("afterFailure", () => {
  const policy = { retries: 3, baseMs: 1000, maxMs: 5000 };
  it("backs off exponentially, capped", () => {
    expect(afterFailure(1, true, policy, 0)).toEqual({ state: "queued", at: 1000, delayMs: 1000 });
    expect(afterFailure(2, true, policy, 0)).toEqual({ state: "queued", at: 2000, delayMs: 2000 });
    expect(afterFailure(3, true, { ...policy, maxMs: 3000 }, 10)).toEqual({ state: "queued", at: 3010, delayMs: 3000 });
  });
  it("stays failed after importRetries retries", () => {
    expect(afterFailure(4, true, policy, 0)).toEqual({ state: "failed" });
    expect(afterFailure(1, true, { ...policy, retries: 0 }, 0)).toEqual({ state: "failed" });
  });
  it("never retries a permanent failure", () => {
    expect(afterFailure(1, false, policy, 0)).toEqual({ state: "failed" });
  });
});
