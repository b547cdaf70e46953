/**
 * Poll source: every pollIntervalMs, a new @parcel/watcher snapshot of the tree and the diff of
 * the tree against the previous one. It only reports the diff; the monitor compares it with the
 * known-set like any watcher batch, and decides when polling is used (docs/ARCHITECTURE.md,
 * "MonitorServer pipeline").
 */
import * as fs from "node:fs";
import { messageOf } from "../errors";
import { parcelWatcher } from "./native";
import type { RawEvent } from "./watcher";

export interface PollReports {
  /** The diff of one poll (maybe empty); the monitor then lists what it touched. */
  events(events: RawEvent[]): void;
  /** The watch directory is not there (any more). */
  rootMissing(): void;
  failed(why: string): void;
}

export class PollSource {
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly watchDir: string,
    /** The snapshot the diff is taken against (written by the monitor at start). */
    private readonly snapshotFile: string,
    private readonly ignore: () => string[],
    private readonly intervalMs: number,
    private readonly report: PollReports,
  ) {}

  /** Poll every intervalMs until stop(). */
  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The poll under way, if any (stop waits for it). */
  settled(): Promise<void> {
    return this.chain;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.running) return;
      void this.pollNow().finally(() => {
        if (this.running && !this.timer) this.schedule();
      });
    }, this.intervalMs);
  }

  /** One poll now (serialised with the others): sync uses it to see its cookie at once. */
  pollNow(): Promise<void> {
    const run = async () => {
      if (!this.running) return;
      if (!fs.statSync(this.watchDir, { throwIfNoEntry: false })?.isDirectory()) {
        this.report.rootMissing();
        return;
      }
      // New snapshot first, then the diff against the old one: a change in between shows up
      // in this diff and maybe the next (dropped by the known-set), never in neither.
      const next = `${this.snapshotFile}.next`;
      try {
        const parcel = parcelWatcher();
        await parcel.writeSnapshot(this.watchDir, next, { ignore: this.ignore() });
        const events = await parcel.getEventsSince(this.watchDir, this.snapshotFile, { ignore: this.ignore() });
        fs.renameSync(next, this.snapshotFile);
        this.report.events(events);
      } catch (e) {
        this.report.failed(messageOf(e));
      }
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }
}
