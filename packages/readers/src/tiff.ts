/**
 * A small TIFF IFD parser (classic TIFF and BigTIFF, either byte order). Pure: bytes come from a
 * caller-supplied `read(offset, length)`, so a large file never has to be read whole.
 */
import type { ImageInfo } from "@omero-fs/protocol";
import { isOmeXmlWithImage, omeImages } from "./omexml";

/** Reads `length` bytes at `offset` (fewer at end of file). */
export type ReadFn = (offset: number, length: number) => Buffer | Promise<Buffer>;

export type TiffErrorCode = "TIFF_NOT_TIFF" | "TIFF_TRUNCATED" | "TIFF_BAD_IFD" | "TIFF_UNSUPPORTED_PIXELS";

/** A file that is not a TIFF we can read. */
export class TiffError extends Error {
  readonly code: TiffErrorCode;
  constructor(code: TiffErrorCode, message: string) {
    super(message);
    this.name = "TiffError";
    this.code = code;
  }
}

/** OME-style description of one image (series): the one type, defined by the protocol's `--json` schema. */
export type { ImageInfo };

export interface TiffHeader {
  littleEndian: boolean;
  bigTiff: boolean;
  firstIfd: number;
}

/** Tag values of one IFD: numbers for numeric types, a string for ASCII. */
export interface TiffIfd {
  offset: number;
  tags: Map<number, number[] | string>;
  /** Every tag number the IFD holds, in file order (values read only for the wanted ones). */
  tagNumbers: number[];
  next: number;
}

export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  ImageDescription: 270,
  SamplesPerPixel: 277,
  Software: 305,
  SampleFormat: 339,
  DocumentName: 269,
  DateTime: 306,
  Copyright: 33432,
} as const;

/** ASCII tags the grouping probe keeps besides the description and Software (FileProbe.tiffText). */
export const PROBE_TEXT_TAGS = [TAG.DocumentName, TAG.DateTime, TAG.Copyright] as const;

/** Byte size of one value of each TIFF field type. */
export const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** Guard against corrupt chains: more IFDs than this is treated as the end (a 4 GiB stack of 1-pixel planes). */
export const MAX_IFDS = 1_000_000;

/** Parses the 8- or 16-byte header; null when the bytes are not a TIFF. */
export function parseTiffHeader(b: Buffer): TiffHeader | null {
  if (b.length < 8) return null;
  const order = b.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const le = order === "II";
  const magic = le ? b.readUInt16LE(2) : b.readUInt16BE(2);
  if (magic === 42) return { littleEndian: le, bigTiff: false, firstIfd: le ? b.readUInt32LE(4) : b.readUInt32BE(4) };
  if (magic === 43) {
    if (b.length < 16) return null;
    const bytesize = le ? b.readUInt16LE(4) : b.readUInt16BE(4);
    if (bytesize !== 8) return null;
    return { littleEndian: le, bigTiff: true, firstIfd: Number(le ? b.readBigUInt64LE(8) : b.readBigUInt64BE(8)) };
  }
  return null;
}

/** A source of bytes with a known size. */
class Source {
  constructor(
    private readonly readFn: ReadFn,
    readonly size: number,
  ) {}
  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || offset + length > this.size) {
      throw new TiffError(
        "TIFF_TRUNCATED",
        `TIFF structure at offset ${offset} (+${length}) lies beyond the file end (${this.size} bytes)`,
      );
    }
    const b = await this.readFn(offset, length);
    if (b.length < length)
      throw new TiffError("TIFF_TRUNCATED", `short read at offset ${offset}: ${b.length} of ${length} bytes`);
    return b;
  }
}

