/**
 * fs.watch sources: non-recursive watches of single directories (libuv inotify, no debounce).
 * Two uses, both chosen and fed by the monitor: the fast path (a new file published within
 * fastWindowMs instead of the watcher's 50-500 ms batches; least-recently-active directories
 * under a budget) and supplements (directories the watcher does not watch yet). They only report
 * what they saw: (directory, "rename" | "change", name | null when the kernel lost events).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { depthOf, fastWatchBudget, parseMaxUserWatches, RecentDirs } from "../core/fastpath";
import { errnoOf, messageOf } from "../errors";

export type DirReport = (dir: string, type: string, name: string | null) => void;

/** Why adding a watch failed: "full" = out of watches or descriptors (add no more), "other". */
export type AddFailure = { kind: "full" | "other"; code: string | undefined; error: unknown };

export class DirWatches {
  private readonly watches = new Map<string, { w: fs.FSWatcher; ino: number; birth: number; orphan: boolean }>();
  /** Watched directories by parent path, so closing a subtree costs the subtree, not every watch. */
  private readonly kids = new Map<string, Set<string>>();
  /**
   * Watches whose parent has none (the top one; below a directory left without a watch): the
   * index cannot reach them from above, so with more than one, closing a subtree scans them all.
   */
  private orphans = 0;

  constructor(
    private readonly report: DirReport,
    /** A watch failed after it was added (the watch is closed already). */
    private readonly failed: (dir: string, error: Error) => void = () => undefined,
  ) {}

  get size(): number {
    return this.watches.size;
  }

  has(dir: string): boolean {
    return this.watches.has(dir);
  }

  /**
   * Is `st` (a stat of `dir` now) the directory the watch was added on? A watch follows the
   * inode, not the path; ext4 reuses a deleted directory's inode number at once, so the birth
   * time tells them apart (where the file system has none, it is 0 on both sides).
   */
  watchesSame(dir: string, st: fs.Stats): boolean {
    const e = this.watches.get(dir);
    return e !== undefined && e.ino === st.ino && e.birth === st.birthtimeMs;
  }

  /** Watch `dir`; null when done (or already watched), else why not. */
  add(dir: string): AddFailure | null {
    if (this.watches.has(dir)) return null;
    try {
      const w = fs.watch(dir, { persistent: false }, (type, name) =>
        this.report(dir, type, name === null ? null : name.toString()),
      );
      w.on("error", (e: Error) => {
        this.close(dir);
        this.failed(dir, e);
      });
      // After the watch: an inode that changed in between is a self event, seen as a replacement.
      const st = fs.statSync(dir, { throwIfNoEntry: false });
      const orphan = !this.watches.has(path.dirname(dir));
      if (orphan) this.orphans++;
      this.watches.set(dir, { w, ino: st?.ino ?? 0, birth: st?.birthtimeMs ?? 0, orphan });
      const parent = path.dirname(dir);
      let set = this.kids.get(parent);
      if (!set) {
        set = new Set();
        this.kids.set(parent, set);
      }
      set.add(dir);
      return null;
    } catch (e) {
      const code = errnoOf(e);
      const full = code === "ENOSPC" || code === "EMFILE" || code === "ENFILE";
      return { kind: full ? "full" : "other", code, error: e };
    }
  }

  close(dir: string): void {
    const entry = this.watches.get(dir);
    if (!entry) return;
    entry.w.close();
    this.watches.delete(dir);
    if (entry.orphan) this.orphans--;
    // Watched directories below it can no longer be reached from above.
    for (const c of this.kids.get(dir) ?? []) {
      const e = this.watches.get(c);
      if (e && !e.orphan) {
        e.orphan = true;
        this.orphans++;
      }
    }
    const parent = path.dirname(dir);
    const set = this.kids.get(parent);
    set?.delete(dir);
    if (set?.size === 0) this.kids.delete(parent);
  }

  /** `dir` and every watched directory below it. */
  closeBelow(dir: string): void {
    if (this.orphans > 1) {
      for (const d of [...this.watches.keys()]) if (d === dir || d.startsWith(`${dir}/`)) this.close(d);
      return;
    }
    this.closeTree(dir);
  }

