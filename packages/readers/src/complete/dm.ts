/**
 * Gatan DM3/DM4 (Bio-Formats GatanReader.parseTags; the tag format as Gatan's DigitalMicrograph
 * writes it). Header: i32 version (3 or 4), the root length (i32 / i64: the file size less 16 / 24),
 * i32 byte order; then the
 * root tag group. A group is `byte sorted, byte open, tag count (i32 / i64)`; a tag is `byte type
 * (20 group, 21 data), i16 label length, label`, in DM4 followed by the i64 length of the rest of
 * the tag; a data tag is `"%%%%", info count, info (i32 / i64 each, big-endian), data`. The info
 * says the data's size: a simple type, a string (18: length UTF-16 units), a struct (15: name length,
 * field count, (name length, type) per field) or an array (20: element type or struct, length).
 * The walk reads the tags, never the pixels (the "Data" array is skipped by its size); every tag
 * the groups count must lie inside the file.
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

const GROUP = 20;
const DATA = 21;
const STRUCT = 15;
const STRING = 18;
const ARRAY = 20;
const SIMPLE: Record<number, number> = { 2: 2, 3: 4, 4: 2, 5: 4, 6: 4, 7: 8, 8: 1, 9: 1, 10: 1, 11: 8, 12: 8 };
const MAX_TAGS = 10_000_000;
const MAX_DEPTH = 64;

class Cut extends Error {}

class Walk {
  pos: number;
  tags = 0;
  constructor(
    private readonly src: Bytes,
    private readonly v4: boolean,
    start: number,
  ) {
    this.pos = start;
  }

  private async take(n: number): Promise<Buffer> {
    if (this.pos + n > this.src.size) throw new Cut();
    const b = await this.src.peek(this.pos, n);
    this.pos += n;
    return b;
  }

  /** An i32 (DM3) or i64 (DM4) count, big-endian. */
  private async count(): Promise<number> {
    const b = await this.take(this.v4 ? 8 : 4);
    return this.v4 ? Number(b.readBigUInt64BE(0)) : b.readUInt32BE(0);
  }

  async group(depth: number): Promise<boolean> {
    if (depth > MAX_DEPTH) return false;
    await this.take(2);
    const n = await this.count();
    for (let i = 0; i < n; i++) if (!(await this.tag(depth))) return false;
    return true;
  }

  private async tag(depth: number): Promise<boolean> {
    if (++this.tags > MAX_TAGS) return false;
    const t = (await this.take(1)).readUInt8(0);
    const labelLength = (await this.take(2)).readUInt16BE(0);
    await this.take(labelLength);
    if (this.v4) await this.take(8);
    if (t === GROUP) return this.group(depth + 1);
    if (t !== DATA) return false;
    if ((await this.take(4)).toString("latin1") !== "%%%%") return false;
    const n = await this.count();
    if (n > 1_000_000) return false;
    const info: number[] = [];
    for (let i = 0; i < n; i++) info.push(await this.count());
    const bytes = dataBytes(info);
    if (bytes === null) return false;
    if (this.pos + bytes > this.src.size) throw new Cut();
    this.pos += bytes;
    return true;
  }
}

/** Bytes of a data tag's value from its info array; null when the info is not understood. */
export function dataBytes(info: number[]): number | null {
  const struct = (at: number): { bytes: number; next: number } | null => {
    // [15, name length, field count, (field name length, type) x count]
    const fields = info[at + 2];
    if (fields === undefined) return null;
    let bytes = 0;
    for (let f = 0; f < fields; f++) {
      const s = SIMPLE[info[at + 4 + 2 * f] ?? -1];
      if (s === undefined) return null;
      bytes += s;
    }
    return { bytes, next: at + 3 + 2 * fields };
  };
  const type = info[0];
  if (type === undefined) return null;
  if (SIMPLE[type] !== undefined) return SIMPLE[type]!;
  if (type === STRING) return info[1] === undefined ? null : 2 * info[1];
  if (type === STRUCT) return struct(0)?.bytes ?? null;
  if (type === ARRAY) {
    const elem = info[1];
    if (elem === undefined) return null;
    if (elem === STRUCT) {
      const s = struct(1);
      const length = s ? info[s.next] : undefined;
      return s && length !== undefined ? s.bytes * length : null;
    }
    const s = SIMPLE[elem];
    return s === undefined || info[2] === undefined ? null : s * info[2];
  }
  return null;
}

export async function checkDm(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 16) return incomplete(`DM3/DM4 truncated: the header is cut at byte ${size}`);
  const h = await src.get(0, 16);
  const version = h.readUInt32BE(0);
  if (version !== 3 && version !== 4) return UNKNOWN;
  // The root length is the file size less 16 (DM3) or 24 (DM4).
  const declared = version === 4 ? Number(h.readBigUInt64BE(4)) + 24 : h.readUInt32BE(4) + 16;
  if (declared > size)
    return incomplete(`DM${version} truncated: its header says ${declared} bytes, the file has ${size}`);
  const walk = new Walk(src, version === 4, version === 4 ? 16 : 12);
  try {
    if (!(await walk.group(0))) return UNKNOWN;
  } catch (e) {
    if (e instanceof Cut)
      return incomplete(`DM${version} truncated: its tag ${walk.tags} runs past the end (${size} bytes)`);
    throw e;
  }
  return COMPLETE;
}
