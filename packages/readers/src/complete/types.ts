/**
 * Structural completeness (issue 9): whether a file holds every byte its own structure says it
 * has (TIFF IFDs and strips, a header's dimensions x bits). Pure over an injected `ReadFn`; the
 * readers README ("Structural completeness") lists each rule and the Bio-Formats reader it follows.
 */
import type { ReadFn } from "../tiff";

/** complete: every structure the format declares lies inside the file; incomplete: one does not (reason
 * names it, e.g. "TIFF truncated: strip 12 of IFD 3 ends at byte X of Y"); unknown: not modelled. */
export type StructureCheck = { state: "complete" } | { state: "incomplete"; reason: string } | { state: "unknown" };

export const COMPLETE: StructureCheck = { state: "complete" };
export const UNKNOWN: StructureCheck = { state: "unknown" };
export const incomplete = (reason: string): StructureCheck => ({ state: "incomplete", reason });

/** The file ended before its stat size: it shrank (is being rewritten) while being checked. */
export class ShortRead extends Error {
  constructor(readonly at: number) {
    super(`file changed while being checked (it ends at byte ${at}, before its size)`);
  }
}

const BLOCK = 65536;
const MAX_BLOCKS = 32;

/**
 * Reads through `read` in aligned 64 KiB blocks (a small LRU), so walking thousands of IFDs costs
 * a few reads rather than one per field. Reads are clipped to the file size.
 */
export class Bytes {
  private readonly blocks = new Map<number, Buffer>();
  constructor(
    private readonly readFn: ReadFn,
    readonly size: number,
  ) {}

  /** Bytes [offset, offset+length), clipped at the end of the file. */
  async get(offset: number, length: number): Promise<Buffer> {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return Buffer.alloc(0);
    if (end - offset > BLOCK) {
      const b = Buffer.from(await this.readFn(offset, end - offset));
      if (b.length < end - offset) throw new ShortRead(offset + b.length);
      return b;
    }
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((end - 1) / BLOCK);
    const parts: Buffer[] = [];
    for (let b = first; b <= last; b++) parts.push(await this.block(b));
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const from = offset - first * BLOCK;
    const out = joined.subarray(from, from + (end - offset));
    if (out.length < end - offset) throw new ShortRead(offset + out.length);
    return out;
  }

  /**
   * Bytes [offset, offset+length) without caching the 64 KiB block around them: for small fields
   * scattered over a big file (a LIF memory block header per image, CZI subblock headers), where
   * get() would read 64 KiB per field. Clipped at the end of the file like get().
   */
  async peek(offset: number, length: number): Promise<Buffer> {
    const first = Math.floor(offset / BLOCK);
    if (this.blocks.has(first) && Math.floor((offset + length - 1) / BLOCK) === first) return this.get(offset, length);
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return Buffer.alloc(0);
    const b = Buffer.from(await this.readFn(offset, end - offset));
    if (b.length < end - offset) throw new ShortRead(offset + b.length);
    return b;
  }

  private async block(b: number): Promise<Buffer> {
    const hit = this.blocks.get(b);
    if (hit) {
      this.blocks.delete(b);
      this.blocks.set(b, hit);
      return hit;
    }
    const start = b * BLOCK;
    const want = Math.min(BLOCK, this.size - start);
    const buf = Buffer.from(await this.readFn(start, want));
    if (buf.length < want) throw new ShortRead(start + buf.length);
    this.blocks.set(b, buf);
    if (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    return buf;
  }
}
