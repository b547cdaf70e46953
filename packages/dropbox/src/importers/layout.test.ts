import {
  commonDir,
  isPartialOf,
  isTiffEntry,
  leafName,
  leafParts,
  parseSha1sum,
  partialName,
  sha1sumLine,
} from "./layout";

describe("ManagedRepository layout", () => {
  it("names leaves in UTC down to the millisecond", () => {
    expect(leafParts(new Date("2026-03-29T01:02:03.004Z"))).toEqual(["2026-03", "29", "01-02-03.004"]);
    expect(leafParts(new Date("2026-12-31T23:59:59.999Z"))).toEqual(["2026-12", "31", "23-59-59.999"]);
  });
  it("makes same-millisecond leaves unique with a suffix", () => {
    expect(leafName("01-02-03.004", 0)).toBe("01-02-03.004");
    expect(leafName("01-02-03.004", 2)).toBe("01-02-03.004-2");
  });
  it("marks partial leaves with the fileset id", () => {
    expect(partialName("01-02-03.004", 7)).toBe(".01-02-03.004.7.partial");
    expect(isPartialOf(".01-02-03.004.7.partial", 7)).toBe(true);
    expect(isPartialOf(".01-02-03.004.17.partial", 7)).toBe(false);
    expect(isPartialOf("01-02-03.004", 7)).toBe(false);
  });
  it("finds the common directory of a fileset", () => {
    expect(commonDir(["/d/amy/x.tif"])).toBe("/d/amy");
    expect(commonDir(["/d/amy/mm/a.tif", "/d/amy/mm/sub/b.tif", "/d/amy/mm/meta.txt"])).toBe("/d/amy/mm");
    expect(commonDir(["/d/amy/a.vsi", "/d/amy/_a_/stack1/f.ets"])).toBe("/d/amy");
    expect(commonDir(["/d/amy/ab/x", "/d/amy/abc/y"])).toBe("/d/amy");
  });
  it("writes and reads sha1sum lines, escaping like GNU coreutils", () => {
    const sha = "a".repeat(40);
    expect(sha1sumLine(sha, "a b.tif")).toBe(`${sha}  a b.tif\n`);
    expect(sha1sumLine(sha, "new\nline\\x.tif")).toBe(`\\${sha}  new\\nline\\\\x.tif\n`);
    const text = sha1sumLine(sha, "a b.tif") + sha1sumLine("b".repeat(40), "new\nline\\x.tif");
    expect(parseSha1sum(text)).toEqual([
      [sha, "a b.tif"],
      ["b".repeat(40), "new\nline\\x.tif"],
    ]);
    expect(() => parseSha1sum("zzz  a\n")).toThrow("bad checksum line");
  });
  it("knows TIFF entries by suffix or reader", () => {
    expect(isTiffEntry("/a/x.ome.tiff", null)).toBe(true);
    expect(isTiffEntry("/a/x.TIF", null)).toBe(true);
    expect(isTiffEntry("/a/x.dat", "loci.formats.in.OMETiffReader")).toBe(true);
    expect(isTiffEntry("/a/x.ics", "loci.formats.in.ICSReader")).toBe(false);
  });
});
