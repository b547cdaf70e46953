/**
 * Events out of one monitor: pending events coalesced per path (core/coalesce.ts), one rescan
 * notice per flush (the widest path wins), publish filters (core/filters.ts), blocks with
 * consecutive seq (core/blocking.ts), the block log, and the counters getMonitorState reports.
 */
import type { Logger } from "@omero-fs/config";
import type { EventBlock, FsEvent, RescanNotice } from "@omero-fs/protocol";
import { buildBlocks, MAX_BLOCK_EVENTS } from "./core/blocking";
import { PendingEvents } from "./core/coalesce";
import { type PublishFilter, shouldPublish } from "./core/filters";
import { LogBudget } from "./core/policy";
import { noteWork } from "./collect";

const MAX_LOGGED_EVENTS = 20;
/**
 * Per-event INFO lines a second. A trickle is logged event by event; in a burst the fast path
 * makes many small blocks, and one line per event would cost more CPU than the events.
 */
const EVENT_LINES_PER_SECOND = 200;

export class Publisher {
  /** Last published seq (never reused, also across stop/start). */
  seq = 0;
  /** Events published in blocks since the monitor was created. */
  eventsPublished = 0;
  /** Rescan notices published since the monitor was created. */
  rescansPublished = 0;
  private readonly pending = new PendingEvents();
  private rescanNotice: RescanNotice | null = null;
  private readonly eventLines = new LogBudget(EVENT_LINES_PER_SECOND);

  constructor(
    private readonly monitorId: string,
    private readonly filter: PublishFilter,
    private readonly blockSize: number,
    private readonly log: Logger,
    private readonly send: (block: EventBlock) => void,
  ) {}

  /** Queue one event. Bounded: MAX_BLOCK_EVENTS pending are published at once (a burst, a moved-in tree). */
  add(ev: FsEvent): void {
    this.pending.add(ev);
    if (this.pending.size >= MAX_BLOCK_EVENTS) this.flush();
  }

  rescan(reason: string, p: string): void {
    if (!this.rescanNotice || p.length < this.rescanNotice.path.length) this.rescanNotice = { reason, path: p };
  }

  /** Publish everything pending as blocks of blockSize. */
  flush(): void {
    const events: FsEvent[] = this.pending.drain().filter((e) => shouldPublish(e, this.filter));
    const rescan = this.rescanNotice;
    this.rescanNotice = null;
    noteWork(events.length);
    for (const b of buildBlocks(this.monitorId, this.seq, events, rescan, this.blockSize)) {
      this.seq = b.seq;
      this.eventsPublished += b.events.length;
      if (b.rescan) this.rescansPublished++;
      this.send(b);
      this.logBlock(b);
    }
  }

  private logBlock(b: EventBlock): void {
    const counts: Record<string, number> = {};
    for (const e of b.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
    const summary = Object.entries(counts)
      .map(([t, n]) => `${n} ${t}`)
      .join(", ");
    const catchUp = b.events.some((e) => e.catchUp) ? " (catch-up)" : "";
    const rescan = b.rescan ? ` rescan ${JSON.stringify(b.rescan.path)}: ${b.rescan.reason}` : "";
    this.log.info(`monitor ${this.monitorId} block seq=${b.seq}: ${summary || "no events"}${catchUp}${rescan}`);
    const level =
      b.events.length <= MAX_LOGGED_EVENTS && this.eventLines.take(b.events.length, Date.now()) ? "info" : "debug";
    if (level === "debug" && !this.log.isDebugEnabled()) return;
    for (const e of b.events) this.log.log(level, `  ${e.type}${e.isDir ? " dir" : ""} ${JSON.stringify(e.path)}`);
  }
}
