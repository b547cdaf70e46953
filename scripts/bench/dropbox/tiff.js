// Shared by the DropBox benchmarks (bench.js, memory.js, readiness.js, waiting.js).
const path = require("node:path");

/** A minimal 4x4 8-bit TIFF, with `description` as its ImageDescription when given. */
function tiff(description) {
  const desc = description ? Buffer.from(`${description}\0`, "latin1") : null;
  const e = [
    [256, 3, 1, 4],
    [257, 3, 1, 4],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 1],
    ...(desc ? [[270, 2, desc.length, -1]] : []),
    [273, 4, 1, -2],
    [277, 3, 1, 1],
    [278, 3, 1, 4],
    [279, 4, 1, 16],
  ];
  const ifdEnd = 8 + 2 + e.length * 12 + 4;
  const pixAt = ifdEnd + (desc ? desc.length + (desc.length % 2) : 0);
  const b = Buffer.alloc(pixAt + 16);
  b.write("II", 0, "latin1");
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(e.length, 8);
  e.forEach(([tag, type, count, v], i) => {
    const o = 10 + i * 12;
    b.writeUInt16LE(tag, o);
    b.writeUInt16LE(type, o + 2);
    b.writeUInt32LE(count, o + 4);
    if (v === -1) b.writeUInt32LE(ifdEnd, o + 8);
    else if (v === -2) b.writeUInt32LE(pixAt, o + 8);
    else if (type === 3) b.writeUInt16LE(v, o + 8);
    else b.writeUInt32LE(v, o + 8);
  });
  if (desc) desc.copy(b, ifdEnd);
  return b;
}

/** A single-file OME-TIFF (one plane, its OME-XML names only itself): proven complete, the settleTime path. */
function omeTiff() {
  return tiff(
    '<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="4" SizeY="4" SizeZ="1" SizeC="1" SizeT="1"><TiffData IFD="0" PlaneCount="1"/></Pixels></Image></OME>',
  );
}

/** A whole minimal DeltaVision image (the readers' content check wants its magic number): the golden maker. */
const { dv } = require(path.resolve(__dirname, "../../../packages/readers/dist/__golden__/make/dv.js"));

module.exports = { tiff, omeTiff, dv };
