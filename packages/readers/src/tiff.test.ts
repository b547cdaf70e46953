import { makeTiff } from "./__fixtures__/make-tiff";
import { parseTiffHeader, readTiffDescription, readTiffImages, TiffError } from "./tiff";

const OME_XML = `<?xml version="1.0" encoding="UTF-8"?>
<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" UUID="urn:uuid:1">
  <Image ID="Image:0" Name="first &amp; best">
    <Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint16" SizeX="64" SizeY="32" SizeZ="3" SizeC="2" SizeT="4">
      <TiffData IFD="0" PlaneCount="24"><UUID FileName="a.ome.tif">urn:uuid:1</UUID></TiffData>
    </Pixels>
  </Image>
  <Image ID="Image:1" Name="second">
    <Pixels ID="Pixels:1" DimensionOrder="XYZCT" Type="float" SizeX="8" SizeY="8" SizeZ="1" SizeC="1" SizeT="1"/>
  </Image>
</OME>`;

describe("readTiffImages", () => {
  it("reads a little-endian uint8 single-plane TIFF", async () => {
    const buf = makeTiff({ ifds: [{ width: 10, height: 20, bits: 8 }] });
    expect(await readTiffImages(buf, undefined, { name: "x.tif" })).toEqual([
      { name: "x.tif", sizeX: 10, sizeY: 20, sizeZ: 1, sizeC: 1, sizeT: 1, pixelType: "uint8" },
    ]);
  });

  it("reads a big-endian uint16 multi-IFD TIFF, counting IFDs as Z", async () => {
    const plane = { width: 7, height: 5, bits: 16 };
    const buf = makeTiff({ littleEndian: false, ifds: [plane, plane, plane] });
    const [img] = await readTiffImages(buf);
    expect(img).toMatchObject({ sizeX: 7, sizeY: 5, sizeZ: 3, sizeC: 1, pixelType: "uint16" });
  });

  it("maps SampleFormat and BitsPerSample to OME pixel types", async () => {
    const cases: [number, number, string][] = [
      [32, 3, "float"],
      [64, 3, "double"],
      [8, 2, "int8"],
      [16, 2, "int16"],
      [32, 2, "int32"],
      [32, 1, "uint32"],
    ];
    for (const [bits, sampleFormat, type] of cases) {
      for (const littleEndian of [true, false]) {
        const buf = makeTiff({ littleEndian, ifds: [{ width: 2, height: 2, bits, sampleFormat }] });
        expect((await readTiffImages(buf))[0]!.pixelType).toBe(type);
      }
    }
  });

  it("gives SamplesPerPixel as sizeC (RGB)", async () => {
    const buf = makeTiff({ ifds: [{ width: 4, height: 4, bits: 8, samplesPerPixel: 3 }] });
    expect((await readTiffImages(buf))[0]).toMatchObject({ sizeC: 3, sizeZ: 1, pixelType: "uint8" });
  });

  it("does not count thumbnails or reduced-resolution IFDs as planes", async () => {
    const buf = makeTiff({
      ifds: [
        { width: 100, height: 100 },
        { width: 100, height: 100 },
        { width: 50, height: 50, newSubfileType: 1 },
        { width: 10, height: 10 },
      ],
    });
    expect((await readTiffImages(buf))[0]!.sizeZ).toBe(2);
  });

  it("reads every Image/Pixels of an OME-TIFF's OME-XML", async () => {
    const buf = makeTiff({ ifds: [{ width: 64, height: 32, bits: 16, description: OME_XML }] });
    expect(await readTiffImages(buf)).toEqual([
      { name: "first & best", sizeX: 64, sizeY: 32, sizeZ: 3, sizeC: 2, sizeT: 4, pixelType: "uint16" },
      { name: "second", sizeX: 8, sizeY: 8, sizeZ: 1, sizeC: 1, sizeT: 1, pixelType: "float" },
    ]);
  });

  it("uses ImageJ hyperstack hints", async () => {
    const desc = "ImageJ=1.54f\nimages=24\nchannels=2\nslices=3\nframes=4\nhyperstack=true\n";
    const plane = { width: 9, height: 9, bits: 16, description: desc };
    const buf = makeTiff({ ifds: [plane, { width: 9, height: 9, bits: 16 }] });
    expect((await readTiffImages(buf))[0]).toMatchObject({ sizeZ: 3, sizeC: 2, sizeT: 4 });
    const stack = makeTiff({ ifds: [{ width: 9, height: 9, description: "ImageJ=1.5\nimages=5\n" }] });
    expect((await readTiffImages(stack))[0]).toMatchObject({ sizeZ: 5, sizeC: 1, sizeT: 1 });
  });

  it("reads BigTIFF in both byte orders", async () => {
    for (const littleEndian of [true, false]) {
      const plane = { width: 300, height: 200, bits: 16 };
      const buf = makeTiff({ bigTiff: true, littleEndian, ifds: [plane, plane] });
      expect(parseTiffHeader(buf)).toMatchObject({ bigTiff: true, littleEndian });
      expect((await readTiffImages(buf))[0]).toMatchObject({ sizeX: 300, sizeY: 200, sizeZ: 2, pixelType: "uint16" });
    }
  });

  it("works from a read callback without reading the whole file", async () => {
    const buf = makeTiff({ padding: 200_000, ifds: [{ width: 3, height: 3, description: OME_XML }] });
    const reads: [number, number][] = [];
    const read = async (offset: number, length: number) => {
      reads.push([offset, length]);
      return buf.subarray(offset, offset + length);
    };
    expect(await readTiffImages(read, buf.length)).toHaveLength(2);
    expect(reads.reduce((n, [, l]) => n + l, 0)).toBeLessThan(10_000);
    expect(await readTiffDescription(read, buf.length)).toBe(OME_XML);
  });

  it("rejects non-TIFF, truncated and unsupported input with coded errors", async () => {
    await expect(readTiffImages(Buffer.from("hello world, not a tiff"))).rejects.toMatchObject({
      code: "TIFF_NOT_TIFF",
    });
    const buf = makeTiff({ ifds: [{ width: 3, height: 3 }] });
    await expect(readTiffImages(buf.subarray(0, 12))).rejects.toBeInstanceOf(TiffError);
    const odd = makeTiff({ ifds: [{ width: 3, height: 3, bits: 12 }] });
    await expect(readTiffImages(odd)).rejects.toMatchObject({ code: "TIFF_UNSUPPORTED_PIXELS" });
  });

  it("readTiffDescription: null without a description, undefined for non-TIFF bytes", async () => {
    expect(await readTiffDescription(makeTiff({ ifds: [{ width: 1, height: 1 }] }))).toBeNull();
    expect(await readTiffDescription(Buffer.from("<?xml version='1.0'?>"))).toBeUndefined();
  });
});
