/** Pure cutting of events into blocks with consecutive seq numbers (DESIGN.md section 3). No I/O. */
import { type EventBlock, type FsEvent, PROTOCOL_VERSION, type RescanNotice } from "@omero-fs/protocol";

/** Split into chunks of `blockSize` (0 = everything in one chunk). An empty list gives []. */
export function splitBlocks<T>(events: T[], blockSize: number): T[][] {
  if (events.length === 0) return [];
  if (blockSize <= 0) return [events];
  const out: T[][] = [];
  for (let i = 0; i < events.length; i += blockSize) out.push(events.slice(i, i + blockSize));
  return out;
}

/**
 * Blocks for one flush: seq lastSeq+1, +2, ... A rescan notice rides on the first block, or is a
 * block of its own (events []) when there are no events.
 */
export function buildBlocks(
  monitorId: string,
  lastSeq: number,
  events: FsEvent[],
  rescan: RescanNotice | null,
  blockSize: number,
): EventBlock[] {
  const chunks = splitBlocks(events, blockSize);
  if (chunks.length === 0 && rescan) chunks.push([]);
  return chunks.map((chunk, i) => ({
    v: PROTOCOL_VERSION,
    monitorId,
    seq: lastSeq + 1 + i,
    events: chunk,
    rescan: i === 0 ? rescan : null,
  }));
}
