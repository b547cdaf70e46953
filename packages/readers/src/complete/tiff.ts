/**
 * TIFF / BigTIFF structure: every IFD (main chain and SubIFDs), every tag value stored outside its
 * IFD, and every strip/tile byte range lies inside the file. Compressed strips need only their
 * ranges inside the file: the pixels are never read (Bio-Formats' TiffParser reads strips at
 * StripOffsets for StripByteCounts bytes; a range past the end is what a truncated copy looks like).
 */
import { num, parseTiffHeader, type TiffHeader, TYPE_SIZE } from "../tiff";
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

const STRIP_OFFSETS = 273;
const STRIP_BYTE_COUNTS = 279;
const TILE_OFFSETS = 324;
const TILE_BYTE_COUNTS = 325;
const SUB_IFDS = 330;
const IMAGE_DESCRIPTION = 270;
/** More IFDs than this in one file is treated as corrupt rather than walked. */
const MAX_IFDS = 2_000_000;

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Absolute offset of the value (inside the IFD when it fits). */
  at: number;
  bytes: number;
}

export interface TiffWalk {
  check: StructureCheck;
  /** IFDs of the main chain (SubIFDs not counted), when the walk got through it. */
  ifds: number;
  /** The first IFD's ImageDescription, when present and inside the file. */
  description: string | null;
}

async function values(src: Bytes, h: TiffHeader, e: Entry): Promise<number[]> {
  const size = TYPE_SIZE[e.type]!;
  const b = await src.get(e.at, e.bytes);
  const out: number[] = [];
  for (let i = 0; i + size <= b.length && i / size < e.count; i += size) out.push(num(b, i, size, h.littleEndian));
  return out;
}

class Walker {
  ifds = 0;
  description: string | null = null;
  private visited = new Set<number>();
  constructor(
    private readonly src: Bytes,
    private readonly h: TiffHeader,
  ) {}

  private get end(): number {
    return this.src.size;
  }

  /** Walks one IFD chain; returns a problem or null. `label` names the chain ("IFD", "SubIFD"). */
  async chain(start: number, main: boolean): Promise<StructureCheck | null> {
    const h = this.h;
    const countSize = h.bigTiff ? 8 : 2;
    const entrySize = h.bigTiff ? 20 : 12;
    const offSize = h.bigTiff ? 8 : 4;
    let index = 0;
    for (let off = start; off !== 0; index++) {
      const label = main ? `IFD ${index}` : `SubIFD ${index} (chain at byte ${start})`;
      if (this.visited.has(off) || this.visited.size >= MAX_IFDS) return UNKNOWN;
      this.visited.add(off);
      if (off + countSize > this.end)
        return incomplete(`TIFF truncated: ${label} at byte ${off} lies beyond the end (${this.end} bytes)`);
      const n = num(await this.src.get(off, countSize), 0, countSize, h.littleEndian);
      if (n === 0) return incomplete(`TIFF incomplete: ${label} at byte ${off} has no entries (not written yet?)`);
      if (n > 65535) return UNKNOWN;
      const bodyEnd = off + countSize + n * entrySize + offSize;
      if (bodyEnd > this.end) return incomplete(`TIFF truncated: ${label} ends at byte ${bodyEnd} of ${this.end}`);
      const body = await this.src.get(off + countSize, n * entrySize + offSize);
      const entries: Entry[] = [];
      for (let i = 0; i < n; i++) {
        const e = i * entrySize;
        const type = num(body, e + 2, 2, h.littleEndian);
        const size = TYPE_SIZE[type];
        if (size === undefined) continue;
        const count = num(body, e + 4, offSize, h.littleEndian);
        const bytes = size * count;
        const inline = bytes <= offSize;
        const at = inline ? off + countSize + e + 4 + offSize : num(body, e + 4 + offSize, offSize, h.littleEndian);
        const entry = { tag: num(body, e, 2, h.littleEndian), type, count, at, bytes };
        if (!inline && at + bytes > this.end)
          return incomplete(`TIFF truncated: tag ${entry.tag} of ${label} ends at byte ${at + bytes} of ${this.end}`);
        entries.push(entry);
      }
      if (main && index === 0) {
        const d = entries.find((e) => e.tag === IMAGE_DESCRIPTION && e.type === 2);
        if (d) {
          const b = await this.src.get(d.at, d.bytes);
          const z = b.indexOf(0);
          this.description = b.toString("utf8", 0, z < 0 ? b.length : z);
        }
      }
      const problem =
        (await this.ranges(entries, STRIP_OFFSETS, STRIP_BYTE_COUNTS, "strip", label)) ??
        (await this.ranges(entries, TILE_OFFSETS, TILE_BYTE_COUNTS, "tile", label));
      if (problem) return problem;
      const sub = entries.find((e) => e.tag === SUB_IFDS);
      if (sub) {
        for (const s of await values(this.src, h, sub)) {
          const p = await this.chain(s, false);
          if (p) return p;
        }
      }
      if (main) this.ifds++;
      off = num(body, n * entrySize, offSize, h.littleEndian);
    }
    return null;
  }

  private async ranges(
    entries: Entry[],
    offTag: number,
    countTag: number,
    what: string,
    label: string,
  ): Promise<StructureCheck | null> {
    const o = entries.find((e) => e.tag === offTag);
    const c = entries.find((e) => e.tag === countTag);
    if (!o || !c) return null;
    const offsets = await values(this.src, this.h, o);
    const counts = await values(this.src, this.h, c);
    for (let i = 0; i < Math.min(offsets.length, counts.length); i++) {
      const end = offsets[i]! + counts[i]!;
      if (counts[i]! > 0 && end > this.end)
        return incomplete(`TIFF truncated: ${what} ${i} of ${label} ends at byte ${end} of ${this.end}`);
    }
    return null;
  }
}

/** Walks every IFD of a TIFF/BigTIFF; `check` is unknown when the bytes are not a TIFF. */
export async function walkTiff(src: Bytes): Promise<TiffWalk> {
  const h = parseTiffHeader(await src.get(0, 16));
  if (!h) return { check: UNKNOWN, ifds: 0, description: null };
  const w = new Walker(src, h);
  const problem = await w.chain(h.firstIfd, true);
  // A classic TIFF past 4 GiB (Zeiss LSM, Hamamatsu NDPI) wraps its 32-bit offsets: nothing proven.
  if (problem && !h.bigTiff && src.size > 0xffffffff)
    return { check: UNKNOWN, ifds: w.ifds, description: w.description };
  return { check: problem ?? COMPLETE, ifds: w.ifds, description: w.description };
}

/** Only counts the main chain's IFDs (two small reads each): for OME-TIFF plane checks of other files. */
export async function countIfds(src: Bytes): Promise<number | null> {
  const h = parseTiffHeader(await src.get(0, 16));
  if (!h) return null;
  const countSize = h.bigTiff ? 8 : 2;
  const entrySize = h.bigTiff ? 20 : 12;
  const offSize = h.bigTiff ? 8 : 4;
  const seen = new Set<number>();
  let n = 0;
  for (let off = h.firstIfd; off !== 0 && off + countSize <= src.size && !seen.has(off) && n < MAX_IFDS; n++) {
    seen.add(off);
    const entries = num(await src.get(off, countSize), 0, countSize, h.littleEndian);
    const nextAt = off + countSize + entries * entrySize;
    if (entries === 0 || nextAt + offSize > src.size) break;
    off = num(await src.get(nextAt, offSize), 0, offSize, h.littleEndian);
  }
  return n;
}
