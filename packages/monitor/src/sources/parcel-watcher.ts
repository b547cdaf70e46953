/**
 * The native watcher where the platform watches a tree in one handle (macOS FSEvents, Windows
 * ReadDirectoryChangesW; on Linux its inotify backend, which the tests run): @parcel/watcher's
 * subscribe (native.ts), plus two kinds of fs.watch (dirwatch.ts), all reported through the
 * watcher hooks (watcher.ts):
 *
 * - the fast path: parcel hands events over in batches 50-500 ms apart, so the watch directory
 *   and the most recently active directories (within a budget) also have an fs.watch whose new
 *   files are reported at once (`fastSighting`);
 * - supplements: parcel adds a watch only when it sees a directory's own create event, so a
 *   directory made inside a new directory before that one's watch existed (cp -r, mkdir -p), or
 *   below a moved-in tree, gets an fs.watch of its own until parcel proves it watches it.
 */
import * as path from "node:path";
import { messageOf } from "../errors";
import { DirWatches, FastWatches } from "./dirwatch";
import { NativeSource } from "./native";
import type { EventOrigin, RawEvent, Watcher, WatcherHooks } from "./watcher";

export interface ParcelWatcherOptions {
  /** Blacklisted and unwatchable directories: no watches there. */
  ignore: () => string[];
  /** Is a path in the monitor's tree (activity outside it moves no fast watch). */
  inScope: (p: string) => boolean;
  /** Fast path budget (PipelineTimings.fastWatchDirs; 0 = no fast path). */
  fastWatchDirs: number;
  /** Test hook: hold every parcel batch this long (PipelineTimings.nativeDelayMs). */
  delayMs: number;
}

export class ParcelWatcher implements Watcher {
  readonly description = "@parcel/watcher subscribe, with a fast path";
  private readonly sub: NativeSource;
  private readonly supplements: DirWatches;
  private readonly fast: FastWatches;
  /** Between started() and close(): supplements and fast watches may be added. */
  private running = false;
  private subscribed = false;

  constructor(
    private readonly watchDir: string,
    private readonly hooks: WatcherHooks,
    private readonly o: ParcelWatcherOptions,
  ) {
    this.sub = new NativeSource(
      watchDir,
      o.ignore,
      {
        events: (events) => this.onBatch(events),
        error: (err) => hooks.error(err),
        unwatchable: (dir, why) => hooks.unwatchable(dir, why),
      },
      o.delayMs,
    );
    this.supplements = new DirWatches((dir, type, name) => this.onSupplement(dir, type, name));
    this.fast = new FastWatches(
      watchDir,
      (dir, type, name) => this.onFast(dir, type, name),
      (level, m) => hooks.log(level, m),
    );
  }

  get size(): number {
    return (this.subscribed ? 1 : 0) + this.supplements.size + this.fast.size;
  }

  async open(): Promise<void> {
    await this.sub.open();
    this.subscribed = true;
  }

  /** The fast path on the watch directory and, within the budget, the shallowest of `dirs`. */
  started(dirs: string[]): void {
    this.running = true;
    this.fast.start(
      dirs.filter((d) => d !== this.watchDir),
      this.o.fastWatchDirs,
    );
  }

  async close(): Promise<void> {
    this.running = false;
    this.subscribed = false;
    this.supplements.closeAll();
    this.fast.closeAll();
    await this.sub.close((e) => this.hooks.log("warn", `unsubscribe: ${messageOf(e)}`));
  }

  newDir(dir: string, origin: EventOrigin | "listing"): void {
    if (!this.running) return;
    if (origin === "batch") {
      // parcel watches it already; a fast watch from before (same name, deleted and made again)
      // watches a dead inode: renewed, before the listing, so nothing falls between.
      this.fast.remove(dir);
      this.fast.touch(dir);
      return;
    }
    this.supplement(dir);
  }

  dirGone(dir: string): void {
    this.supplements.closeBelow(dir);
    this.fast.removeBelow(dir);
  }

  /** parcel does not follow links: the link and every folder below it get a supplement. */
  followLink(link: string, dirsBelow: () => string[]): void {
    if (!this.running || this.supplements.has(link)) return;
    this.supplement(link);
    for (const d of dirsBelow()) this.supplement(d);
  }

  private supplement(dir: string): void {
    if (!this.running || this.supplements.has(dir)) return;
    const failed = this.supplements.add(dir);
    if (failed) {
      this.hooks.log("debug", `fs.watch ${dir}: ${messageOf(failed.error)}`);
      this.hooks.lost();
    }
  }

  /**
   * A batch: where it reports, parcel watches (a supplement there is no longer needed), and the
   * directories with activity get a fast watch (or stay most recent).
   */
  private onBatch(events: RawEvent[]): void {
    if (this.running) {
      let lastParent = "";
      for (const ev of events) {
        if (!this.o.inScope(ev.path)) continue;
        const parent = path.dirname(ev.path);
        if (this.supplements.size > 0) {
          this.supplements.close(parent);
          if (ev.type === "create") this.supplements.close(ev.path);
        }
        if (parent !== lastParent) {
          lastParent = parent;
          this.fast.touch(parent);
        }
      }
    }
    this.hooks.events(events, "batch");
  }

  private onSupplement(dir: string, type: string, name: string | null): void {
    if (name === null) {
      this.hooks.lost();
      return;
    }
    this.hooks.events([{ path: path.join(dir, name), type: type === "change" ? "update" : "create" }], "supplement");
  }

  /** Only entries appearing or vanishing ("rename"): modifications are parcel's (its batches coalesce them). */
  private onFast(dir: string, type: string, name: string | null): void {
    if (type !== "rename" || name === null || !this.running) return;
    this.fast.refresh(dir);
    this.hooks.fastSighting(dir, name);
  }
}