/** An unsigned integer of 1, 2, 4 or 8 bytes at `off`, in the file's byte order. */
export function num(b: Buffer, off: number, size: number, le: boolean): number {
  switch (size) {
    case 1:
      return b.readUInt8(off);
    case 2:
      return le ? b.readUInt16LE(off) : b.readUInt16BE(off);
    case 4:
      return le ? b.readUInt32LE(off) : b.readUInt32BE(off);
    default:
      return Number(le ? b.readBigUInt64LE(off) : b.readBigUInt64BE(off));
  }
}

function decodeValues(b: Buffer, type: number, count: number, le: boolean): number[] | string {
  if (type === 2) {
    const end = b.indexOf(0);
    return b.toString("utf8", 0, end < 0 ? b.length : end);
  }
  const out: number[] = [];
  const size = TYPE_SIZE[type]!;
  const n = Math.min(count, 4096); // only small arrays are needed (bits, samples); offsets tables are skipped
  for (let i = 0; i < n; i++) {
    const o = i * size;
    switch (type) {
      case 6:
        out.push(b.readInt8(o));
        break;
      case 8:
        out.push(le ? b.readInt16LE(o) : b.readInt16BE(o));
        break;
      case 9:
        out.push(le ? b.readInt32LE(o) : b.readInt32BE(o));
        break;
      case 11:
        out.push(le ? b.readFloatLE(o) : b.readFloatBE(o));
        break;
      case 12:
        out.push(le ? b.readDoubleLE(o) : b.readDoubleBE(o));
        break;
      case 5:
      case 10: {
        const a = type === 5 ? num(b, o, 4, le) : le ? b.readInt32LE(o) : b.readInt32BE(o);
        const d = type === 5 ? num(b, o + 4, 4, le) : le ? b.readInt32LE(o + 4) : b.readInt32BE(o + 4);
        out.push(d === 0 ? 0 : a / d);
        break;
      }
      case 17:
        out.push(Number(le ? b.readBigInt64LE(o) : b.readBigInt64BE(o)));
        break;
      default:
        out.push(num(b, o, size, le));
    }
  }
  return out;
}

/** Tags whose values are read (others are skipped: strip offsets etc. can be huge). */
const WANTED = new Set<number>(Object.values(TAG));

async function readIfd(src: Source, h: TiffHeader, offset: number, withStrings: boolean): Promise<TiffIfd> {
  const le = h.littleEndian;
  const countSize = h.bigTiff ? 8 : 2;
  const entrySize = h.bigTiff ? 20 : 12;
  const offSize = h.bigTiff ? 8 : 4;
  const n = num(await src.read(offset, countSize), 0, countSize, le);
  if (n === 0 || n > 65535) throw new TiffError("TIFF_BAD_IFD", `IFD at offset ${offset} claims ${n} entries`);
  const body = await src.read(offset + countSize, n * entrySize + offSize);
  const tags = new Map<number, number[] | string>();
  const tagNumbers: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = i * entrySize;
    const tag = num(body, e, 2, le);
    tagNumbers.push(tag);
    if (!WANTED.has(tag)) continue;
    const type = num(body, e + 2, 2, le);
    // Descriptions of later IFDs are not needed and can be large (OME-XML copies).
    if (type === 2 && !withStrings) continue;
    const size = TYPE_SIZE[type];
    if (size === undefined) continue;
    const count = num(body, e + 4, offSize, le);
    const bytes = size * count;
    const valueAt = e + 4 + offSize;
    const raw =
      bytes <= offSize
        ? body.subarray(valueAt, valueAt + bytes)
        : await src.read(num(body, valueAt, offSize, le), type === 2 ? bytes : Math.min(bytes, size * 4096));
    tags.set(tag, decodeValues(raw, type, count, le));
  }
  return { offset, tags, tagNumbers, next: num(body, n * entrySize, offSize, le) };
}

function toSource(input: Buffer | ReadFn, size?: number): Source {
  if (Buffer.isBuffer(input)) return new Source((o, l) => input.subarray(o, o + l), input.length);
  if (size === undefined) throw new TypeError("readTiff*: size is required with a read callback");
  return new Source(input, size);
}

