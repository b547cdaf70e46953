/**
 * Zeiss CZI (ZISRAW; Bio-Formats ZeissCZIReader reads the segments in order, libCZI's CziStructs.h
 * gives their layout). Every segment is a 32-byte header (16-byte id, i64 allocated size, i64 used
 * size) and its data. The file header segment (id ZISRAWFILE, at 0) holds, from byte 32: major,
 * minor, two reserved i32, two GUIDs, i32 FilePart (80), i64 SubBlockDirectoryPosition (84), i64
 * MetadataPosition (92), i32 updatePending (100), i64 AttachmentDirectoryPosition (104). ZEN writes
 * the directories when it finishes, so an unfinished or cut file has no directory, or one whose
 * subblocks lie past the end.
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

const HEADER = 32;
/** A directory larger than this is not read. */
const DIRECTORY_MAX = 64 * 1024 * 1024;
/** Subblock headers read (evenly spread over the directory, the last one by position included). */
const SAMPLES = 16;

const idOf = (b: Buffer) => b.toString("latin1", 0, 16).replace(/\0+$/, "");

/** A segment with `id` at `at` whose allocated size lies inside the file; a problem, or its data size. */
async function segment(
  src: Bytes,
  at: number,
  id: string,
  what: string,
): Promise<{ problem: StructureCheck } | { used: number }> {
  const size = src.size;
  if (at + HEADER > size)
    return { problem: incomplete(`CZI truncated: ${what} at byte ${at} lies beyond the end (${size} bytes)`) };
  const h = await src.peek(at, HEADER);
  if (idOf(h) !== id)
    return { problem: incomplete(`CZI incomplete: no ${id} segment at byte ${at}, where ${what} should be`) };
  const allocated = Number(h.readBigInt64LE(16));
  const used = Number(h.readBigInt64LE(24)) || allocated;
  // The last segment may end at its used size (nothing after it needs the rest of its allocation).
  if (at + HEADER + Math.min(allocated, used) > size)
    return {
      problem: incomplete(`CZI truncated: ${what} at byte ${at} ends at byte ${at + HEADER + used} of ${size}`),
    };
  return { used };
}

export async function checkCzi(src: Bytes, splitPart: boolean): Promise<StructureCheck> {
  const size = src.size;
  if (size < HEADER + 80) return incomplete(`CZI truncated: the file header is cut at byte ${size}`);
  const h = await src.get(0, HEADER + 80);
  if (idOf(h) !== "ZISRAWFILE") return UNKNOWN;
  const filePart = h.readInt32LE(80);
  const dirAt = Number(h.readBigInt64LE(84));
  const metaAt = Number(h.readBigInt64LE(92));
  const attAt = Number(h.readBigInt64LE(104));
  // A split part `x (1).czi` may carry no directory of its own (x.czi's lists its subblocks).
  if (dirAt === 0)
    return splitPart || filePart > 0
      ? UNKNOWN
      : incomplete("CZI incomplete: no subblock directory yet (ZEN writes it when the acquisition ends)");
  const dir = await segment(src, dirAt, "ZISRAWDIRECTORY", "its subblock directory");
  if ("problem" in dir) return dir.problem;
  if (dir.used > DIRECTORY_MAX) return UNKNOWN;
  const d = await src.get(dirAt + HEADER, dir.used);
  const count = d.readInt32LE(0);
  const subblocks: number[] = [];
  for (let i = 0, o = 128; i < count; i++) {
    if (o + 32 > d.length) return UNKNOWN;
    if (d.toString("latin1", o, o + 2) !== "DV") return UNKNOWN;
    const at = Number(d.readBigInt64LE(o + 6));
    const part = d.readInt32LE(o + 14);
    if (part === filePart) {
      if (at + HEADER > size)
        return incomplete(`CZI truncated: subblock ${i} at byte ${at} lies beyond the end (${size} bytes)`);
      subblocks.push(at);
    }
    o += 32 + 20 * d.readInt32LE(o + 28);
  }
  subblocks.sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(subblocks.length / SAMPLES));
  const picks = subblocks.filter((_, i) => i % step === 0);
  if (subblocks.length > 0) picks.push(subblocks[subblocks.length - 1]!);
  for (const at of picks) {
    const s = await segment(src, at, "ZISRAWSUBBLOCK", `the subblock at byte ${at}`);
    if ("problem" in s) return s.problem;
  }
  if (metaAt !== 0) {
    const m = await segment(src, metaAt, "ZISRAWMETADATA", "its metadata");
    if ("problem" in m) return m.problem;
  }
  if (attAt !== 0) {
    const a = await segment(src, attAt, "ZISRAWATTDIR", "its attachment directory");
    if ("problem" in a) return a.problem;
    if (a.used > DIRECTORY_MAX) return UNKNOWN;
    const ad = await src.get(attAt + HEADER, a.used);
    const n = ad.readInt32LE(0);
    for (let i = 0, o = 256; i < n && o + 128 <= ad.length; i++, o += 128) {
      if (ad.readInt32LE(o + 20) !== filePart) continue;
      const at = Number(ad.readBigInt64LE(o + 12));
      const s = await segment(
        src,
        at,
        "ZISRAWATTACH",
        `attachment ${ad.toString("latin1", o + 48, o + 128).replace(/\0.*$/s, "")}`,
      );
      if ("problem" in s) return s.problem;
    }
  }
  return COMPLETE;
}
