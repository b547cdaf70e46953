import { makeTiff } from "../__fixtures__/make-tiff";
import type { FilesetPlan } from "../types";
import { checkFilesetStructure, checkStructure } from "./check";

const P = "loci.formats.in.";
const reader = (b: Buffer) => (o: number, l: number) => b.subarray(o, o + l);
const check = (path: string, b: Buffer) => checkStructure(path, b.length, reader(b));
const cut = (b: Buffer, n: number) => b.subarray(0, n);

const omeXml = (planes: { file?: string; ifd?: number; count?: number; z?: number }[], sizeZ: number) =>
  `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" UUID="urn:uuid:self"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" SizeX="4" SizeY="4" SizeZ="${sizeZ}" SizeC="1" SizeT="1" Type="uint8"><Channel ID="Channel:0:0" SamplesPerPixel="1"/>${planes
    .map(
      (p) =>
        `<TiffData${p.ifd === undefined ? "" : ` IFD="${p.ifd}"`}${p.count === undefined ? "" : ` PlaneCount="${p.count}"`}${p.z === undefined ? "" : ` FirstZ="${p.z}"`}>${p.file ? `<UUID FileName="${p.file}">urn:uuid:${p.file}</UUID>` : ""}</TiffData>`,
    )
    .join("")}</Pixels></Image></OME>`;

function plan(reader: string, entry: string, files: string[]): FilesetPlan {
  return { key: entry, reader: `${P}${reader}`, entry, files, missing: [], reasons: [] };
}

function opener(files: Record<string, Buffer>) {
  return async (p: string) => (files[p] ? { size: files[p]!.length, read: reader(files[p]!) } : null);
}

describe("TIFF / BigTIFF", () => {
  const tiff = makeTiff({
    ifds: [
      { width: 4, height: 4, strips: [16] },
      { width: 4, height: 4, strips: [10, 6] },
    ],
  });

  it("is complete when every IFD and strip lies inside the file", async () => {
    expect(await check("/d/a.tif", tiff)).toEqual({ state: "complete" });
    for (const le of [true, false]) {
      const big = makeTiff({
        bigTiff: true,
        littleEndian: le,
        ifds: [
          { width: 4, height: 4, strips: [16] },
          { width: 4, height: 4, strips: [16] },
        ],
      });
      expect(await check("/d/a.btf", big)).toEqual({ state: "complete" });
      expect((await check("/d/a.btf", cut(big, big.length - 1))).state).toBe("incomplete");
    }
  });

  it("names the strip that ends past the end of a truncated copy", async () => {
    const r = await check("/d/a.tif", cut(tiff, tiff.length - 3));
    expect(r).toEqual({
      state: "incomplete",
      reason: `TIFF truncated: strip 1 of IFD 1 ends at byte ${tiff.length} of ${tiff.length - 3}`,
    });
  });

  it("names an IFD that lies beyond the end", async () => {
    const first = makeTiff({ ifds: [{ width: 4, height: 4, strips: [16] }] }).length;
    const r = await check("/d/a.tif", cut(tiff, first));
    expect(r).toEqual({
      state: "incomplete",
      reason: `TIFF truncated: IFD 1 at byte ${first} lies beyond the end (${first} bytes)`,
    });
  });

  it("reports an IFD of zeros (pre-allocated, not written yet)", async () => {
    const b = Buffer.concat([
      makeTiff({
        ifds: [
          { width: 4, height: 4, strips: [4] },
          { width: 4, height: 4 },
        ],
      }),
    ]);
    const first = makeTiff({ ifds: [{ width: 4, height: 4, strips: [4] }] }).length;
    b.fill(0, first);
    expect(await check("/d/a.tif", b)).toMatchObject({
      state: "incomplete",
      reason: expect.stringMatching(/IFD 1 .* has no entries/),
    });
  });

  it("proves nothing about a classic TIFF past 4 GiB (LSM/NDPI wrap their 32-bit offsets)", async () => {
    const b = makeTiff({
      ifds: [
        { width: 4, height: 4, strips: [4] },
        { width: 4, height: 4 },
      ],
    });
    const first = makeTiff({ ifds: [{ width: 4, height: 4, strips: [4] }] }).length;
    b.fill(0, first);
    const read = (o: number, l: number) => Buffer.concat([b.subarray(o, o + l), Buffer.alloc(l)]).subarray(0, l);
    expect(await checkStructure("/d/a.lsm", 5 * 2 ** 30, read)).toEqual({ state: "unknown" });
    expect((await checkStructure("/d/a.lsm", b.length, read)).state).toBe("incomplete");
  });

  it("a file that shrinks while being checked is incomplete", async () => {
    const b = makeTiff({ ifds: [{ width: 4, height: 4, strips: [16] }] });
    expect(await checkStructure("/d/a.tif", b.length + 100, reader(b))).toEqual({
      state: "incomplete",
      reason: `file changed while being checked (it ends at byte ${b.length}, before its size)`,
    });
  });

  it("checks a single-file OME-TIFF's own planes against its OME-XML", async () => {
    const desc = omeXml([{}], 3);
    const whole = makeTiff({
      ifds: [
        { width: 4, height: 4, description: desc, strips: [16] },
        { width: 4, height: 4, strips: [16] },
        { width: 4, height: 4, strips: [16] },
      ],
    });
    expect(await check("/d/x.ome.tif", whole)).toEqual({ state: "complete" });
    // The writer has not appended the last plane yet: the chain ends after 2 IFDs, the XML says 3.
    const two = makeTiff({
      ifds: [
        { width: 4, height: 4, description: desc, strips: [16] },
        { width: 4, height: 4, strips: [16] },
      ],
    });
    expect(await check("/d/x.ome.tif", two)).toEqual({
      state: "incomplete",
      reason: "OME-TIFF incomplete: the OME-XML puts a plane in IFD 2 of x.ome.tif, which has 2 IFDs",
    });
  });

  it("leaves other bytes unknown", async () => {
    expect(await check("/d/a.lsm.txt", Buffer.from("not modelled"))).toEqual({ state: "unknown" });
    expect(await check("/d/a.tif", Buffer.alloc(0))).toEqual({ state: "incomplete", reason: "empty file (0 bytes)" });
    expect(await check("/d/a.xyz", Buffer.alloc(0))).toEqual({ state: "incomplete", reason: "empty file (0 bytes)" });
    // FakeReader's files are empty by design.
    expect(await check("/d/a&sizeZ=3.fake", Buffer.alloc(0))).toEqual({ state: "complete" });
  });
});

