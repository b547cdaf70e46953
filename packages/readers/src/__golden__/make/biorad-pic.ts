/** Bio-Rad PIC files (BioRadReader): a 76-byte header (file id 12345 at 54), 8-bit planes, no notes. Pure. */
export function pic(o: { width?: number; height?: number; planes?: number; name?: string } = {}): Buffer {
  const w = o.width ?? 4;
  const h = o.height ?? 4;
  const n = o.planes ?? 1;
  const b = Buffer.alloc(76 + w * h * n);
  b.writeInt16LE(w, 0);
  b.writeInt16LE(h, 2);
  b.writeInt16LE(n, 4);
  b.writeInt16LE(0, 6);
  b.writeInt16LE(255, 8);
  b.writeInt32LE(0, 10); // no notes
  b.writeInt16LE(1, 14); // 8-bit
  b.write((o.name ?? "image").slice(0, 31), 18, "latin1");
  b.writeInt16LE(12345, 54);
  b.writeFloatLE(1, 72);
  return b;
}

/** A Bio-Rad Radiance lse.xml (BioRadReader reads it with its handler). */
export const LSE_XML = `<?xml version="1.0" encoding="UTF-8"?>\n<Data>\n  <Header Version="1.0"/>\n</Data>\n`;
