import { makeTiff, readablePlane } from "../__fixtures__/make-tiff";
import { defaultCatalogue } from "../catalogue";
import type { CandidateFile } from "../types";
import {
  corruptTiff,
  cziRefusal,
  deltavisionRefusal,
  nd2Refusal,
  TEXT_TABLE_MIN_BYTES,
  textTableRefusal,
} from "./content-checks";
import { groupFilesets } from "./group";

const probed = (path: string, content: Buffer | string, extra: Partial<CandidateFile["probe"]> = {}): CandidateFile => {
  const head = typeof content === "string" ? Buffer.from(content, "latin1") : content;
  return { path, size: head.length, probe: { head, ...extra } };
};

/** A table TextReader reads: a first line it skips, the header, numeric rows; padded past 8192 bytes. */
function table(
  header: string,
  row = (i: number) => `${i % 4}\t${Math.floor(i / 4)}\t${i}`,
  first = "Exported\n",
): string {
  let t = `${first}${header}\n`;
  for (let i = 0; t.length < TEXT_TABLE_MIN_BYTES + 100; i++) t += `${row(i)}\n`;
  return t;
}

describe("TextReader's table rules (TextReader.isThisType)", () => {
  it("takes a table of at least 8192 bytes with x and y columns after its first line", () => {
    expect(textTableRefusal(probed("/d/map.txt", table("x\ty\tvalue")))).toBeNull();
    expect(
      textTableRefusal(
        probed(
          "/d/map.csv",
          table("x,y,a,b", (i) => `${i % 4},${i >> 2},1,2`),
        ),
      ),
    ).toBeNull();
  });

  it("refuses small files, ImageJ results, tables without x/y, a header on the first line, negative coordinates", () => {
    expect(textTableRefusal(probed("/d/Results.csv", " ,Area,Mean,X,Y\n1,2,3,4,5\n"))).toMatch(/^it is 26 bytes/);
    expect(
      textTableRefusal(
        probed(
          "/d/Results.txt",
          table(" \tArea\tMean\tX\tY", (i) => `${i}\t1\t2\t3\t4`),
        ),
      ),
    ).toMatch(/has no x column/);
    expect(textTableRefusal(probed("/d/v.txt", table("a\tb\tc")))).toMatch(/has no x column/);
    expect(textTableRefusal(probed("/d/bare.txt", table("x\ty\tvalue", undefined, "")))).toMatch(
      /header \(0 0 0\) has no x/,
    );
    expect(
      textTableRefusal(
        probed(
          "/d/neg.txt",
          table("x\ty\tv", (i) => `${i === 9 ? -3 : 1}\t1\t1`),
        ),
      ),
    ).toMatch(/negative x or y/);
    expect(textTableRefusal(probed("/d/notes.txt", "Stained with DAPI.\n".repeat(600)))).toMatch(/no table/);
  });

  it("through groupFilesets: a results table is ignored with the reason, never a fileset", () => {
    const res = groupFilesets(
      [probed("/d/Results.csv", " ,Area,Mean\n1,2,3\n"), probed("/d/map.txt", table("x\ty\tv"))],
      defaultCatalogue(),
    );
    expect(res.filesets.map((f) => [f.entry, f.reader])).toEqual([["/d/map.txt", "loci.formats.in.TextReader"]]);
    expect(res.ignored).toEqual([
      {
        path: "/d/Results.csv",
        reason:
          "not an image Bio-Formats opens: it is 18 bytes, and TextReader reads only tables of at least 8192 bytes (TextReader)",
      },
    ]);
  });
});

