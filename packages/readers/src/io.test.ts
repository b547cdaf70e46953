import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTiff } from "./__fixtures__/make-tiff";
import { groupFilesets, LIST_WHOLE_FILE_MAX_BYTES, wholeFileMax } from "./grouping";
import { HEADER_BYTES } from "./types";
import { defaultCatalogue } from "./catalogue";
import { loadReadersFile, probeFile, readTiffFileImages } from "./io";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "omero-fs-readers-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadReadersFile", () => {
  it("reads and parses a readers file", () => {
    const p = join(dir, "readers.txt");
    writeFileSync(p, "# only fakes\nloci.formats.in.FakeReader\n");
    expect(loadReadersFile(p)).toMatchObject({ source: p, readers: [{ className: "loci.formats.in.FakeReader" }] });
  });

  it("reports a missing file as READERS_FILE_MISSING", () => {
    const p = join(dir, "nope.txt");
    expect(() => loadReadersFile(p)).toThrow(
      expect.objectContaining({ code: "READERS_FILE_MISSING", file: p, line: null }),
    );
  });
});

describe("probeFile", () => {
  it("follows the first IFD to an ImageDescription beyond HEADER_BYTES", async () => {
    const xml = '<OME xmlns="x"><Image ID="Image:0" Name="n"><Pixels SizeX="4" SizeY="4" Type="uint8"/></Image></OME>';
    const p = join(dir, "far.tif");
    writeFileSync(p, makeTiff({ padding: HEADER_BYTES * 2, ifds: [{ width: 4, height: 4, description: xml }] }));
    const probe = await probeFile(p);
    expect(probe.head).toHaveLength(HEADER_BYTES);
    expect(probe.tiffDescription).toBe(xml);
    const res = groupFilesets([{ path: p, size: HEADER_BYTES * 3, probe }], defaultCatalogue());
    expect(res.filesets[0]!.reader).toBe("loci.formats.in.OMETiffReader");
    expect(await readTiffFileImages(p)).toEqual([
      { name: "n", sizeX: 4, sizeY: 4, sizeZ: 1, sizeC: 1, sizeT: 1, pixelType: "uint8" },
    ]);
  });

  it("reads a small companion file whole and leaves non-TIFFs without a description", async () => {
    const p = join(dir, "set.companion.ome");
    writeFileSync(p, `<OME>${" ".repeat(HEADER_BYTES)}</OME>`);
    const probe = await probeFile(p);
    expect(probe.head!.length).toBe(HEADER_BYTES + 11);
    expect(probe.tiffDescription).toBeUndefined();
  });

  it("gives a corrupt TIFF a null description instead of failing", async () => {
    const p = join(dir, "bad.tif");
    writeFileSync(p, Buffer.from([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0]));
    expect((await probeFile(p)).tiffDescription).toBeNull();
  });

  it("probes an empty file", async () => {
    const p = join(dir, "empty.fake");
    writeFileSync(p, "");
    expect((await probeFile(p)).head).toHaveLength(0);
  });
});

describe("probeFile tiffTags", () => {
  it("lists the first IFD's tag numbers (51123: a Micro-Manager TIFF, held for its metadata.txt)", async () => {
    const p = join(dir, "img_000000000_DAPI_000.tif");
    writeFileSync(p, makeTiff({ ifds: [{ width: 4, height: 4, extraTags: [51123], strips: [16] }] }));
    const probe = await probeFile(p);
    expect(probe.tiffTags).toEqual([256, 257, 258, 273, 277, 279, 51123]);
    const res = groupFilesets([{ path: p, size: 100, probe }], defaultCatalogue());
    expect(res.filesets[0]!.hold).toMatch(/tag 51123/);
    const q = join(dir, "not-a-tiff.tif");
    writeFileSync(q, "hello");
    expect((await probeFile(q)).tiffTags).toBeUndefined();
  });

  it("reads the Software tag (MIASReader's test) as tiffSoftware, absent without the tag", async () => {
    const p = join(dir, "mode1_z001_t001_im1_1.tif");
    writeFileSync(p, makeTiff({ ifds: [{ width: 4, height: 4, software: "eaZYX 2.1" }] }));
    expect(await probeFile(p)).toMatchObject({ tiffSoftware: "eaZYX 2.1" });
    const q = join(dir, "plain.tif");
    writeFileSync(q, makeTiff({ ifds: [{ width: 4, height: 4 }] }));
    expect((await probeFile(q)).tiffSoftware).toBeUndefined();
  });

  it("reads listing documents whole beyond 1 MiB (an .xlif naming thousands of frames)", async () => {
    const frames = Array.from({ length: 40000 }, (_, i) => `<Frame File="tiles/tile_${i}.tif" />`).join("");
    const p = join(dir, "Scan.xlif");
    writeFileSync(
      p,
      `<LMSDataContainerHeader><Element Name="Scan"><Memory>${frames}</Memory></Element></LMSDataContainerHeader>`,
    );
    expect(wholeFileMax(p)).toBe(LIST_WHOLE_FILE_MAX_BYTES);
    const probe = await probeFile(p);
    expect(probe.head!.length).toBeGreaterThan(1024 * 1024);
    expect(wholeFileMax(join(dir, "x.tif"))).toBe(0);
  });
});
