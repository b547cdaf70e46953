import { ago, table, tableChunks, truncate } from "./format";

describe("format", () => {
  it("aligns columns and leaves the last one unpadded", () => {
    expect(
      table(
        ["ID", "STATE", "ENTRY"],
        [
          ["1", "imported", "/a"],
          ["10", "failed", "/bb"],
        ],
      ),
    ).toBe(["ID  STATE     ENTRY", "1   imported  /a", "10  failed    /bb"].join("\n"));
  });
  it("gives the same table in parts, each ending a line", () => {
    const rows = Array.from({ length: 10 }, (_, i) => [String(i * 37), "x".repeat(i % 4), `/p${i}`]);
    const parts = [...tableChunks(["ID", "S", "ENTRY"], rows, 3)];
    expect(parts).toHaveLength(4);
    for (const p of parts) expect(p.endsWith("\n")).toBe(true);
    expect(parts.join("")).toBe(`${table(["ID", "S", "ENTRY"], rows)}\n`);
  });
  it("truncates on one line", () => {
    expect(truncate("abc\n  def", 20)).toBe("abc def");
    expect(truncate("abcdefgh", 5)).toBe("abcd…");
  });
  it("says how long ago", () => {
    expect(ago("2026-01-01T00:00:10.000Z", Date.parse("2026-01-01T00:00:40.000Z"))).toBe("30 s ago");
    expect(ago(null)).toBe("-");
  });
});