async function header(src: Source): Promise<TiffHeader> {
  const h = parseTiffHeader(await src.read(0, Math.min(16, src.size)));
  if (!h) throw new TiffError("TIFF_NOT_TIFF", "not a TIFF file (no II*/MM* header)");
  return h;
}

/**
 * The first IFD's ImageDescription (tag 270), wherever it is stored; null when the TIFF has none,
 * undefined when the bytes are not a TIFF. Corrupt structures are reported as errors.
 */
export async function readTiffDescription(input: Buffer | ReadFn, size?: number): Promise<string | null | undefined> {
  const src = toSource(input, size);
  if (src.size < 8) return undefined;
  const h = parseTiffHeader(await src.read(0, Math.min(16, src.size)));
  if (!h) return undefined;
  const ifd = await readIfd(src, h, h.firstIfd, true);
  const d = ifd.tags.get(TAG.ImageDescription);
  return typeof d === "string" ? d : null;
}

/**
 * The first IFD's ImageDescription (null: none) and tag numbers; undefined when the bytes are not a
 * TIFF. What the grouping probe needs (e.g. tag 51123, Micro-Manager's metadata; the Software tag 305,
 * which MIASReader.isThisType tests, as `software` when present).
 */
export async function readTiffFirstIfd(
  input: Buffer | ReadFn,
  size?: number,
): Promise<
  { description: string | null; tags: number[]; software?: string; text?: Record<number, string> } | undefined
> {
  const src = toSource(input, size);
  if (src.size < 8) return undefined;
  const h = parseTiffHeader(await src.read(0, Math.min(16, src.size)));
  if (!h) return undefined;
  const ifd = await readIfd(src, h, h.firstIfd, true);
  const d = ifd.tags.get(TAG.ImageDescription);
  const sw = ifd.tags.get(TAG.Software);
  const out: { description: string | null; tags: number[]; software?: string; text?: Record<number, string> } = {
    description: typeof d === "string" ? d : null,
    tags: ifd.tagNumbers,
  };
  const text: Record<number, string> = {};
  for (const t of PROBE_TEXT_TAGS) {
    const v = ifd.tags.get(t);
    if (typeof v === "string") text[t] = v.split("\0")[0]!;
  }
  if (Object.keys(text).length > 0) out.text = text;
  // TiffParser's getIFDValue(SOFTWARE): several NUL-separated strings are a String[]; the first counts.
  if (typeof sw === "string") out.software = sw.split("\0")[0]!;
  return out;
}

/** Every IFD of the main chain with its numeric tags of interest; ASCII tags only for the first IFD. */
export async function readTiffIfds(
  input: Buffer | ReadFn,
  size?: number,
): Promise<{ header: TiffHeader; ifds: TiffIfd[] }> {
  const src = toSource(input, size);
  const h = await header(src);
  const ifds: TiffIfd[] = [];
  const seen = new Set<number>();
  for (let off = h.firstIfd; off !== 0 && ifds.length < MAX_IFDS; ) {
    if (seen.has(off)) throw new TiffError("TIFF_BAD_IFD", `IFD chain loops back to offset ${off}`);
    seen.add(off);
    const ifd = await readIfd(src, h, off, ifds.length === 0);
    ifds.push(ifd);
    off = ifd.next;
  }
  return { header: h, ifds };
}

function first(ifd: TiffIfd, tag: number, fallback: number): number {
  const v = ifd.tags.get(tag);
  return Array.isArray(v) && v.length > 0 ? v[0]! : fallback;
}

