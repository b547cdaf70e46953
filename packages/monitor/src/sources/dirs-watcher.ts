/**
 * The native watcher on Linux (core/policy.ts chooseWatcher): one non-recursive fs.watch (libuv
 * inotify) per directory of the known-set, instead of @parcel/watcher's subscribe, whose native
 * tree of every file (~280 MiB at a million files) is the monitor's largest cost. The monitor
 * says which directories to watch (a new one before it is listed, so nothing falls between) and
 * which to stop watching (a directory gone or replaced, and everything below it); this only
 * reports what the kernel said, and what it could not watch (sources/watcher.ts):
 *
 * - 'rename' (an entry appeared or went) is a create sighting, 'change' an update: the monitor
 *   lstats and judges every sighting against the known-set;
 * - an event about the watched directory itself (deleted, moved, replaced: libuv names it by its
 *   own base name) whose inode is no longer the one watched: `selfChanged`;
 * - name null: events were lost, verify the whole tree;
 * - a directory that cannot be watched: EACCES is `unwatchable` (left out, like an unreadable
 *   folder); out of watches (ENOSPC: max_user_watches; EMFILE) is said once, clearly, and every
 *   directory without a watch is listed every `relistMs` and watched as soon as the kernel allows
 *   (`relist`), so nothing is lost; anything else goes the same way.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { outOfWatchesMessage, watchFailureOf } from "../core/policy";
import { messageOf } from "../errors";
import { type AddFailure, DirWatches } from "./dirwatch";
import type { Watcher, WatcherHooks } from "./watcher";

export class DirsWatcher implements Watcher {
  readonly description = "inotify, one fs.watch per directory";
  private readonly watches: DirWatches;
  /** Directories that should have a watch but have none: listed every relistMs, retried. */
  private readonly unwatched = new Set<string>();
  private relistTimer: NodeJS.Timeout | null = null;
  private warnedFull = false;
  private opened = false;

  constructor(
    private readonly watchDir: string,
    private readonly reports: WatcherHooks,
    private readonly relistMs: number,
    /** Test hook (PipelineTimings.maxDirWatches): refuse watches beyond this many as ENOSPC (0 = off). */
    private readonly maxWatches = 0,
  ) {
    this.watches = new DirWatches(
      (dir, type, name) => this.onEvent(dir, type, name),
      (dir, e) => this.failed(dir, "other", undefined, e),
    );
  }

  get size(): number {
    return this.watches.size;
  }

  /** Watch the watch directory (throws when it cannot be watched) and `dirs`. */
  async open(dirs: string[]): Promise<void> {
    await this.close();
    const f = this.watches.add(this.watchDir);
    if (f) throw f.error;
    this.opened = true;
    for (const d of dirs) if (d !== this.watchDir) this.watch(d);
  }

  /** Every directory is watched from open on: nothing more to start. */
  started(): void {}

  /** A new directory (whoever found it): watched before it is listed. */
  newDir(dir: string): void {
    this.watch(dir);
  }

  /** A followed link is watched like any directory (fs.watch follows the link); those below as they are found. */
  followLink(link: string): void {
    this.watch(link);
  }

  private watch(dir: string): void {
    if (!this.opened || this.watches.has(dir)) return;
    const f = this.add(dir);
    if (!f) {
      this.unwatched.delete(dir);
      return;
    }
    this.failed(dir, watchFailureOf(f.code), f.code, f.error);
  }

  /** `dir` and everything below it are gone (or replaced): their watches go. */
  dirGone(dir: string): void {
    this.watches.closeBelow(dir);
    if (this.unwatched.size === 0) return;
    for (const d of [...this.unwatched]) if (d === dir || d.startsWith(`${dir}/`)) this.unwatched.delete(d);
  }

  async close(): Promise<void> {
    this.opened = false;
    this.watches.closeAll();
    this.unwatched.clear();
    if (this.relistTimer) clearTimeout(this.relistTimer);
    this.relistTimer = null;
    this.warnedFull = false;
    // libuv keeps a closed watch's inotify descriptor while it is handing out that descriptor's
    // events, and this may be called from one of their callbacks (control requests queued on the
    // socket are read there: a stop and a start in one callback were seen). A watch added on the
    // same directory before it lets go joins the old descriptor and is handed what happened
    // while closed as live events. One turn of the event loop lets it go.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private add(dir: string): AddFailure | null {
    if (this.maxWatches > 0 && this.watches.size >= this.maxWatches) {
      const error = Object.assign(new Error(`ENOSPC: no space left on device, watch '${dir}' (test hook)`), {
        code: "ENOSPC",
      });
      return { kind: "full", code: "ENOSPC", error };
    }
    return this.watches.add(dir);
  }

  private failed(dir: string, kind: ReturnType<typeof watchFailureOf>, code: string | undefined, e: unknown): void {
    if (kind === "gone") return; // the listing that follows (or the parent's event) says it is gone
    if (kind === "denied") {
      this.reports.unwatchable(dir, code === "EACCES" ? "Permission denied" : messageOf(e));
      return;
    }
    if (kind === "full" && !this.warnedFull) {
      this.warnedFull = true;
      this.reports.log("warn", outOfWatchesMessage(dir, code, this.watches.size, maxUserWatches(), this.relistMs));
    } else if (kind === "other") {
      this.reports.log(
        "warn",
        `cannot watch ${dir} (${messageOf(e)}); listing it every ${this.relistMs / 1000} s instead`,
      );
    }
    this.unwatched.add(dir);
    this.scheduleRelist();
  }

  private scheduleRelist(): void {
    if (this.relistTimer || !this.opened) return;
    this.relistTimer = setTimeout(() => {
      this.relistTimer = null;
      if (!this.opened) return;
      const dirs = [...this.unwatched];
      // Retry first, list after: a directory that gets its watch now misses nothing.
      for (const d of dirs) {
        if (!fs.existsSync(d)) {
          this.unwatched.delete(d);
          continue;
        }
        const f = this.add(d);
        if (!f) this.unwatched.delete(d);
      }
      if (this.unwatched.size === 0 && this.warnedFull) {
        this.warnedFull = false;
        this.reports.log("info", `every folder has its inotify watch again (${this.watches.size})`);
      }
      this.reports.relist(dirs);
      if (this.unwatched.size > 0) this.scheduleRelist();
    }, this.relistMs);
  }

  private onEvent(dir: string, type: string, name: string | null): void {
    if (name === null) {
      this.reports.lost();
      return;
    }
    const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
    if (type === "rename" && name === path.basename(dir) && !fs.existsSync(p)) {
      // Maybe about the directory itself (IN_DELETE_SELF, IN_MOVE_SELF: libuv names it by its
      // own base name): is the directory at the path still the one watched?
      const st = fs.statSync(dir, { throwIfNoEntry: false });
      if (!st?.isDirectory() || !this.watches.watchesSame(dir, st)) {
        this.reports.selfChanged(dir);
        return;
      }
    }
    this.reports.events([{ path: p, type: type === "change" ? "update" : "create" }], "single");
  }
}

function maxUserWatches(): number | null {
  try {
    const n = Number.parseInt(fs.readFileSync("/proc/sys/fs/inotify/max_user_watches", "utf8").trim(), 10);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}