  /**
   * Children first, so closing a directory leaves no watch below it unreachable. Iterative: a
   * subtree may be thousands of levels deep.
   */
  private closeTree(dir: string): void {
    const order: string[] = [];
    const stack = [dir];
    while (stack.length > 0) {
      const d = stack.pop()!;
      order.push(d);
      for (const c of this.kids.get(d) ?? []) stack.push(c);
    }
    // Reversed pre-order: every directory after everything below it.
    for (let i = order.length - 1; i >= 0; i--) this.close(order[i]!);
  }

  closeAll(): void {
    for (const { w } of this.watches.values()) w.close();
    this.watches.clear();
    this.kids.clear();
    this.orphans = 0;
  }
}

/**
 * The fast path's watches: the watch directory always, others least-recently-active within a
 * budget (core/fastpath.ts decides the budget and the eviction order).
 */
export class FastWatches {
  private readonly watches: DirWatches;
  private recent = new RecentDirs(0);
  /** fs.watch failed for lack of watches or descriptors: add no more until the next reset. */
  private full = false;

  constructor(
    private readonly watchDir: string,
    report: DirReport,
    private readonly log: (level: "debug" | "info" | "warn", message: string) => void,
  ) {
    this.watches = new DirWatches(report);
  }

  get size(): number {
    return this.watches.size;
  }

  get capacity(): number {
    return this.recent.capacity;
  }

  has(dir: string): boolean {
    return this.watches.has(dir);
  }

  /** Start over with `budget` watches: the watch directory and budget - 1 others (0 = none at all). */
  reset(budget: number): void {
    this.closeAll();
    this.full = false;
    this.recent = new RecentDirs(Math.max(0, budget - 1));
    if (budget > 0) this.add(this.watchDir);
  }

  /**
   * Watch the watch directory and, within the budget (at most `configured`, and half the inotify
   * limit minus the watcher's own watches), the shallowest of `dirs` (the others in scope).
   */
  start(dirs: string[], configured: number): void {
    this.reset(0);
    if (configured <= 0) return;
    let max: string | null = null;
    try {
      max = fs.readFileSync("/proc/sys/fs/inotify/max_user_watches", "utf8");
    } catch {
      // not Linux: the configured cap alone
    }
    const budget = fastWatchBudget(configured, parseMaxUserWatches(max), dirs.length + 1);
    if (budget <= 0) {
      this.log("warn", `no inotify watches to spare for the fast path; events come in batches`);
      return;
    }
    this.reset(budget);
    // Shallow directories first: with a tree larger than the budget, the top stays fast.
    dirs.sort((a, b) => depthOf(a) - depthOf(b));
    for (const d of dirs.slice(0, this.recent.capacity)) this.touch(d);
    this.log("info", `fast path on ${this.size} of ${dirs.length + 1} directories (budget ${budget})`);
  }

  /** Activity in `dir`: give it a fast watch (evicting the least recently active) or keep it most recent. */
  touch(dir: string): void {
    if (dir === this.watchDir) return;
    if (this.full && !this.recent.has(dir)) return;
    const { added, evicted } = this.recent.touch(dir);
    if (evicted !== null) this.watches.close(evicted);
    if (added && !this.add(dir)) this.recent.delete(dir);
  }

  /** Keep `dir` most recent if it has a watch (a sighting by the fast path itself). */
  refresh(dir: string): void {
    if (dir !== this.watchDir && this.watches.has(dir)) this.recent.touch(dir);
  }

  remove(dir: string): void {
    this.watches.close(dir);
    this.recent.delete(dir);
  }

  removeBelow(dir: string): void {
    if (this.watches.size === 0) return;
    for (const d of this.recent.below(dir)) this.remove(d);
  }

  closeAll(): void {
    this.watches.closeAll();
    this.recent.clear();
  }

  private add(dir: string): boolean {
    const f = this.watches.add(dir);
    if (!f) return true;
    if (f.kind !== "full") {
      this.log("debug", `fast watch ${dir}: ${messageOf(f.error)}`);
    } else {
      if (!this.full)
        this.log(
          "warn",
          `fast path limited to ${this.watches.size} directories (${f.code}); the others get the watcher's batches`,
        );
      this.full = true;
    }
    return false;
  }
}