/** OME pixel type from BitsPerSample and SampleFormat (1 unsigned, 2 signed, 3 IEEE float). */
export function pixelTypeOf(bits: number, sampleFormat: number): string {
  if (bits === 1) return "bit";
  if (sampleFormat === 3) {
    if (bits === 32) return "float";
    if (bits === 64) return "double";
  } else if (sampleFormat === 2) {
    if (bits === 8 || bits === 16 || bits === 32) return `int${bits}`;
  } else if (sampleFormat === 1 || sampleFormat === 4) {
    if (bits === 8 || bits === 16 || bits === 32) return `uint${bits}`;
  }
  throw new TiffError(
    "TIFF_UNSUPPORTED_PIXELS",
    `unsupported pixel layout: ${bits} bits per sample with SampleFormat ${sampleFormat}`,
  );
}

/** ImageJ hyperstack hints from an "ImageJ=..." description. */
export function parseImageJDescription(desc: string | null | undefined): Record<string, number> | null {
  if (!desc?.startsWith("ImageJ=")) return null;
  const out: Record<string, number> = {};
  for (const line of desc.split("\n")) {
    const m = /^(images|channels|slices|frames)=(\d+)\s*$/.exec(line.trim());
    if (m) out[m[1]!] = Number.parseInt(m[2]!, 10);
  }
  return out;
}

export interface ReadTiffOptions {
  /** Name for images of a plain TIFF (OMERO uses the file name). Default "". */
  name?: string;
}

/**
 * OME-style image info of a TIFF: from a whole-file Buffer, or `read(offset, length)` plus `size`.
 *
 * - OME-TIFF (OME-XML with an Image in the first ImageDescription): one entry per Image/Pixels.
 * - ImageJ hyperstack ("ImageJ=" description): sizeC = channels x SamplesPerPixel, sizeZ = slices,
 *   sizeT = frames (a plain stack of `images` without those keys becomes Z).
 * - Any other TIFF: sizeX/sizeY from the first IFD; sizeZ = the IFDs of the main chain with the same
 *   width and height that are not reduced-resolution (NewSubfileType bit 0), so thumbnails and
 *   pyramid levels are not counted; sizeC = SamplesPerPixel; sizeT = 1.
 * Classic TIFF and BigTIFF, little- and big-endian. Errors are TiffError with a code.
 */
export async function readTiffImages(
  input: Buffer | ReadFn,
  size?: number,
  options: ReadTiffOptions = {},
): Promise<ImageInfo[]> {
  const { ifds } = await readTiffIfds(input, size);
  const ifd0 = ifds[0]!;
  const desc = ifd0.tags.get(TAG.ImageDescription);
  const description = typeof desc === "string" ? desc : null;
  if (isOmeXmlWithImage(description)) return omeImages(description!);

  const sizeX = first(ifd0, TAG.ImageWidth, 0);
  const sizeY = first(ifd0, TAG.ImageLength, 0);
  if (sizeX <= 0 || sizeY <= 0) throw new TiffError("TIFF_BAD_IFD", "first IFD has no ImageWidth/ImageLength");
  const spp = first(ifd0, TAG.SamplesPerPixel, 1);
  const pixelType = pixelTypeOf(first(ifd0, TAG.BitsPerSample, 1), first(ifd0, TAG.SampleFormat, 1));
  const name = options.name ?? "";

  const ij = parseImageJDescription(description);
  if (ij) {
    const c = ij.channels ?? 1;
    let z = ij.slices ?? 1;
    const t = ij.frames ?? 1;
    if (c * z * t === 1 && (ij.images ?? 1) > 1) z = ij.images!;
    return [{ name, sizeX, sizeY, sizeZ: z, sizeC: c * spp, sizeT: t, pixelType }];
  }

  let planes = 0;
  for (const ifd of ifds) {
    const reduced = (first(ifd, TAG.NewSubfileType, 0) & 1) === 1;
    if (!reduced && first(ifd, TAG.ImageWidth, 0) === sizeX && first(ifd, TAG.ImageLength, 0) === sizeY) planes++;
  }
  return [{ name, sizeX, sizeY, sizeZ: Math.max(1, planes), sizeC: spp, sizeT: 1, pixelType }];
}
