/**
 * Leica LIF (Bio-Formats LIFReader.initFile). Little-endian: i32 0x70, i32 length, byte 0x2A,
 * i32 character count, the XML header in UTF-16; then memory blocks, each i32 0x70, i32 length,
 * byte 0x2A, the data size (i32, or i64 in version 2: told apart by the 0x2A that follows), byte
 * 0x2A, i32 character count, the block's id in UTF-16 (MemBlock_N), the data. A newer LIF may end
 * in zeros after its last block. Every `<Memory Size="N" MemoryBlockID="...">` of the XML with N > 0
 * must be a block whose data lies inside the file.
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

export const LIF_MAGIC = 0x70;
export const LIF_MEMORY = 0x2a;
/** An XML header larger than this is not read. */
const XML_MAX = 64 * 1024 * 1024;
const MAX_BLOCKS = 10_000_000;

export async function checkLif(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 13) return incomplete(`LIF truncated: the header is cut at byte ${size}`);
  const h = await src.get(0, 13);
  if (h.readInt32LE(0) !== LIF_MAGIC || h[8] !== LIF_MEMORY) return UNKNOWN;
  const xmlBytes = h.readInt32LE(9) * 2;
  if (xmlBytes < 0 || xmlBytes > XML_MAX) return UNKNOWN;
  if (13 + xmlBytes > size) return incomplete(`LIF truncated: the XML header ends at byte ${13 + xmlBytes} of ${size}`);
  const xml = (await src.get(13, xmlBytes)).toString("utf16le");
  const wanted = new Map<string, number>();
  for (const m of xml.matchAll(/<Memory\b([^>]*)>/g)) {
    const id = /\bMemoryBlockID="([^"]*)"/.exec(m[1]!)?.[1];
    const n = Number(/\bSize="(\d+)"/.exec(m[1]!)?.[1] ?? "0");
    if (id && n > 0) wanted.set(id, n);
  }
  const found = new Set<string>();
  let pos = 13 + xmlBytes;
  for (let blocks = 0; pos < size; blocks++) {
    if (blocks > MAX_BLOCKS) return UNKNOWN;
    if (pos + 4 > size) return incomplete(`LIF truncated: a memory block header is cut at byte ${size}`);
    const b = await src.peek(pos, 26);
    const magic = b.readInt32LE(0);
    if (magic === 0 && blocks > 0) break; // the zero tail of a newer LIF
    if (magic !== LIF_MAGIC) return UNKNOWN;
    if (b.length < 18) return incomplete(`LIF truncated: a memory block header is cut at byte ${size}`);
    let length: number;
    let at: number;
    if (b[13] === LIF_MEMORY) {
      length = b.readInt32LE(9);
      at = 14;
    } else {
      if (b.length < 22) return incomplete(`LIF truncated: a memory block header is cut at byte ${size}`);
      length = Number(b.readBigInt64LE(9));
      if (b[17] !== LIF_MEMORY) return UNKNOWN;
      at = 18;
    }
    const idBytes = b.readInt32LE(at) * 2;
    const idAt = pos + at + 4;
    if (idBytes < 0 || length < 0) return UNKNOWN;
    if (idAt + idBytes > size) return incomplete(`LIF truncated: a memory block header is cut at byte ${size}`);
    const id = (await src.peek(idAt, idBytes)).toString("utf16le");
    const end = idAt + idBytes + length;
    if (end > size) return incomplete(`LIF truncated: memory block ${id} ends at byte ${end} of ${size}`);
    found.add(id);
    pos = end;
  }
  for (const id of wanted.keys())
    if (!found.has(id)) return incomplete(`LIF incomplete: memory block ${id} (named in its XML) is not in the file`);
  return COMPLETE;
}