describe("magic numbers", () => {
  const dvHeader = (o: { big?: boolean; magic?: number; x?: number; map?: boolean } = {}) => {
    const b = Buffer.alloc(1024 + 16);
    const int = (v: number, at: number) => (o.big ? b.writeInt32BE(v, at) : b.writeInt32LE(v, at));
    int(o.x ?? 4, 0);
    int(4, 4);
    int(1, 8);
    b.writeUInt16LE(o.magic ?? (o.big ? 0xa0c0 : 0xc0a0), 96);
    if (o.map) b.write("MAP ", 208, "latin1");
    return b;
  };

  it("DeltaVision: magic at 96 (either byte order), not TIFF, not an MRC map, room for a plane", () => {
    expect(deltavisionRefusal(probed("/d/a.dv", dvHeader()))).toBeNull();
    expect(deltavisionRefusal(probed("/d/a.dv", dvHeader({ big: true })))).toBeNull();
    expect(deltavisionRefusal(probed("/d/a.dv", dvHeader({ magic: 0 })))).toMatch(/no DeltaVision magic/);
    expect(deltavisionRefusal(probed("/d/a.dv", dvHeader({ map: true })))).toMatch(/MRC map/);
    expect(deltavisionRefusal(probed("/d/a.dv", dvHeader({ x: 4000 })))).toMatch(/less than a header and one/);
    expect(deltavisionRefusal(probed("/d/a.dv", "not a DV file\n".repeat(20)))).toMatch(/no DeltaVision magic/);
  });

  it("ND2 and CZI", () => {
    const nd2 = Buffer.alloc(64);
    nd2.writeUInt32BE(0xdacebe0a, 0);
    expect(nd2Refusal(probed("/d/a.nd2", nd2))).toBeNull();
    expect(nd2Refusal(probed("/d/a.nd2", "not an ND2 file at all"))).toMatch(/ND2 magic/);
    const czi = Buffer.alloc(512);
    czi.write("ZISRAWFILE", 0, "latin1");
    expect(cziRefusal(probed("/d/a.czi", czi))).toBeNull();
    expect(cziRefusal(probed("/d/a.czi", "ZISRAWFILE\0\0\0\0"))).toMatch(/cut: 14 bytes/);
    czi.writeBigInt64LE(4096n, 92);
    expect(cziRefusal(probed("/d/a.czi", czi))).toMatch(/metadata at byte 4096/);
    const cut = Buffer.alloc(64);
    cut.writeUInt32LE(0x0abeceda, 0);
    cut.writeUInt32LE(32, 4);
    cut.writeBigUInt64LE(4096n, 8);
    expect(nd2Refusal(probed("/d/a.nd2", cut))).toMatch(/cut: 64 bytes/);
    expect(cziRefusal(probed("/d/a.czi", "a text file"))).toMatch(/ZISRAWFILE/);
  });

  it("through groupFilesets: a .dv or .nd2 with wrong content is ignored with why; without a probe the name decides", () => {
    const cat = defaultCatalogue();
    const res = groupFilesets(
      [probed("/d/notes.dv", "text\n".repeat(60)), probed("/d/x.nd2", "text\n".repeat(9))],
      cat,
    );
    expect(res.filesets).toEqual([]);
    expect(res.ignored.map((i) => i.reason)).toEqual([
      "not an image Bio-Formats opens: it has no DeltaVision magic number at byte 96 (DeltavisionReader)",
      "not an image Bio-Formats opens: it does not start with the ND2 magic number (ND2Reader refuses it) (ND2Reader)",
    ]);
    const unprobed = groupFilesets([{ path: "/d/a.dv", size: 5000 }], cat);
    expect(unprobed.filesets.map((f) => f.reader)).toEqual(["loci.formats.in.DeltavisionReader"]);
  });
});

describe("corrupt TIFFs (TiffParser: Invalid TIFF file, unreadable first IFD)", () => {
  const good = makeTiff({ ifds: [{ width: 4, height: 4, ...readablePlane(4, 4) }] });
  it("says why, and groupFilesets ignores them instead of queueing them", () => {
    expect(corruptTiff(probed("/d/a.tif", good, { tiffDescription: null, tiffTags: [256] }))).toBeNull();
    expect(corruptTiff({ path: "/d/e.tif", size: 0, probe: { head: Buffer.alloc(0) } })).toBe("it is empty");
    expect(corruptTiff(probed("/d/t.tif", "just text"))).toBe("it does not start with a TIFF header");
    expect(corruptTiff(probed("/d/c.tif", good.subarray(0, 12), { tiffDescription: null }))).toMatch(/first IFD/);
    const res = groupFilesets(
      [probed("/d/t.ome.tif", "just text"), probed("/d/c.tif", good.subarray(0, 12))],
      defaultCatalogue(),
    );
    expect(res.filesets).toEqual([]);
    expect(res.ignored.map((i) => i.reason)).toEqual([
      "corrupt: c.tif is named like a TIFF but its first IFD cannot be read (truncated or corrupt); Bio-Formats cannot open it (the import would fail)",
      "corrupt: t.ome.tif is named like a TIFF but it does not start with a TIFF header; Bio-Formats cannot open it (the import would fail)",
    ]);
  });
});
