#!/usr/bin/env node
/*
 * Writes samples/sample.ome.tif, the image the README's first import uses: a real single-file
 * OME-TIFF (one 96 x 96 8-bit plane of a few bright "cells" on a dim background, OME-XML in the
 * first ImageDescription naming only this file). Generated once and committed; re-running gives
 * the same bytes. Checked with Bio-Formats (OMETiffReader):
 *
 *   node scripts/sample/make-sample.js && /work/shared/bioformats/group samples/sample.ome.tif
 */
const fs = require("node:fs");
const path = require("node:path");

const OUT = path.join(__dirname, "..", "..", "samples", "sample.ome.tif");
const W = 96;
const H = 96;
const NAME = path.basename(OUT);
// A fixed UUID: the same file every time.
const UUID = "urn:uuid:6f6d6572-6f2d-4673-8d73-616d706c6531";

function pixels() {
  const cells = [
    [24, 28, 11],
    [62, 22, 9],
    [48, 60, 13],
    [78, 70, 8],
    [20, 74, 10],
  ];
  const p = Buffer.alloc(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let v = 12 + ((x * 7 + y * 13) % 9); // a dim, slightly uneven background
      for (const [cx, cy, r] of cells) {
        const d = Math.hypot(x - cx, y - cy);
        if (d < r) v = Math.max(v, Math.round(230 - (d / r) * 120));
      }
      p[y * W + x] = v;
    }
  return p;
}

const ome = `<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openmicroscopy.org/Schemas/OME/2016-06 http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd" Creator="omero-fs scripts/sample/make-sample.js" UUID="${UUID}"><Image ID="Image:0" Name="sample"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SignificantBits="8" SizeX="${W}" SizeY="${H}" SizeZ="1" SizeC="1" SizeT="1" PhysicalSizeX="0.5" PhysicalSizeXUnit="µm" PhysicalSizeY="0.5" PhysicalSizeYUnit="µm" BigEndian="false" Interleaved="false"><Channel ID="Channel:0:0" Name="DAPI" SamplesPerPixel="1"><LightPath/></Channel><TiffData FirstC="0" FirstT="0" FirstZ="0" IFD="0" PlaneCount="1"><UUID FileName="${NAME}">${UUID}</UUID></TiffData></Pixels></Image></OME>`;

/** A little-endian classic TIFF with one IFD: header, description, pixels, IFD. */
function tiff() {
  const desc = Buffer.from(`${ome}\0`, "utf8");
  const data = pixels();
  const descAt = 8;
  const dataAt = descAt + desc.length + (desc.length % 2);
  const ifdAt = dataAt + data.length + (data.length % 2);
  // [tag, type, count, value]; type 2 ASCII, 3 SHORT, 4 LONG. Sorted by tag, as TIFF requires.
  const tags = [
    [256, 3, 1, W],
    [257, 3, 1, H],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 1],
    [270, 2, desc.length, descAt],
    [273, 4, 1, dataAt],
    [277, 3, 1, 1],
    [278, 3, 1, H],
    [279, 4, 1, data.length],
    [284, 3, 1, 1],
    [305, 2, 9, 0], // Software "omero-fs": 9 bytes with its NUL, written after the IFD
  ];
  const software = Buffer.from("omero-fs\0", "ascii");
  const ifdSize = 2 + tags.length * 12 + 4;
  const softwareAt = ifdAt + ifdSize;
  tags[tags.length - 1][3] = softwareAt;
  const buf = Buffer.alloc(softwareAt + software.length);
  buf.write("II", 0, "ascii");
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(ifdAt, 4);
  desc.copy(buf, descAt);
  data.copy(buf, dataAt);
  buf.writeUInt16LE(tags.length, ifdAt);
  tags.forEach(([tag, type, count, value], i) => {
    const at = ifdAt + 2 + i * 12;
    buf.writeUInt16LE(tag, at);
    buf.writeUInt16LE(type, at + 2);
    buf.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) buf.writeUInt16LE(value, at + 8);
    else buf.writeUInt32LE(value, at + 8);
  });
  buf.writeUInt32LE(0, ifdAt + 2 + tags.length * 12); // no next IFD
  software.copy(buf, softwareAt);
  return buf;
}

fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, tiff());
process.stdout.write(`${OUT} (${fs.statSync(OUT).size} bytes)\n`);
