import { formatLine } from "./logging";
import { decodeBadName, encodeBadName, escapeName, isValidUtf8 } from "./names";

describe("escapeName", () => {
  test("clean names are returned unchanged (backslashes and non-ASCII too)", () => {
    for (const s of ["amy/exp 1/cells.ome.tif", "Zürich/画像.tif", "a\\b", "emoji 🧫.tif", ""]) {
      expect(escapeName(s)).toBe(s);
    }
  });
  test("a newline, a tab, a carriage return and ESC are escaped: no forged row, no terminal control", () => {
    expect(escapeName("a\nb")).toBe("a\\nb");
    expect(escapeName("a\r\tb")).toBe("a\\r\\tb");
    expect(escapeName("\x1b[31mred\x1b[0m")).toBe("\\x1b[31mred\\x1b[0m");
    expect(escapeName("nul\0del\x7f")).toBe("nul\\x00del\\x7f");
    expect(escapeName("c1\u0085\u009b")).toBe("c1\\u0085\\u009b");
  });
  test("bidi controls, line separators and lone surrogates are escaped", () => {
    expect(escapeName("evil\u202egpj.tif")).toBe("evil\\u202egpj.tif");
    expect(escapeName("a\u2028b")).toBe("a\\u2028b");
    expect(escapeName("x\ud800y")).toBe("x\\ud800y");
  });
  test("raw bytes: invalid UTF-8 shows as \\xNN per byte, valid sequences as text", () => {
    expect(escapeName(Buffer.from([0x61, 0xff, 0x62]))).toBe("a\\xffb");
    expect(escapeName(Buffer.from("Zürich\n", "utf8"))).toBe("Zürich\\n");
    // Latin-1 "é" alone, an overlong "/", a UTF-8 surrogate, a truncated sequence.
    expect(escapeName(Buffer.from([0xe9, 0x2e, 0x74]))).toBe("\\xe9.t");
    expect(escapeName(Buffer.from([0xc0, 0xaf]))).toBe("\\xc0\\xaf");
    expect(escapeName(Buffer.from([0xed, 0xa0, 0x80]))).toBe("\\xed\\xa0\\x80");
    expect(escapeName(Buffer.from([0xe2, 0x82]))).toBe("\\xe2\\x82");
    expect(isValidUtf8(Buffer.from([0xff]))).toBe(false);
    expect(isValidUtf8(Buffer.from("画像 🧫", "utf8"))).toBe(true);
  });
  test("escaping escaped text changes nothing", () => {
    const once = escapeName("a\nb\x1b\u202e");
    expect(escapeName(once)).toBe(once);
  });
});

describe("formatLine", () => {
  test("a log line quotes names as the CLI tables do: one line, no ESC", () => {
    const line = formatLine("2026-01-01T00:00:00.000Z", "info", "DropBox", "queued amy/a\nb\x1b[2J.tif");
    expect(line).toBe("2026-01-01T00:00:00.000Z INFO  [DropBox] queued amy/a\\nb\\x1b[2J.tif");
  });
});

describe("encodeBadName / decodeBadName (names that are not valid UTF-8, in the ledger)", () => {
  const cases = [
    [0x61, 0xff, 0x2e, 0x74, 0x69, 0x66],
    [0x5c, 0x78, 0x66, 0x66, 0xfe], // a literal "\xff" next to a real 0xfe byte
    [0x0a, 0xc3, 0xa9, 0xe9, 0x1b],
    [0xe2, 0x80, 0xae, 0x80],
  ];
  test("round trip: the exact bytes come back", () => {
    for (const c of cases) expect([...decodeBadName(encodeBadName(Buffer.from(c)))!]).toEqual(c);
  });
  test("the encoding is its own escapeName: a table shows what the ledger holds", () => {
    for (const c of cases) {
      const e = encodeBadName(Buffer.from(c));
      expect(escapeName(e)).toBe(e);
    }
    expect(encodeBadName(Buffer.from([0x61, 0xff, 0x2e, 0x74, 0x69, 0x66]))).toBe("a\\xff.tif");
    expect(encodeBadName(Buffer.from([0x5c, 0x78, 0x66, 0x66, 0xfe]))).toBe("\\\\xff\\xfe");
    expect(encodeBadName(Buffer.from([0x0a, 0xc3, 0xa9, 0xe9, 0x1b]))).toBe("\\né\\xe9\\x1b");
  });
  test("text that is not such an encoding decodes to null", () => {
    expect(decodeBadName("a\\qb")).toBeNull();
    expect(decodeBadName("a\\x4")).toBeNull();
    expect(decodeBadName("plain")!.toString()).toBe("plain");
  });
});
