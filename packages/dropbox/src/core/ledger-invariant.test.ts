import { type InvariantFacts, invariantLine, invariantVerdict } from "./ledger-invariant";

const none = { count: 0, examples: [] };
const facts = (o: Partial<InvariantFacts> = {}): InvariantFacts => ({
  files: 10,
  notGrouped: none,
  groupedNowhere: none,
  strayFileset: none,
  emptyFilesets: none,
  ...o,
});

describe("the ledger invariant", () => {
  it("holds on a clean ledger", () => {
    const v = invariantVerdict(facts(), { grouped: true });
    expect(v).toEqual({ ok: true, problems: [], notes: [] });
    expect(invariantLine(v, 10)).toBe("ledger invariant holds (10 file(s))");
  });

  it("files seen and not grouped: a problem once the DropBox grouped, a note for the next start when stopped", () => {
    const f = facts({ notGrouped: { count: 62, examples: ["/d/amy/a.tif"] } });
    const running = invariantVerdict(f, { grouped: true });
    expect(running.ok).toBe(false);
    expect(running.problems[0]).toMatchObject({ kind: "not-grouped", count: 62 });
    expect(running.problems[0]!.message).toMatch(/62 file\(s\) seen and still not grouped \(e\.g\. \/d\/amy\/a\.tif\)/);
    const stopped = invariantVerdict(f, { grouped: false });
    expect(stopped.ok).toBe(true);
    expect(stopped.notes[0]).toMatch(/62 file\(s\) seen and not grouped .*its next start groups them/);
  });

  it("grouped into nothing, a stray fileset link, an empty fileset: each named with the fix", () => {
    const v = invariantVerdict(
      facts({
        groupedNowhere: { count: 1, examples: ["/d/a"] },
        strayFileset: { count: 2, examples: ["/d/b"] },
        emptyFilesets: { count: 3, examples: ["7"] },
      }),
      { grouped: false },
    );
    expect(v.problems.map((p) => [p.kind, p.count])).toEqual([
      ["grouped-nowhere", 1],
      ["stray-fileset", 2],
      ["empty-fileset", 3],
    ]);
    expect(invariantLine(v, 10)).toMatch(/^ledger invariant broken: 1 file\(s\) grouped into no live fileset/);
  });
});
