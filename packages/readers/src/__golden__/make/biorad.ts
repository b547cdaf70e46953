/**
 * Bio-Rad PIC (BioRadReader): a 76-byte header (file id 12345 at byte 54), 8-bit pixels, then 96-byte notes
 * (e.g. `AXIS_9 11 ...`, which makes the reader group same-size files of the name's numbering); `lse.xml`
 * (LaserSharp) beside `.pic` files makes one dataset of every `.pic` of the folder.
 */

export interface PicSpec {
  width?: number;
  height?: number;
  planes?: number;
  /** Note texts (type 20, variable), e.g. "AXIS_9 11 0 2 RGB channel". */
  notes?: string[];
}

export function pic(spec: PicSpec = {}): Buffer {
  const w = spec.width ?? 8;
  const h = spec.height ?? 8;
  const n = spec.planes ?? 1;
  const head = Buffer.alloc(76);
  head.writeInt16LE(w, 0);
  head.writeInt16LE(h, 2);
  head.writeInt16LE(n, 4);
  head.writeInt16LE(0, 6);
  head.writeInt16LE(255, 8);
  head.writeInt32LE(spec.notes?.length ? 1 : 0, 10);
  head.writeInt16LE(1, 14); // byte format: 8-bit
  head.write("image.pic", 18, "latin1");
  head.writeInt16LE(12345, 54);
  const notes = (spec.notes ?? []).map((text, i, all) => {
    const b = Buffer.alloc(96);
    b.writeInt16LE(1, 0);
    b.writeInt32LE(i < all.length - 1 ? 1 : 0, 2);
    b.writeInt16LE(0, 6);
    b.writeInt16LE(0, 8);
    b.writeInt16LE(20, 10);
    b.write(text, 16, "latin1");
    return b;
  });
  return Buffer.concat([head, Buffer.alloc(w * h * n), ...notes]);
}

export const lseXml = (): string => `<?xml version="1.0" encoding="UTF-8"?>\n<Root>\n</Root>\n`;
