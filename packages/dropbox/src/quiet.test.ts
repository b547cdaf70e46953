import { groupingDebounceMs, groupingDueAt, isReady, readyAt, stability } from "./quiet";

describe("quiet period", () => {
  it("is ready waitMs after the last member event", () => {
    expect(readyAt(1000, 500)).toBe(1500);
    expect(isReady(1000, 500, 1499)).toBe(false);
    expect(isReady(1000, 500, 1500)).toBe(true);
  });
  it("a later event restarts the wait", () => {
    const first = 1000;
    const second = 1400;
    expect(isReady(Math.max(first, second), 500, 1600)).toBe(false);
    expect(isReady(Math.max(first, second), 500, 1900)).toBe(true);
  });
  it("groups after a debounce, or at once when fileBatch paths wait", () => {
    expect(groupingDebounceMs(60_000)).toBe(1000);
    expect(groupingDebounceMs(200)).toBe(50);
    expect(groupingDebounceMs(0)).toBe(20);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 3 }, { waitMs: 1000, fileBatch: 10 })).toBe(350);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 10 }, { waitMs: 1000, fileBatch: 10 })).toBe(100);
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
