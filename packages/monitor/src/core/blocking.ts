/**
 * Pure cutting of events into blocks with consecutive seq numbers (docs/ARCHITECTURE.md, "Wire
 * protocol"). No I/O.
 */
import { type EventBlock, type FsEvent, PROTOCOL_VERSION, type RescanNotice } from "@omero-fs/protocol";

/**
 * The most events in one block, whatever blockSize says: blockSize 0 means "everything pending",
 * and a burst of 100,000 files would otherwise be one ~15 MB JSON frame (plus its copies in the
 * send queue). A larger flush goes out as consecutive blocks of at most this many events (README
 * "Wire protocol"); a monitor also flushes as soon as this many events are pending.
 */
export const MAX_BLOCK_EVENTS = 5000;

/**
 * Split into chunks of `blockSize` (0 = everything, in chunks of at most `max`, default
 * MAX_BLOCK_EVENTS). An empty list gives [].
 */
export function splitBlocks<T>(events: T[], blockSize: number, max = MAX_BLOCK_EVENTS): T[][] {
  if (events.length === 0) return [];
  const size = blockSize <= 0 ? max : Math.min(blockSize, max);
  if (events.length <= size) return [events];
  const out: T[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
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
