/**
 * Leica layouts: a TCS `.lei` (the binary block structure LeicaReader.initFile walks, with the SERIES
 * block's name length and the IMAGES block's TIFF list, names in UTF-16LE) with its TIFFs, and a LAS X
 * `.xlef` project (`<Reference File>` to an `.xlcf` collection and `.xlif` images; `.xlif` `<Frame File>`
 * TIFFs, or `<Block File>` `.lof` data).
 */
import type { FixtureFile } from "../hcs/plate";
import { tinyTiff } from "../hcs/plate";
import type { FormatFixture } from "./types";

/** A `.lei` listing `names` (one series), little endian, names `nameUnits` UTF-16 units long. */
export function leiFile(names: string[], nameUnits = 64): Buffer {
  const nameLength = nameUnits * 2;
  const b = Buffer.alloc(108 + names.length * nameLength);
  b.writeUInt32BE(0x49494949, 0);
  b.writeInt32LE(16, 12); // first block
  // block at 16: 4 bytes, (SERIES, 44), (IMAGES, 72), 0, next block 0
  b.writeInt32LE(10, 20);
  b.writeInt32LE(44, 24);
  b.writeInt32LE(15, 28);
  b.writeInt32LE(72, 32);
  b.writeInt32LE(0, 36);
  b.writeInt32LE(0, 40);
  // SERIES value at 44 + 16 = 60: the name length (UTF-16 units) at value + 8
  b.writeInt32LE(nameUnits, 68);
  // IMAGES value at 72 + 16 = 88: count, sizeX, sizeY, 4 bytes, samples per pixel, names
  b.writeInt32LE(names.length, 88);
  b.writeInt32LE(512, 92);
  b.writeInt32LE(512, 96);
  b.writeInt32LE(1, 104);
  names.forEach((n, i) => {
    b.write(n, 108 + i * nameLength, "utf16le");
  });
  return b;
}

export function leiSet(opts: { planes?: number } = {}): FormatFixture {
  const planes = opts.planes ?? 3;
  const names = Array.from({ length: planes }, (_, i) => `exp1_z${String(i).padStart(3, "0")}_ch00.tif`);
  const files: FixtureFile[] = [{ path: "exp1.lei", content: leiFile(names), kind: "index" }];
  for (const n of names) files.push({ path: n, content: tinyTiff(), kind: "image" });
  return { entry: "exp1.lei", reader: "loci.formats.in.LeicaReader", files, expected: names, closed: true };
}

const xml = (body: string) => Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\r\n${body}\r\n`);

/** `Project.xlef` -> `Project/Collection.xlcf` -> two `.xlif` images (TIFF frames) and one `.xlif` of `.lof` blocks. */
export function xlefProject(): FormatFixture {
  const files: FixtureFile[] = [];
  files.push({
    path: "Project.xlef",
    content: xml(
      `<LMSDataContainerHeader Version="2"><Element Name="Project"><Children><Reference File="Project%5CCollection.xlcf" /></Children></Element></LMSDataContainerHeader>`,
    ),
    kind: "index",
  });
  files.push({
    path: "Project/Collection.xlcf",
    content: xml(
      `<LMSDataContainerHeader Version="2"><Element Name="Collection"><Children><Reference File="Image 1.xlif" /><Reference File="Image 2.xlif" /><Reference File="Tiles.xlif" /></Children></Element></LMSDataContainerHeader>`,
    ),
    kind: "metadata",
  });
  const expected = ["Project/Collection.xlcf", "Project/Image 1.xlif", "Project/Image 2.xlif", "Project/Tiles.xlif"];
  for (const img of ["Image 1", "Image 2"]) {
    const frames = [0, 1].map((z) => `${img}/${img}--Z0${z}--C00.tif`);
    files.push({
      path: `Project/${img}.xlif`,
      content: xml(
        `<LMSDataContainerHeader Version="2"><Element Name="${img}"><Data><Image><ImageDescription><Dimensions><DimensionDescription DimID="1" NumberOfElements="4"/></Dimensions></ImageDescription></Image></Data><Memory><Frame File="${frames.map((f) => f.replace(/ /g, "%20")).join(`" /><Frame File="`)}" /></Memory></Element></LMSDataContainerHeader>`,
      ),
      kind: "metadata",
    });
    for (const f of frames) files.push({ path: `Project/${f}`, content: tinyTiff(), kind: "image" });
    expected.push(...frames.map((f) => `Project/${f}`));
  }
  files.push({
    path: "Project/Tiles.xlif",
    content: xml(
      `<LMSDataContainerHeader Version="2"><Element Name="Tiles"><Data><Image/></Data><Memory><Block File="Tiles.lof" /></Memory></Element></LMSDataContainerHeader>`,
    ),
    kind: "metadata",
  });
  files.push({ path: "Project/Tiles.lof", content: Buffer.from("LMS_Object_File\0"), kind: "image" });
  // XlifDocument lower-cases Frame/Block paths; fileExists matches them without case.
  expected.push("Project/Tiles.lof");
  return { entry: "Project.xlef", reader: "loci.formats.in.XLEFReader", files, expected, closed: true };
}
