import { backoffDelay, decideOnExit, exitReason, type RestartPolicy } from "./policy";
import { nodeOptionsFromEnv } from "./options";

const policy: RestartPolicy = { backoffBaseMs: 1000, backoffMaxMs: 60_000, quickFailureMs: 30_000, failThreshold: 5 };

describe("backoffDelay", () => {
  it("doubles from the base and stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, policy))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000,
    ]);
    expect(backoffDelay(1000, policy)).toBe(60_000);
  });
});

describe("decideOnExit", () => {
  it("restarts a quick failure with a growing delay, then gives up at the threshold", () => {
    let q = 0;
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = decideOnExit(q, 0, 500, policy);
      expect(d.action).toBe("restart");
      if (d.action === "restart") delays.push(d.delayMs);
      q = d.quickFailures;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    expect(decideOnExit(q, 0, 500, policy)).toEqual({ action: "fail", quickFailures: 5 });
  });

  it("a server that says a restart cannot help (a damaged ledger) fails at once, even after a long run", () => {
    expect(decideOnExit(0, 0, 500, policy, true)).toEqual({ action: "fail", quickFailures: 1 });
    expect(decideOnExit(0, 0, 3_600_000, policy, true)).toEqual({ action: "fail", quickFailures: 1 });
  });

  it("starts over after a run longer than the quick-failure window", () => {
    expect(decideOnExit(4, 0, 31_000, policy)).toEqual({ action: "restart", delayMs: 1000, quickFailures: 0 });
  });

  it("a threshold of 1 fails on the first quick death", () => {
    expect(decideOnExit(0, 0, 10, { ...policy, failThreshold: 1 }).action).toBe("fail");
  });
});

describe("exitReason", () => {
  it("names the code or signal, the run time and the last line", () => {
    expect(exitReason(3, null, 1500, "Error: boom")).toBe("exited with code 3 after 1.5 s; last output: Error: boom");
    expect(exitReason(null, "SIGKILL", 20, null)).toBe("killed by signal SIGKILL after 0.0 s");
  });
});

describe("nodeOptionsFromEnv", () => {
  it("defaults to OMERO-like production values", () => {
    const o = nodeOptionsFromEnv({});
    expect(o.policy).toEqual(policy);
    expect(o.commandOverride).toEqual({});
  });
  it("reads the test hooks", () => {
    const o = nodeOptionsFromEnv({
      OMERO_FS_TEST_NODE_BACKOFF_MS: "10",
      OMERO_FS_TEST_NODE_FAIL_THRESHOLD: "2",
      OMERO_FS_TEST_NODE_SERVER_CMD_DropBox: '["node","x.js"]',
    });
    expect(o.policy.backoffBaseMs).toBe(10);
    expect(o.policy.failThreshold).toBe(2);
    expect(o.commandOverride.DropBox).toEqual(["node", "x.js"]);
  });
  it("rejects malformed hooks with the variable's name", () => {
    expect(() => nodeOptionsFromEnv({ OMERO_FS_TEST_NODE_BACKOFF_MS: "soon" })).toThrow(
      /OMERO_FS_TEST_NODE_BACKOFF_MS/,
    );
    expect(() => nodeOptionsFromEnv({ OMERO_FS_TEST_NODE_SERVER_CMD_DropBox: "node x.js" })).toThrow(/JSON array/);
  });
});
