// Shared by the DropBox benchmarks (bench.js, memory.js, readiness.js).
const path = require("node:path");

/** A minimal 4x4 8-bit TIFF. */
function tiff() {
  const b = Buffer.alloc(8 + 2 + 9 * 12 + 4 + 16);
  b.write("II", 0, "latin1");
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  const e = [
    [256, 3, 1, 4],
    [257, 3, 1, 4],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 1],
    [273, 4, 1, 8 + 2 + 9 * 12 + 4],
    [277, 3, 1, 1],
    [278, 3, 1, 4],
    [279, 4, 1, 16],
  ];
  b.writeUInt16LE(e.length, 8);
  e.forEach(([tag, type, count, v], i) => {
    const o = 10 + i * 12;
    b.writeUInt16LE(tag, o);
    b.writeUInt16LE(type, o + 2);
    b.writeUInt32LE(count, o + 4);
    if (type === 3) b.writeUInt16LE(v, o + 8);
    else b.writeUInt32LE(v, o + 8);
  });
  return b;
}

/** A whole minimal DeltaVision image (the readers' content check wants its magic number): the golden maker. */
const { dv } = require(path.resolve(__dirname, "../../../packages/readers/dist/__golden__/make/dv.js"));

module.exports = { tiff, dv };
