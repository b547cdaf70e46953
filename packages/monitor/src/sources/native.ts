/**
 * @parcel/watcher `subscribe` (FSEvents, ReadDirectoryChangesW; inotify on Linux): the
 * subscription of ParcelWatcher (parcel-watcher.ts). It only reports what parcel says, in order.
 */
import type * as Parcel from "@parcel/watcher";
import { messageOf } from "../errors";
import type { RawEvent } from "./watcher";

let loaded: typeof Parcel | null = null;

/**
 * @parcel/watcher, loaded on first use: on Linux only the poll backend needs it, and loading its
 * native module costs ~7.5 MiB of RSS.
 */
export function parcelWatcher(): typeof Parcel {
  loaded ??= require("@parcel/watcher") as typeof Parcel;
  return loaded;
}

/** Watcher events reported in one turn of the event loop. */
export const RAW_SLICE = 2000;

export interface NativeReports {
  /** A batch, or a slice of a large one (batches stay in order). */
  events(events: RawEvent[]): void;
  error(err: Error): void;
  /** A subdirectory the watcher cannot watch: it is left out of the subscription. */
  unwatchable(dir: string, why: string): void;
}

export class NativeSource {
  private sub: Parcel.AsyncSubscription | null = null;
  /** Incremented on every subscribe/close, so late callbacks of an old subscription are ignored. */
  private gen = 0;
  /** Batches (or their rest) waiting to be reported in slices. */
  private queue: { events: RawEvent[]; next: number }[] = [];
  private draining = false;

  constructor(
    private readonly watchDir: string,
    /** Blacklisted and unwatchable directories: no watches there. */
    private readonly ignore: () => string[],
    private readonly report: NativeReports,
    /** Test hook: hold every batch this long (0 = off). */
    private readonly delayMs: number,
  ) {}

  get subscribed(): boolean {
    return this.sub !== null;
  }

  /** Subscribe; an unreadable subdirectory is reported and left out, anything else throws. */
  async open(): Promise<void> {
    const gen = ++this.gen;
    this.queue = [];
    this.draining = false;
    for (let attempt = 0; ; attempt++) {
      try {
        this.sub = await parcelWatcher().subscribe(
          this.watchDir,
          (err, events) => {
            if (gen !== this.gen) return;
            const handle = () => {
              if (gen !== this.gen) return;
              if (err) this.report.error(err);
              else this.onBatch(events, gen);
            };
            if (this.delayMs > 0) setTimeout(handle, this.delayMs);
            else handle();
          },
          // On Linux (the tests) its inotify backend, never watchman, whatever is installed.
          { ignore: this.ignore(), ...(process.platform === "linux" ? { backend: "inotify" as const } : {}) },
        );
        return;
      } catch (e) {
        const m = /inotify_add_watch on '(.*)' failed: (Permission denied|No such file or directory)/.exec(
          messageOf(e),
        );
        if (m && attempt < 50 && m[1] !== this.watchDir) {
          this.report.unwatchable(m[1], m[2]);
          continue;
        }
        throw e;
      }
    }
  }

  /** Unsubscribe; pending slices are dropped (a stop's final comparison or a rescan covers them). */
  async close(onError: (e: unknown) => void): Promise<void> {
    this.gen++;
    this.queue = [];
    this.draining = false;
    const sub = this.sub;
    this.sub = null;
    if (sub) await sub.unsubscribe().catch(onError);
  }

  /**
   * A large batch (a burst: tens of thousands of events) is reported in slices of RAW_SLICE with
   * a turn of the event loop between them, so blocks already published leave the send queue and
   * their garbage dies young, instead of one multi-second pass that holds every block, inflates
   * the heap and trips the stall detector. A batch arriving meanwhile waits behind.
   */
  private onBatch(events: RawEvent[], gen: number): void {
    if (this.queue.length === 0 && events.length <= RAW_SLICE) {
      this.report.events(events);
      return;
    }
    this.queue.push({ events, next: 0 });
    if (!this.draining) this.drain(gen);
  }

  private drain(gen: number): void {
    this.draining = true;
    const head = this.queue[0];
    const slice = head.events.slice(head.next, head.next + RAW_SLICE);
    head.next += RAW_SLICE;
    if (head.next >= head.events.length) this.queue.shift();
    this.report.events(slice);
    if (this.queue.length === 0) {
      this.draining = false;
      return;
    }
    setImmediate(() => {
      if (gen === this.gen) this.drain(gen);
    });
  }
}
