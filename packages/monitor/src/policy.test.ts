import { withMonitorDefaults } from "@omero-fs/protocol";
import { chooseBackend, DEFAULT_TIMINGS, defaultSnapshotKey, settleDecision, stallOf } from "./policy";

const t = DEFAULT_TIMINGS;

test("settle: wait for quiet, verify after quiet or after settleMaxMs of activity", () => {
  expect(settleDecision(1000, 950, 900, 10, t)).toEqual({ kind: "wait", ms: 100 });
  expect(settleDecision(1200, 1000, 900, 10, t)).toEqual({ kind: "verify", full: false });
  expect(settleDecision(2000, 1990, 900, 10, t)).toEqual({ kind: "verify", full: false });
  expect(settleDecision(1200, 1000, 900, t.fullVerifyEvents, t)).toEqual({ kind: "verify", full: true });
});

test("stall detection", () => {
  expect(stallOf(1000, 1100, t)).toBe(0);
  expect(stallOf(1000, 1000 + t.stallMs + 1, t)).toBe(t.stallMs + 1);
});

test("snapshot key is stable and depends on watchDir and params", () => {
  const a = defaultSnapshotKey(withMonitorDefaults({ watchDir: "/w" }));
  expect(a).toBe(defaultSnapshotKey(withMonitorDefaults({ watchDir: "/w" })));
  expect(a).not.toBe(defaultSnapshotKey(withMonitorDefaults({ watchDir: "/v" })));
  expect(a).not.toBe(defaultSnapshotKey(withMonitorDefaults({ watchDir: "/w", pathMode: "Flat" })));
  expect(a).toMatch(/^[A-Za-z0-9._-]+$/);
});

test("backend choice", () => {
  expect(chooseBackend("auto", 0xef53).backend).toBe("native");
  expect(chooseBackend("auto", 0x6969)).toEqual({ backend: "poll", why: expect.stringContaining("nfs") });
  expect(chooseBackend("auto", 0x65735546).backend).toBe("poll");
  expect(chooseBackend("native", 0x6969).backend).toBe("native");
  expect(chooseBackend("poll", 0xef53).backend).toBe("poll");
  expect(chooseBackend("auto", null).backend).toBe("native");
});
