import { allReaders, defaultCatalogue, parseReadersFile, ReadersFileError } from "./catalogue";

describe("defaultCatalogue", () => {
  it("lists enabled readers in readers.txt order without ZipReader", () => {
    const cat = defaultCatalogue();
    expect(cat.source).toBe("default");
    const names = cat.readers.map((r) => r.className);
    expect(names).not.toContain("loci.formats.in.ZipReader");
    expect(names).not.toContain("loci.formats.in.ZarrReader"); // external, not in ome/bioformats
    expect(names).toContain("loci.formats.in.SlideBook7Reader"); // external but shipped
    expect(names[0]).toBe("loci.formats.in.FilePatternReader");
    const orders = cat.readers.map((r) => r.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(allReaders()).toHaveLength(177);
    const ics = cat.readers.find((r) => r.className.endsWith(".ICSReader"))!;
    expect(ics).toMatchObject({ suffixes: ["ics", "ids"], enabledByDefault: true, defaultOrder: 102 });
  });

  it("returns a copy callers may change", () => {
    defaultCatalogue().readers.length = 0;
    expect(defaultCatalogue().readers.length).toBeGreaterThan(100);
  });
});

describe("parseReadersFile", () => {
  it("skips comments and blank lines and keeps the file's order", () => {
    const text = [
      "# site readers",
      "",
      "loci.formats.in.TiffDelegateReader   # plain TIFF first",
      "   ",
      "ICSReader",
      "loci.formats.in.ZarrReader[type=external]",
      "com.example.MissingReader [type=external]  # skipped like Bio-Formats does",
      "loci.formats.in.ICSReader # duplicate keeps first position",
    ].join("\r\n");
    const cat = parseReadersFile(text, "/etc/readers.txt");
    expect(cat.source).toBe("/etc/readers.txt");
    expect(cat.readers.map((r) => [r.className, r.order])).toEqual([
      ["loci.formats.in.TiffDelegateReader", 1],
      ["loci.formats.in.ICSReader", 2],
      ["loci.formats.in.ZarrReader", 3],
    ]);
  });

  it("names file and line of an unknown class", () => {
    const text = "# header\nloci.formats.in.FakeReader\n\nloci.formats.in.NoSuchReader\n";
    let err: unknown;
    try {
      parseReadersFile(text, "readers.txt");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReadersFileError);
    expect(err).toMatchObject({ code: "READERS_FILE_UNKNOWN_READER", file: "readers.txt", line: 4 });
    expect((err as Error).message).toMatch(/readers\.txt:4: unknown reader class "loci\.formats\.in\.NoSuchReader"/);
  });

  it("rejects a line that is not a class name", () => {
    expect(() => parseReadersFile("FakeReader\nnot a class\n", "r.txt")).toThrow(
      expect.objectContaining({ code: "READERS_FILE_UNKNOWN_READER", line: 2 }),
    );
  });

  it("gives an empty catalogue for a file of comments", () => {
    expect(parseReadersFile("# nothing\n", "r.txt").readers).toEqual([]);
  });
});
