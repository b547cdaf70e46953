/** Builds small TIFF files in memory for tests (no pixel data is needed by the parsers). */

export interface IfdSpec {
  width: number;
  height: number;
  bits?: number;
  samplesPerPixel?: number;
  sampleFormat?: number;
  description?: string;
  /** Software tag (305), e.g. MIAS's "eaZYX ...". */
  software?: string;
  newSubfileType?: number;
  /** Byte counts of strips written (zeros) right after this IFD; StripOffsets/StripByteCounts point at them. */
  strips?: number[];
  /** Extra SHORT tags (value 0), e.g. 51123 Micro-Manager's metadata tag. */
  extraTags?: number[];
  /** SHORT tags with values, e.g. [262, 1] PhotometricInterpretation (Bio-Formats' setId wants 262 and 278). */
  shortTags?: [number, number][];
  /** Extra ASCII tags, e.g. [306, "2024:01:02 10:00:00"] (DateTime), [33432, "..."] (Copyright). */
  asciiTags?: [number, string][];
}

export interface TiffSpec {
  littleEndian?: boolean;
  bigTiff?: boolean;
  ifds: IfdSpec[];
  /** Zero bytes between the header and the first IFD (to put structures beyond a probe's head). */
  padding?: number;
}

/** What Bio-Formats' setId needs beyond the basics of a w x h 8-bit plane: its pixel strip, Compression,
 * PhotometricInterpretation and RowsPerStrip (so fixtures also open in ../shared/bioformats/group). */
export function readablePlane(width: number, height: number): Pick<IfdSpec, "strips" | "shortTags"> {
  return {
    strips: [width * height],
    shortTags: [
      [259, 1],
      [262, 1],
      [278, height],
    ],
  };
}

export function makeTiff(spec: TiffSpec): Buffer {
  const le = spec.littleEndian ?? true;
  const big = spec.bigTiff ?? false;
  const chunks: Buffer[] = [];
  let pos = 0;
  const push = (b: Buffer) => {
    chunks.push(b);
    pos += b.length;
  };
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    le ? b.writeUInt16LE(v) : b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    le ? b.writeUInt32LE(v) : b.writeUInt32BE(v);
    return b;
  };
  const u64 = (v: number) => {
    const b = Buffer.alloc(8);
    le ? b.writeBigUInt64LE(BigInt(v)) : b.writeBigUInt64BE(BigInt(v));
    return b;
  };
  const off = big ? u64 : u32;
  const offSize = big ? 8 : 4;

  const headerSize = big ? 16 : 8;
  const firstIfd = headerSize + (spec.padding ?? 0);
  push(Buffer.from(le ? "II" : "MM", "latin1"));
  push(u16(big ? 43 : 42));
  if (big) {
    push(u16(8));
    push(u16(0));
  }
  push(off(firstIfd));
  push(Buffer.alloc(spec.padding ?? 0));

  spec.ifds.forEach((ifd, i) => {
    const entries: { tag: number; type: number; count: number; value: Buffer }[] = [];
    const short = (tag: number, v: number) => entries.push({ tag, type: 3, count: 1, value: u16(v) });
    if (ifd.newSubfileType !== undefined) entries.push({ tag: 254, type: 4, count: 1, value: u32(ifd.newSubfileType) });
    entries.push({ tag: 256, type: 4, count: 1, value: u32(ifd.width) });
    entries.push({ tag: 257, type: 4, count: 1, value: u32(ifd.height) });
    const spp = ifd.samplesPerPixel ?? 1;
    entries.push({
      tag: 258,
      type: 3,
      count: spp,
      value: Buffer.concat(Array.from({ length: spp }, () => u16(ifd.bits ?? 8))),
    });
    if (ifd.description !== undefined) {
      entries.push({ tag: 270, type: 2, count: 0, value: Buffer.from(`${ifd.description}\0`, "utf8") });
    }
    if (ifd.software !== undefined) {
      entries.push({ tag: 305, type: 2, count: 0, value: Buffer.from(`${ifd.software}\0`, "utf8") });
    }
    short(277, spp);
    if (ifd.sampleFormat !== undefined) short(339, ifd.sampleFormat);
    for (const tag of ifd.extraTags ?? []) short(tag, 0);
    for (const [tag, v] of ifd.shortTags ?? []) short(tag, v);
    for (const [tag, v] of ifd.asciiTags ?? [])
      entries.push({ tag, type: 2, count: 0, value: Buffer.from(`${v}\0`, "utf8") });
    const strips = ifd.strips ?? [];
    const stripOffsets = Buffer.alloc(strips.length * 4);
    if (strips.length > 0) {
      entries.push({ tag: 273, type: 4, count: strips.length, value: stripOffsets });
      entries.push({ tag: 279, type: 4, count: strips.length, value: Buffer.concat(strips.map((n) => u32(n))) });
    }
    entries.sort((a, b) => a.tag - b.tag);
    const entrySize = big ? 20 : 12;
    const countSize = big ? 8 : 2;
    const ifdSize = countSize + entries.length * entrySize + offSize;
    let extraAt = pos + ifdSize;
    // Strip data follows the extras: fill its offsets before the values are laid out.
    let dataAt = extraAt + entries.reduce((n, e) => n + (e.value.length > offSize ? e.value.length : 0), 0);
    strips.forEach((n, k) => {
      le ? stripOffsets.writeUInt32LE(dataAt, k * 4) : stripOffsets.writeUInt32BE(dataAt, k * 4);
      dataAt += n;
    });
    const extras: Buffer[] = [];
    const body: Buffer[] = [big ? u64(entries.length) : u16(entries.length)];
    for (const e of entries) {
      const count = e.type === 2 ? e.value.length : e.count;
      body.push(u16(e.tag), u16(e.type), off(count));
      if (e.value.length <= offSize) body.push(Buffer.concat([e.value, Buffer.alloc(offSize - e.value.length)]));
      else {
        body.push(off(extraAt));
        extras.push(e.value);
        extraAt += e.value.length;
      }
    }
    const next = i < spec.ifds.length - 1 ? dataAt : 0;
    body.push(off(next));
    push(Buffer.concat(body));
    for (const x of extras) push(x);
    for (const n of strips) push(Buffer.alloc(n));
  });
  return Buffer.concat(chunks);
}
