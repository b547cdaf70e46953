import { describeSelection, parseSince, selectImports } from "./selection";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const imp = (id: number, state: string, user: string, lastRunAt: string | null, importer = "omero") => ({
  id,
  user,
  state,
  importer,
  createdAt: "2026-03-01T00:00:00Z",
  lastRunAt,
});

describe("many imports at once", () => {
  it("--since: a date, a time, or a span back from now; anything else names what is allowed", () => {
    expect(parseSince("2026-03-09", NOW)).toBe(Date.parse("2026-03-09"));
    expect(parseSince("2026-03-09T08:30Z", NOW)).toBe(Date.parse("2026-03-09T08:30Z"));
    expect(parseSince("12h", NOW)).toBe(NOW - 12 * 3_600_000);
    expect(parseSince("30m", NOW)).toBe(NOW - 30 * 60_000);
    expect(parseSince("7d", NOW)).toBe(NOW - 7 * 86_400_000);
    expect(() => parseSince("yesterday", NOW)).toThrow(/neither a date .* nor a span back from now \(30m, 12h, 7d\)/);
  });
  it("state, user, importer and the last run's end", () => {
    const all = [
      imp(1, "failed", "amy", "2026-03-10T11:00:00Z"),
      imp(2, "failed", "bob", "2026-03-10T11:00:00Z"),
      imp(3, "failed", "amy", "2026-03-01T11:00:00Z"),
      imp(4, "imported", "amy", "2026-03-10T11:00:00Z", "local"),
      imp(5, "incomplete", "amy", null),
    ];
    expect(selectImports(all, { state: "failed" }).map((i) => i.id)).toEqual([1, 2, 3]);
    expect(
      selectImports(all, { state: "failed", user: "amy", sinceMs: parseSince("12h", NOW) }).map((i) => i.id),
    ).toEqual([1]);
    expect(selectImports(all, { state: "imported", importer: "local" }).map((i) => i.id)).toEqual([4]);
    expect(selectImports(all, { state: "imported", importer: "omero" })).toEqual([]);
    // No run: the creation time counts.
    expect(selectImports(all, { state: "incomplete", sinceMs: Date.parse("2026-02-28") }).map((i) => i.id)).toEqual([
      5,
    ]);
    expect(describeSelection(2, { state: "failed", user: "amy", sinceMs: Date.parse("2026-03-09T00:00:00Z") })).toBe(
      "2 failed imports of amy since 2026-03-09T00:00:00.000Z",
    );
  });
});
