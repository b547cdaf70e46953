import { groupingDebounceMs, groupingDueAt } from "./batching";
import { readinessOf, stability } from "./readiness";

const m = (path: string, lastEventMs: number) => ({ path, size: 1, mtimeMs: 1, lastEventMs });
const fs1 = { id: 1, missing: [] };

describe("readiness", () => {
  it("is ready quietMs after the last member event", () => {
    expect(readinessOf(fs1, [m("/a", 1000)], 1499, { quietMs: 500 })).toMatchObject({ ready: false, at: 1500 });
    expect(readinessOf(fs1, [m("/a", 1000)], 1500, { quietMs: 500 })).toEqual({
      ready: true,
      at: 1500,
      waitingFor: "",
    });
  });
  it("a later event on any member restarts the wait, and says which", () => {
    const r = readinessOf(fs1, [m("/a", 1000), m("/b", 1400)], 1600, { quietMs: 500 });
    expect(r).toEqual({ ready: false, at: 1900, waitingFor: "quiet period: 300 ms more without an event on /b" });
    expect(readinessOf(fs1, [m("/a", 1000), m("/b", 1400)], 1900, { quietMs: 500 }).ready).toBe(true);
  });
  it("never readies a set with something missing, or with no member", () => {
    expect(readinessOf({ id: 1, missing: ["/x.ids"] }, [m("/x.ics", 0)], 1e9, { quietMs: 0 })).toEqual({
      ready: false,
      at: null,
      waitingFor: "/x.ids",
    });
    expect(readinessOf(fs1, [], 1e9, { quietMs: 0 }).ready).toBe(false);
  });
  it("groups after a debounce, or at once when fileBatch paths wait", () => {
    expect(groupingDebounceMs(60_000)).toBe(1000);
    expect(groupingDebounceMs(200)).toBe(50);
    expect(groupingDebounceMs(0)).toBe(20);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 3 }, { quietMs: 1000, fileBatch: 10 })).toBe(350);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 10 }, { quietMs: 1000, fileBatch: 10 })).toBe(100);
  });
  it("re-stat verdicts: stable, changed, missing", () => {
    const rec = { size: 10, mtimeMs: 5 };
    expect(stability([{ recorded: rec, now: { size: 10, mtimeMs: 5 } }])).toBe("stable");
    expect(stability([{ recorded: rec, now: { size: 11, mtimeMs: 5 } }])).toBe("changed");
    expect(stability([{ recorded: rec, now: { size: 10, mtimeMs: 6 } }])).toBe("changed");
    expect(
      stability([
        { recorded: rec, now: { size: 11, mtimeMs: 5 } },
        { recorded: rec, now: null },
      ]),
    ).toBe("missing");
  });
});
