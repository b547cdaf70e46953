/**
 * Structure checks of the vendor formats on literal files (__fixtures__/make.ts), whole and cut
 * where an interrupted copy leaves them (10 %, 50 %, 90 %, one byte short).
 */
import {
  makeCzi,
  makeDm,
  makeEts,
  makeFli,
  makeLif,
  makeMrc,
  makeNd2,
  makeObf,
  makeOir,
  makeOle,
} from "./__fixtures__/make";
import { checkStructure } from "./check";
import { dataBytes } from "./dm";

const companion = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- written by a test -->\n<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="4" SizeY="4" SizeZ="2" SizeC="1" SizeT="1"><TiffData FirstZ="0" IFD="0" PlaneCount="1"><UUID FileName="a.ome.tif">urn:uuid:a</UUID></TiffData><TiffData FirstZ="1" IFD="0" PlaneCount="1"><UUID FileName="b.ome.tif">urn:uuid:b</UUID></TiffData></Pixels></Image></OME>`;
const mmJson = JSON.stringify({ Summary: { MicroManagerVersion: "2.0" }, "FrameKey-0-0-0": { FileName: "img_0.tif" } });
const nd = '"NDInfoFile", Version 1.0\r\n"DoTimelapse", FALSE\r\n"NStagePositions", 0\r\n"EndFile"';
const ndpis = "[NanoZoomerDigitalPathologyImageSet]\r\nNoImages=3\r\nImage0=a.ndpi\r\nImage1=b.ndpi\r\nImage2=c.ndpi";
const reader = (b: Buffer) => (o: number, l: number) => b.subarray(o, o + l);
const check = (path: string, b: Buffer) => checkStructure(path, b.length, reader(b));
const cuts = (b: Buffer) => [0.1, 0.5, 0.9].map((f) => Math.floor(b.length * f)).concat([b.length - 1]);

const cases: [string, string, () => Buffer, RegExp][] = [
  ["ND2", "/d/a.nd2", () => makeNd2(), /^ND2 (truncated|incomplete)/],
  ["CZI", "/d/a.czi", () => makeCzi(), /^CZI (truncated|incomplete)/],
  ["LIF v2", "/d/a.lif", () => makeLif(3, 4096, 2), /^LIF (truncated|incomplete)/],
  ["LIF v1", "/d/a.lif", () => makeLif(2, 4096, 1), /^LIF (truncated|incomplete)/],
  ["ZVI / OIB (OLE 2)", "/d/a.zvi", () => makeOle(), /^OLE compound file (truncated|incomplete)/],
  ["DM3", "/d/a.dm3", () => makeDm(3), /^DM3 truncated/],
  ["DM4", "/d/a.dm4", () => makeDm(4), /^DM4 truncated/],
  ["OIR", "/d/a.oir", () => makeOir(), /^OIR truncated/],
  ["OIR part", "/d/a_00001", () => makeOir(), /^OIR truncated/],
  ["ETS", "/d/_a_/stack1/frame_t.ets", () => makeEts(), /^ETS (truncated|incomplete)/],
  ["OBF", "/d/a.obf", () => makeObf(), /^OBF (truncated|incomplete)/],
  ["FLI", "/d/a.fli", () => makeFli(), /^FLI truncated/],
  ["MRC", "/d/a.mrc", () => makeMrc(8, 8, 2, 64), /^MRC truncated/],
  ["companion OME-XML", "/d/a.companion.ome", () => Buffer.from(companion), /^XML incomplete/],
  [
    "Micro-Manager metadata.txt",
    "/d/metadata.txt",
    () => Buffer.from(mmJson),
    /^Micro-Manager metadata.txt incomplete/,
  ],
  ["MetaMorph .nd", "/d/a.nd", () => Buffer.from(nd), /^MetaMorph .nd incomplete/],
  ["NDPIS", "/d/a.ndpis", () => Buffer.from(ndpis), /^NDPIS incomplete/],
];

describe.each(cases)("%s", (_name, path, make, reason) => {
  const whole = make();

  it("is complete whole", async () => {
    expect(await check(path, whole)).toEqual({ state: "complete" });
  });

  it.each(cuts(whole))("is incomplete cut at %i bytes", async (n) => {
    expect(await check(path, whole.subarray(0, n))).toMatchObject({ state: "incomplete", reason });
  });

  it("is incomplete when empty", async () => {
    expect(await check(path, Buffer.alloc(0))).toEqual({ state: "incomplete", reason: "empty file (0 bytes)" });
  });
});

describe("ND2", () => {
  it("names the missing chunk map of a file still being appended", async () => {
    const b = makeNd2(4, 1000);
    const half = b.subarray(0, 2500);
    expect(await check("/d/a.nd2", half)).toEqual({
      state: "incomplete",
      reason: expect.stringContaining("no chunk map at its end"),
    });
  });

  it("finds chunks a copy has not written yet (zeros where the map says a chunk is)", async () => {
    const b = Buffer.from(makeNd2(40, 512));
    b.fill(0, 2000, 12000);
    expect((await check("/d/a.nd2", b)).state).toBe("incomplete");
  });

  it("proves nothing when the map is not the kind ND2Reader trusts (image count does not match)", async () => {
    const b = Buffer.from(makeNd2(3, 64));
    // Rename ImageDataSeq|1! to ImageDataSeq|7! in the map (the chunk itself keeps its name).
    const at = b.lastIndexOf(Buffer.from("ImageDataSeq|1!", "latin1"));
    b.write("7", at + 13, "latin1");
    expect(await check("/d/a.nd2", b)).toEqual({ state: "unknown" });
  });
});

describe("CZI", () => {
  it("an unfinished CZI has no subblock directory yet", async () => {
    const b = Buffer.from(makeCzi());
    b.writeBigInt64LE(0n, 84);
    expect(await check("/d/a.czi", b)).toEqual({
      state: "incomplete",
      reason: "CZI incomplete: no subblock directory yet (ZEN writes it when the acquisition ends)",
    });
    // A split part may have none of its own.
    expect(await check("/d/a (1).czi", b)).toEqual({ state: "unknown" });
  });
});

describe("LIF", () => {
  it("a memory block its XML names but the file lacks is missing, also with a zero tail", async () => {
    const b = makeLif(3, 1024, 2);
    const two = makeLif(3, 1024, 2).subarray(0, b.length - (1024 + 4 + 4 + 1 + 8 + 1 + 4 + 24));
    const padded = Buffer.concat([two, Buffer.alloc(64)]);
    expect(await check("/d/a.lif", padded)).toEqual({
      state: "incomplete",
      reason: "LIF incomplete: memory block MemBlock_12 (named in its XML) is not in the file",
    });
  });
});

describe("XML indexes", () => {
  it("an empty root element closes the document; an unclosed one is cut", async () => {
    const empty = Buffer.from('<?xml version="1.0"?><AssayLayout xmlns="http://www.perkinelmer.com/PEHH/HarmonyV5"/>');
    expect(await check("/d/Plate1.xml", empty)).toEqual({ state: "complete" });
    expect(await check("/d/Plate1.xml", Buffer.from('<?xml version="1.0"?><AssayLayout a="b/>">'))).toMatchObject({
      state: "incomplete",
      reason: "XML incomplete: it does not end with </AssayLayout> (42 bytes)",
    });
  });
});

describe("DM3/DM4 data sizes", () => {
  it("sizes simple, string, struct and array tags", () => {
    expect(dataBytes([3])).toBe(4);
    expect(dataBytes([18, 5])).toBe(10);
    expect(dataBytes([15, 0, 2, 0, 6, 0, 7])).toBe(12);
    expect(dataBytes([20, 4, 100])).toBe(200);
    expect(dataBytes([20, 15, 0, 2, 0, 3, 0, 3, 7])).toBe(56);
    expect(dataBytes([99])).toBeNull();
  });
});

describe("unknown stays unknown", () => {
  it("a format with no structure check, and bytes that are not what their magic says", async () => {
    expect(await check("/d/a.lsm.txt", Buffer.from("text"))).toEqual({ state: "unknown" });
    expect(await check("/d/a.dm3", Buffer.alloc(64, 1))).toEqual({ state: "unknown" });
  });
});
