/**
 * Vendor containers whose header or index says where their data ends: Olympus OIR, Olympus
 * CellSens ETS, Abberior/Imspector OBF, LI-FLIM FLI. Each reads headers and index tables only.
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

const need = (what: string, end: number, size: number): StructureCheck =>
  end > size
    ? incomplete(`${what} truncated: its header declares data up to byte ${end}, the file has ${size}`)
    : COMPLETE;

// ---------------------------------------------------------------------------------------------
// OIR (Bio-Formats OIRReader reads the blocks by scanning; the header fields as independent
// readers document them): "OLYMPUSRAWFORMAT", u64 file size at 32, u64 position of the block
// index at 40. FluoView fills them in when it closes the file.

export const OIR_MAGIC = "OLYMPUSRAWFORMAT";

export async function checkOir(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 48) return incomplete(`OIR truncated: the header is cut at byte ${size}`);
  const h = await src.get(0, 48);
  if (h.toString("latin1", 0, 16) !== OIR_MAGIC) return UNKNOWN;
  const declared = Number(h.readBigUInt64LE(32));
  const index = Number(h.readBigUInt64LE(40));
  if (declared > size) return incomplete(`OIR truncated: its header says ${declared} bytes, the file has ${size}`);
  // 0 (not filled in) or smaller than the file: the header does not describe this file; nothing proven.
  if (declared !== size) return UNKNOWN;
  if (index !== 0 && (index + 4 > size || (await src.peek(index, 4)).readUInt32LE(0) !== 0xffffffff)) return UNKNOWN;
  return COMPLETE;
}

// ---------------------------------------------------------------------------------------------
// CellSens ETS (CellSensReader.parseETSFile): "SIS", i32 header size, i32 version, i32 dimensions,
// i64 additional header offset ("ETS" there), i32 its size, reserved, i64 offset of the used-chunk
// table, i32 chunk count; each chunk: i32, one i32 per dimension, i64 offset, i32 byte count, i32.

const CHUNK_TABLE_MAX = 64 * 1024 * 1024;

export async function checkEts(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 48) return incomplete(`ETS truncated: the header is cut at byte ${size}`);
  const h = await src.get(0, 48);
  if (h.toString("latin1", 0, 3) !== "SIS") return UNKNOWN;
  const dims = h.readInt32LE(12);
  const extraAt = Number(h.readBigInt64LE(16));
  const tableAt = Number(h.readBigInt64LE(32));
  if (dims < 1 || dims > 64) return UNKNOWN;
  if (extraAt + 4 > size)
    return incomplete(`ETS truncated: its ETS header at byte ${extraAt} lies beyond the end (${size} bytes)`);
  if ((await src.peek(extraAt, 3)).toString("latin1") !== "ETS")
    return incomplete(`ETS incomplete: no ETS header at byte ${extraAt} (not written yet)`);
  const count = h.readInt32LE(40);
  const entry = 20 + 4 * dims;
  if (count < 0) return UNKNOWN;
  if (count * entry > CHUNK_TABLE_MAX) return UNKNOWN;
  if (tableAt + count * entry > size)
    return incomplete(`ETS truncated: its tile table ends at byte ${tableAt + count * entry} of ${size}`);
  const t = await src.get(tableAt, count * entry);
  for (let i = 0; i < count; i++) {
    const o = i * entry + 4 + 4 * dims;
    const end = Number(t.readBigInt64LE(o)) + t.readInt32LE(o + 8);
    if (end > size) return incomplete(`ETS truncated: tile ${i} ends at byte ${end} of ${size}`);
  }
  return COMPLETE;
}

// ---------------------------------------------------------------------------------------------
// OBF (OBFReader.initFile/initStack): "OMAS_BF\n", u16 0xFFFF, i32 version, i64 first stack
// position; each stack "OMAS_BF_STACK\n", u16 0xFFFF, i32 version, i32 rank, 15 i32 sizes, 15 f64
// lengths, 15 f64 offsets, i32 type, i32 compression, i32, i32 name length, i32 description length,
// i64, i64 data length (on disk), i64 next stack position, name, description, the data; version >= 1
// stacks have a footer after the data whose first i32 is its fixed size.

export const OBF_MAGIC = "OMAS_BF\n";
const STACK_MAGIC = "OMAS_BF_STACK\n";
const STACK_FIXED = 14 + 2 + 4 + 4 + 15 * 4 + 15 * 8 + 15 * 8 + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 8;

export async function checkObf(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 22) return incomplete(`OBF truncated: the header is cut at byte ${size}`);
  const h = await src.get(0, 22);
  if (h.toString("latin1", 0, 8) !== OBF_MAGIC) return UNKNOWN;
  let at = Number(h.readBigInt64LE(14));
  for (let stacks = 0; at !== 0; stacks++) {
    if (stacks > 100_000) return UNKNOWN;
    if (at + STACK_FIXED > size)
      return incomplete(`OBF truncated: stack ${stacks} at byte ${at} is cut (${size} bytes)`);
    const s = await src.peek(at, STACK_FIXED);
    if (s.toString("latin1", 0, 14) !== STACK_MAGIC)
      return incomplete(`OBF incomplete: no stack at byte ${at}, where stack ${stacks} should be`);
    const version = s.readInt32LE(16);
    const o = 14 + 2 + 4 + 4 + 15 * 4 + 15 * 8 + 15 * 8 + 4 + 4 + 4;
    const nameLength = s.readInt32LE(o);
    const descriptionLength = s.readInt32LE(o + 4);
    const dataLength = Number(s.readBigInt64LE(o + 16));
    const next = Number(s.readBigInt64LE(o + 24));
    const dataEnd = at + STACK_FIXED + nameLength + descriptionLength + dataLength;
    if (dataEnd > size) return incomplete(`OBF truncated: stack ${stacks} ends at byte ${dataEnd} of ${size}`);
    if (version >= 1) {
      if (dataEnd + 4 > size) return incomplete(`OBF truncated: the footer of stack ${stacks} is cut (${size} bytes)`);
      const footer = (await src.peek(dataEnd, 4)).readInt32LE(0);
      if (dataEnd + footer > size)
        return incomplete(`OBF truncated: the footer of stack ${stacks} ends at byte ${dataEnd + footer} of ${size}`);
    }
    at = next;
  }
  return COMPLETE;
}

// ---------------------------------------------------------------------------------------------
// LI-FLIM .fli (LiFlimReader.parseHeader/initCoreMetadata): an INI header up to "{END}", the pixel
// data right after it. Version 1.0, uncompressed, not packed: x * y * z * frequencies * channels *
// timestamps * phases samples (UINT12 and the rest: unknown), then the background image
// ({FLIMIMAGE: BACKGROUND}) the same way.

const FLI_HEADER_MAX = 1 << 20;
const FLI_BYTES: Record<string, number> = {
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  UINT32: 4,
  INT32: 4,
  REAL32: 4,
  REAL64: 8,
};

export async function checkFli(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  const head = (await src.get(0, Math.min(size, FLI_HEADER_MAX))).toString("latin1");
  if (!head.includes("{FLIMIMAGE")) return UNKNOWN;
  const end = head.indexOf("{END}");
  if (end < 0)
    return size < FLI_HEADER_MAX ? incomplete(`FLI truncated: its header has no {END} (${size} bytes)`) : UNKNOWN;
  const tables = new Map<string, Map<string, string>>();
  let table = new Map<string, string>();
  tables.set("", table);
  for (const line of head.slice(0, end).split(/\r?\n/)) {
    const t = /^\s*\{(.+)\}\s*$/.exec(line);
    if (t) {
      table = new Map();
      tables.set(t[1]!.trim(), table);
    } else {
      const kv = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(line);
      if (kv) table.set(kv[1]!, kv[2]!);
    }
  }
  const info = tables.get("FLIMIMAGE: INFO");
  const layout = tables.get("FLIMIMAGE: LAYOUT");
  if (info?.get("version") !== "1.0" || info.get("compression") !== "0" || !layout) return UNKNOWN;
  // A dark image (hasDarkImage) follows in a layout not modelled here.
  if (!["", "0", "false"].includes((layout.get("hasDarkImage") ?? "").toLowerCase())) return UNKNOWN;
  const samples = (t: Map<string, string>): number | null => {
    const bytes = FLI_BYTES[(t.get("datatype") ?? "").toUpperCase()];
    if (bytes === undefined) return null;
    let n = bytes;
    for (const k of ["x", "y", "z", "frequencies", "channels", "timestamps", "phases"]) {
      const v = Number(t.get(k) ?? "1");
      if (!Number.isSafeInteger(v) || v < 0) return null;
      n *= v;
    }
    return n;
  };
  const main = samples(layout);
  const bg = tables.get("FLIMIMAGE: BACKGROUND");
  const background = bg ? samples(bg) : 0;
  if (main === null || background === null) return UNKNOWN;
  return need("FLI", end + 5 + main + background, size);
}
