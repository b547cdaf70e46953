/**
 * TIFFs Bio-Formats' setId accepts: classic little-endian, 8-bit grey, one strip per plane, with the tags
 * TiffParser needs (Compression, PhotometricInterpretation, RowsPerStrip). The fixtures' tinyTiff has no strips
 * and no photometric tag, which TiffParser refuses with a NullPointerException.
 */

export interface TiffOptions {
  width?: number;
  height?: number;
  /** ImageDescription (270) of the first IFD. */
  description?: string;
  /** Software (305) of the first IFD. */
  software?: string;
  /** Extra tags of the first IFD: a number is a SHORT, a string an ASCII value (e.g. 51123 Micro-Manager JSON). */
  tags?: Record<number, number | string>;
  /** IFDs (planes), default 1. */
  planes?: number;
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  value: Buffer;
}

const short = (tag: number, v: number): Entry => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return { tag, type: 3, count: 1, value: b };
};
const long = (tag: number, v: number): Entry => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return { tag, type: 4, count: 1, value: b };
};
const ascii = (tag: number, s: string): Entry => {
  const value = Buffer.from(`${s}\0`, "utf8");
  return { tag, type: 2, count: value.length, value };
};

export function tiff(opts: TiffOptions = {}): Buffer {
  const w = opts.width ?? 4;
  const h = opts.height ?? 4;
  const planes = opts.planes ?? 1;
  const chunks: Buffer[] = [];
  let pos = 8;
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  chunks.push(header);
  for (let i = 0; i < planes; i++) {
    const entries: Entry[] = [long(256, w), long(257, h), short(258, 8), short(259, 1), short(262, 1)];
    if (i === 0 && opts.description !== undefined) entries.push(ascii(270, opts.description));
    entries.push(long(273, 0), short(277, 1), long(278, h), long(279, w * h));
    if (i === 0 && opts.software !== undefined) entries.push(ascii(305, opts.software));
    if (i === 0)
      for (const [k, v] of Object.entries(opts.tags ?? {}))
        entries.push(typeof v === "number" ? short(Number(k), v) : ascii(Number(k), v));
    entries.sort((a, b) => a.tag - b.tag);
    const ifdSize = 2 + entries.length * 12 + 4;
    let extraAt = pos + ifdSize;
    const extras: Buffer[] = [];
    const body = Buffer.alloc(ifdSize);
    body.writeUInt16LE(entries.length, 0);
    const extraLen = entries.reduce((n, e) => n + (e.value.length > 4 ? e.value.length + (e.value.length % 2) : 0), 0);
    const pixelsAt = extraAt + extraLen;
    const next = i < planes - 1 ? pixelsAt + w * h : 0;
    entries.forEach((e, k) => {
      const at = 2 + k * 12;
      body.writeUInt16LE(e.tag, at);
      body.writeUInt16LE(e.type, at + 2);
      body.writeUInt32LE(e.count, at + 4);
      if (e.tag === 273) body.writeUInt32LE(pixelsAt, at + 8);
      else if (e.value.length <= 4) e.value.copy(body, at + 8);
      else {
        body.writeUInt32LE(extraAt, at + 8);
        const padded = Buffer.alloc(e.value.length + (e.value.length % 2));
        e.value.copy(padded);
        extras.push(padded);
        extraAt += padded.length;
      }
    });
    body.writeUInt32LE(next, ifdSize - 4);
    chunks.push(body, ...extras, Buffer.alloc(w * h));
    pos = pixelsAt + w * h;
  }
  return Buffer.concat(chunks);
}