describe("header formats", () => {
  function dv(le: boolean, x: number, y: number, n: number, mode: number, ext: number): Buffer {
    const h = Buffer.alloc(1024);
    const w = (o: number, v: number) => (le ? h.writeInt32LE(v, o) : h.writeInt32BE(v, o));
    w(0, x);
    w(4, y);
    w(8, n);
    w(12, mode);
    w(92, ext);
    le ? h.writeInt16LE(-16224, 96) : h.writeInt16BE(-16224, 96);
    return h;
  }

  it("DeltaVision: 1024 + extended header + x*y*sections*bytes", async () => {
    for (const le of [true, false]) {
      const b = Buffer.concat([dv(le, 4, 4, 3, 6, 64), Buffer.alloc(64 + 4 * 4 * 3 * 2)]);
      expect(await check("/d/a.dv", b)).toEqual({ state: "complete" });
      expect(await check("/d/a.r3d", cut(b, b.length - 1))).toEqual({
        state: "incomplete",
        reason: `DeltaVision truncated: the header declares data up to byte ${b.length}, the file has ${b.length - 1}`,
      });
    }
    expect((await check("/d/a.dv", Buffer.alloc(100))).state).toBe("incomplete");
  });

  const ics = (version: string, extra = "") =>
    Buffer.from(
      `\t\n${version}\nfilename\tx\nlayout\tparameters\t4\nlayout\torder\tbits\tx\ty\tz\nlayout\tsizes\t16\t4\t4\t2\nrepresentation\tformat\tinteger\n${extra}end\n`,
      "latin1",
    );

  it("ICS 2: the data (dims x bits) follows the end line", async () => {
    const h = ics("ics_version\t2.0");
    const b = Buffer.concat([h, Buffer.alloc(4 * 4 * 2 * 2)]);
    expect(await check("/d/a.ics", b)).toEqual({ state: "complete" });
    expect(await check("/d/a.ics", cut(b, b.length - 2))).toMatchObject({ state: "incomplete" });
    expect(await check("/d/a.ics", cut(h, h.length - 4))).toMatchObject({
      reason: expect.stringMatching(/no "end" line/),
    });
    const gz = ics("ics_version\t2.0", "representation\tcompression\tgzip\n");
    expect(await check("/d/a.ics", Buffer.concat([gz, Buffer.alloc(3)]))).toEqual({ state: "complete" });
  });

  it("ICS 1: the .ids holds dims x bits (a fileset rule)", async () => {
    const h = ics("ics_version\t1.0");
    expect(await check("/d/a.ics", h)).toEqual({ state: "complete" });
    const p = plan("ICSReader", "/d/a.ics", ["/d/a.ics", "/d/a.ids"]);
    expect(await checkFilesetStructure(p, opener({ "/d/a.ics": h, "/d/a.ids": Buffer.alloc(64) }))).toEqual([]);
    expect(await checkFilesetStructure(p, opener({ "/d/a.ics": h, "/d/a.ids": Buffer.alloc(40) }))).toEqual([
      { path: "/d/a.ids", reason: "ICS truncated: a.ics declares 64 data bytes, a.ids has 40" },
    ]);
  });

  function nifti(magic: string, dims: number[], bitpix: number, vox: number, le = true): Buffer {
    const h = Buffer.alloc(magic === "n+1" ? 352 : 348);
    le ? h.writeInt32LE(348, 0) : h.writeInt32BE(348, 0);
    const s = (o: number, v: number) => (le ? h.writeInt16LE(v, o) : h.writeInt16BE(v, o));
    s(40, dims.length);
    for (const [i, d] of dims.entries()) s(42 + 2 * i, d);
    s(72, bitpix);
    le ? h.writeFloatLE(vox, 108) : h.writeFloatBE(vox, 108);
    h.write(magic, 344, "latin1");
    return h;
  }

  it("NIfTI .nii: vox_offset + dims x bitpix", async () => {
    for (const le of [true, false]) {
      const b = Buffer.concat([nifti("n+1", [4, 4, 2], 16, 352, le), Buffer.alloc(64)]);
      expect(await check("/d/a.nii", b)).toEqual({ state: "complete" });
      expect(await check("/d/a.nii", cut(b, b.length - 1))).toMatchObject({ state: "incomplete" });
    }
    expect(await check("/d/a.nii", Buffer.alloc(200))).toMatchObject({
      reason: expect.stringMatching(/348-byte header/),
    });
  });

  it("Analyze / NIfTI pair: the .img holds dims x bitpix", async () => {
    const hdr = nifti("\0\0\0", [4, 4], 8, 0);
    expect(await check("/d/a.hdr", hdr)).toEqual({ state: "complete" });
    const p = plan("AnalyzeReader", "/d/a.hdr", ["/d/a.hdr", "/d/a.img"]);
    expect(await checkFilesetStructure(p, opener({ "/d/a.hdr": hdr, "/d/a.img": Buffer.alloc(16) }))).toEqual([]);
    expect(await checkFilesetStructure(p, opener({ "/d/a.hdr": hdr, "/d/a.img": Buffer.alloc(15) }))).toEqual([
      { path: "/d/a.img", reason: "Analyze/NIfTI truncated: a.hdr declares 16 bytes of pixel data, a.img has 15" },
    ]);
  });

  it("HDF5: the superblock's end-of-file address", async () => {
    const sb = Buffer.alloc(48);
    sb.write("\x89HDF\r\n\x1a\n", 0, "latin1");
    sb[8] = 2; // superblock version 2
    sb[9] = 8;
    sb[10] = 8;
    sb.writeBigUInt64LE(0n, 12);
    sb.writeBigUInt64LE(0xffffffffffffffffn, 20);
    sb.writeBigUInt64LE(100n, 28);
    const b = Buffer.concat([sb, Buffer.alloc(52)]);
    expect(await check("/d/a.ims", b)).toEqual({ state: "complete" });
    expect(await check("/d/a.h5", cut(b, 99))).toMatchObject({ reason: expect.stringMatching(/^HDF5 truncated/) });
  });

  it("PNG: ends with IEND", async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(13),
      Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]),
    ]);
    expect(await check("/d/a.png", png)).toEqual({ state: "complete" });
    expect(await check("/d/a.png", cut(png, png.length - 4))).toMatchObject({ state: "incomplete" });
  });
});

