/**
 * Header-declared sizes of the non-TIFF formats: the header says how many pixel bytes follow, so a
 * shorter file is a truncated copy. Each function reads only the header.
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

const need = (what: string, end: number, size: number): StructureCheck =>
  end > size
    ? incomplete(`${what} truncated: the header declares data up to byte ${end}, the file has ${size}`)
    : COMPLETE;

// ---------------------------------------------------------------------------------------------
// ICS (ICSReader): "layout sizes" x bits; ICS 2 data follows the "end" line, ICS 1 data is the .ids.

export interface IcsHeader {
  version2: boolean;
  /** Bytes of pixel data (all dimensions x bits / 8). */
  dataBytes: number;
  /** Byte offset of the data in the .ics (ICS 2), after the "end" line; null when the header has none yet. */
  dataOffset: number | null;
  compressed: boolean;
}

/** Parses an ICS header (the first line gives the field and line separators). Null when it is not one. */
export function parseIcsHeader(head: Buffer): IcsHeader | null {
  const text = head.toString("latin1");
  if (text.length < 2) return null;
  const sep = text[0]!;
  const nl = text[1]!;
  const lines = text.slice(2).split(nl);
  if (!lines[0]?.startsWith("ics_version")) return null;
  let order: string[] = [];
  let sizes: number[] = [];
  let compressed = false;
  let pos = 2;
  let dataOffset: number | null = null;
  for (const line of lines) {
    pos += line.length + 1;
    const tokens = line
      .trim()
      .split(sep)
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (tokens[0]?.toLowerCase() === "end" && tokens.length === 1) {
      dataOffset = pos;
      break;
    }
    const key = tokens.slice(0, 2).join(" ").toLowerCase();
    if (key === "layout order") order = tokens.slice(2).map((s) => s.toLowerCase());
    else if (key === "layout sizes") sizes = tokens.slice(2).map((s) => Number.parseInt(s, 10));
    else if (key === "representation compression") compressed = (tokens[2] ?? "").toLowerCase() !== "uncompressed";
  }
  if (sizes.length === 0 || sizes.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const bitsAt = order.indexOf("bits");
  const bits = bitsAt >= 0 ? sizes[bitsAt]! : 8;
  const pixels = sizes.reduce((a, n, i) => (i === bitsAt ? a : a * n), 1);
  return {
    version2: lines[0]!.includes("2.0"),
    dataBytes: Math.ceil((pixels * bits) / 8),
    dataOffset,
    compressed,
  };
}

/** An .ics on its own: ICS 2 must hold its data after the header; ICS 1 only needs a readable header. */
export async function checkIcs(src: Bytes): Promise<StructureCheck> {
  const h = parseIcsHeader(await src.get(0, Math.min(src.size, 1 << 20)));
  if (!h) return UNKNOWN;
  if (!h.version2) return COMPLETE;
  if (h.dataOffset === null) return incomplete(`ICS truncated: no "end" line after the header (${src.size} bytes)`);
  if (h.compressed) return COMPLETE;
  return need("ICS", h.dataOffset + h.dataBytes, src.size);
}

// ---------------------------------------------------------------------------------------------
// DeltaVision (DeltavisionReader.initPixels): 1024-byte header + extended header (int at 92) +
// sizeX x sizeY x imageCount planes; magic 0xa0c0 at 96 gives the byte order.

const DV_BPP: Record<number, number> = { 0: 1, 1: 2, 2: 4, 3: 2, 4: 4, 6: 2, 7: 4, 8: 8 };

export async function checkDeltaVision(src: Bytes): Promise<StructureCheck> {
  if (src.size < 1024) return incomplete(`DeltaVision truncated: the 1024-byte header is cut at byte ${src.size}`);
  const h = await src.get(0, 1024);
  const le = h.readInt16LE(96) === -16224;
  if (!le && h.readInt16BE(96) !== -16224) return UNKNOWN;
  const i32 = (o: number) => (le ? h.readInt32LE(o) : h.readInt32BE(o));
  const [x, y, n, mode, ext] = [i32(0), i32(4), i32(8), i32(12), i32(92)];
  if (x <= 0 || y <= 0 || n <= 0 || ext < 0) return UNKNOWN;
  return need("DeltaVision", 1024 + ext + x * y * n * (DV_BPP[mode] ?? 1), src.size);
}

// ---------------------------------------------------------------------------------------------
// NIfTI-1 / Analyze 7.5 (NiftiReader, AnalyzeReader): sizeof_hdr 348 at 0 gives the byte order,
// dim[8] shorts at 40, bitpix at 72, vox_offset float at 108, magic "n+1"/"ni1" at 344.

export interface Nifti1Header {
  /** "n+1": data in this file at voxOffset; "ni1" or Analyze: data in the .img. */
  singleFile: boolean;
  voxOffset: number;
  dataBytes: number;
}

export function parseNifti1Header(h: Buffer): Nifti1Header | null {
  if (h.length < 348) return null;
  const le = h.readInt32LE(0) === 348;
  if (!le && h.readInt32BE(0) !== 348) return null;
  const i16 = (o: number) => (le ? h.readInt16LE(o) : h.readInt16BE(o));
  const rank = i16(40);
  if (rank < 1 || rank > 7) return null;
  let voxels = 1;
  for (let i = 1; i <= rank; i++) voxels *= Math.max(1, i16(40 + 2 * i));
  const bitpix = Math.max(1, i16(72));
  const vox = le ? h.readFloatLE(108) : h.readFloatBE(108);
  return {
    singleFile: h.toString("latin1", 344, 347) === "n+1",
    voxOffset: Number.isFinite(vox) && vox > 0 ? Math.floor(vox) : 0,
    dataBytes: Math.ceil((voxels * bitpix) / 8),
  };
}

/** A .nii or .hdr: the 348-byte header, and for "n+1" the data after vox_offset. */
export async function checkNifti(src: Bytes, headerOnly: boolean): Promise<StructureCheck> {
  if (src.size < 348) return incomplete(`NIfTI/Analyze truncated: the 348-byte header is cut at byte ${src.size}`);
  const h = parseNifti1Header(await src.get(0, 348));
  if (!h) return UNKNOWN;
  if (!h.singleFile || headerOnly) return COMPLETE;
  return need("NIfTI", Math.max(h.voxOffset, 352) + h.dataBytes, src.size);
}

// ---------------------------------------------------------------------------------------------
// HDF5 (Imaris .ims, BDV .h5): the superblock's end-of-file address (relative to the base address).

const HDF5_SIG = Buffer.from("\x89HDF\r\n\x1a\n", "latin1");

export async function checkHdf5(src: Bytes): Promise<StructureCheck> {
  const b = await src.get(0, 96);
  if (b.length < 12 || !b.subarray(0, 8).equals(HDF5_SIG)) return UNKNOWN;
  const version = b[8]!;
  let o: number;
  let baseAt: number;
  if (version === 0 || version === 1) {
    o = b[13]!;
    baseAt = version === 0 ? 24 : 28;
  } else if (version === 2 || version === 3) {
    o = b[9]!;
    baseAt = 12;
  } else return UNKNOWN;
  if (o !== 4 && o !== 8) return UNKNOWN;
  const read = (at: number) => (o === 4 ? b.readUInt32LE(at) : Number(b.readBigUInt64LE(at)));
  if (baseAt + 3 * o > b.length) return incomplete(`HDF5 truncated: the superblock is cut at byte ${src.size}`);
  const base = read(baseAt);
  const eof = read(baseAt + 2 * o);
  if (!Number.isSafeInteger(base + eof)) return UNKNOWN;
  return need("HDF5", base + eof, src.size);
}

// ---------------------------------------------------------------------------------------------
// MRC (MRCReader.initFile; MRC2014): 1024-byte header, nx ny nz at 0/4/8, mode at 12, the extended
// header's size at 92, then nx x ny x nz voxels. Byte order from the machine stamp at 212 (0x44: little
// endian, 0x11: big), else the one whose sizes fit the file, as MRCReader does.

const MRC_BYTES: Record<number, number> = { 0: 1, 1: 2, 2: 4, 3: 4, 4: 8, 6: 2, 12: 2, 16: 3 };

export async function checkMrc(src: Bytes): Promise<StructureCheck> {
  if (src.size < 1024) return incomplete(`MRC truncated: the 1024-byte header is cut at byte ${src.size}`);
  const h = await src.get(0, 1024);
  const stamp = h[212];
  const read = (le: boolean) => {
    const i32 = (o: number) => (le ? h.readInt32LE(o) : h.readInt32BE(o));
    return { x: i32(0), y: i32(4), z: i32(8), mode: i32(12), ext: i32(92) };
  };
  const fits = (v: ReturnType<typeof read>) =>
    v.x > 0 && v.y > 0 && v.z > 0 && v.ext >= 0 && MRC_BYTES[v.mode] !== undefined;
  let v = read(stamp !== 0x11);
  if (stamp !== 0x44 && stamp !== 0x11 && !fits(v)) v = read(false);
  if (!fits(v)) return UNKNOWN;
  return need("MRC", 1024 + v.ext + v.x * v.y * v.z * MRC_BYTES[v.mode]!, src.size);
}
