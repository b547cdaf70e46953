import { withMonitorDefaults } from "@omero-fs/protocol";
import {
  chooseWatcher,
  chooseBackend,
  DEFAULT_TIMINGS,
  defaultSnapshotKey,
  fastWindowFor,
  LogBudget,
  settleDecision,
  fullVerifyThreshold,
  outOfWatchesMessage,
  stallOf,
  watchFailureOf,
} from "./policy";

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
  // Our own 5 s listing is not a stall; a SIGSTOP on top of it is.
  expect(stallOf(1000, 1000 + 5000 + 100, t, 5000)).toBe(0);
  expect(stallOf(1000, 1000 + 5000 + t.stallMs + 1, t, 5000)).toBe(t.stallMs + 1);
});

test("native on Linux is one fs.watch per directory; the full-verify threshold is at most half the inotify queue", () => {
  expect(chooseWatcher("linux")).toBe("dirs");
  expect(chooseWatcher("darwin")).toBe("parcel");
  expect(chooseWatcher("win32")).toBe("parcel");
  expect(chooseWatcher("linux", "parcel")).toBe("parcel");
  expect(fullVerifyThreshold(8192, 16384)).toBe(8192);
  expect(fullVerifyThreshold(8192, 1000)).toBe(500);
  expect(fullVerifyThreshold(8192, 1 << 20)).toBe(8192);
  expect(fullVerifyThreshold(8192, null)).toBe(8192);
  expect(fullVerifyThreshold(8192, 1)).toBe(1);
});

test("a failed watch: out of watches, denied, gone; the warning names the limit and the fix", () => {
  expect(watchFailureOf("ENOSPC")).toBe("full");
  expect(watchFailureOf("EMFILE")).toBe("full");
  expect(watchFailureOf("EACCES")).toBe("denied");
  expect(watchFailureOf("ENAMETOOLONG")).toBe("denied");
  expect(watchFailureOf("ENOENT")).toBe("gone");
  expect(watchFailureOf("EIO")).toBe("other");
  const m = outOfWatchesMessage("/w/a", "ENOSPC", 8190, 8192, 5000);
  expect(m).toContain("/proc/sys/fs/inotify/max_user_watches (now 8192)");
  expect(m).toContain("sysctl -w fs.inotify.max_user_watches=");
  expect(m).toContain("/w/a after 8190 folders");
  expect(m).toContain("listed every 5 s");
  expect(outOfWatchesMessage("/w/a", "EMFILE", 10, null, 5000)).toContain("ulimit -n");
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

test("fast window: short at a trickle, longer while flushes follow each other (a burst)", () => {
  const tt = { ...t, fastWindowMs: 5, fastBusyWindowMs: 25 };
  expect(fastWindowFor(1000, 980, tt)).toBe(5); // last fast flush 20 ms ago: trickle
  expect(fastWindowFor(1000, 0, tt)).toBe(5);
  expect(fastWindowFor(1000, 995, tt)).toBe(25); // back to back: burst
  expect(fastWindowFor(1000, 995, { ...tt, fastBusyWindowMs: 1 })).toBe(5); // never below fastWindowMs
});

test("log budget: per-event lines at a trickle, not in a burst, refilled over time", () => {
  const b = new LogBudget(10);
  expect(b.take(4, 1000)).toBe(true);
  expect(b.take(6, 1000)).toBe(true);
  expect(b.take(1, 1000)).toBe(false);
  expect(b.take(5, 1500)).toBe(true); // 500 ms refill 5 lines
  expect(b.take(1, 1500)).toBe(false);
  expect(b.take(10, 10_000)).toBe(true); // capped at perSecond
  expect(b.take(1, 10_000)).toBe(false);
});