describe("OME-TIFF across files", () => {
  const tif = (n: number, description?: string) =>
    makeTiff({
      ifds: Array.from({ length: n }, (_, i) => ({
        width: 4,
        height: 4,
        strips: [16],
        description: i === 0 ? description : undefined,
      })),
    });

  it("every plane the companion's TiffData names is an IFD of the named file", async () => {
    const xml = omeXml(
      [
        { file: "a.ome.tif", ifd: 0, count: 2, z: 0 },
        { file: "b.ome.tif", ifd: 0, count: 2, z: 2 },
      ],
      4,
    );
    const p = plan("OMETiffReader", "/d/x.companion.ome", ["/d/x.companion.ome", "/d/a.ome.tif", "/d/b.ome.tif"]);
    const files = { "/d/x.companion.ome": Buffer.from(xml), "/d/a.ome.tif": tif(2), "/d/b.ome.tif": tif(1) };
    expect(await checkFilesetStructure(p, opener(files))).toEqual([
      {
        path: "/d/b.ome.tif",
        reason:
          "OME-TIFF incomplete: the OME-XML puts a plane in IFD 1 of b.ome.tif (named in x.companion.ome), which has 1 IFD",
      },
    ]);
    expect(await checkFilesetStructure(p, opener({ ...files, "/d/b.ome.tif": tif(2) }))).toEqual([]);
  });

  it("a multi-file OME-TIFF entry: TiffData without PlaneCount fills down the remaining planes", async () => {
    const xml = omeXml([{ file: "a.ome.tif" }, { file: "b.ome.tif", z: 2 }], 5);
    const p = plan("OMETiffReader", "/d/a.ome.tif", ["/d/a.ome.tif", "/d/b.ome.tif"]);
    // a.ome.tif: planes 0-1 (filled down until b's TiffData); b.ome.tif: planes 2-4, IFDs 0-2.
    const ok = { "/d/a.ome.tif": tif(2, xml), "/d/b.ome.tif": tif(3) };
    expect(await checkFilesetStructure(p, opener(ok))).toEqual([]);
    const short = await checkFilesetStructure(p, opener({ ...ok, "/d/b.ome.tif": tif(2) }));
    expect(short.map((s) => s.path)).toEqual(["/d/b.ome.tif"]);
    // Absent files are the plan's `missing`, not a structure problem.
    expect(await checkFilesetStructure(p, opener({ "/d/a.ome.tif": tif(2, xml) }))).toEqual([]);
  });
});
