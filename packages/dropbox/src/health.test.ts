import { HealthProblems } from "./health";

describe("HealthProblems", () => {
  it("reports each change once, keyed, and empties when solved", () => {
    const seen: string[][] = [];
    const h = new HealthProblems((r) => seen.push(r));
    h.set("watch:1", "watch 1: /data/x is missing");
    h.set("watch:1", "watch 1: /data/x is missing");
    h.set("ledger", "ledger not writable");
    h.clear("watch:1");
    h.clear("watch:1");
    expect(seen).toEqual([
      ["watch 1: /data/x is missing"],
      ["watch 1: /data/x is missing", "ledger not writable"],
      ["ledger not writable"],
    ]);
    expect(h.has("ledger")).toBe(true);
  });
});
