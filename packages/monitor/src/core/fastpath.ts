/**
 * Pure decisions of the low-latency fast path (README "Fast path"). No I/O. What a sighting
 * means is compareWithKnown's (core/compare.ts), as for every source; fastPathSkips says which
 * sightings are the fast path's at all.
 *
 * @parcel/watcher delivers events in batches 50-500 ms apart (its Debounce), which bounds the
 * latency of a trickle. The fast path keeps a non-recursive fs.watch (libuv inotify, no
 * debounce) on the watch directory and on directories that had activity, and publishes a new
 * regular file after a short block window. The watcher stays the source of truth: the fast
 * path only adds earlier sightings, checked against the same known-set.
 */

/**
 * How many directories may carry a fast watch. The fast path may use at most half of the
 * per-user inotify limit minus what the watcher itself needs (one watch per directory of the
 * tree), so it never starves the watcher or other programs; `configured` caps it (0 = off).
 */
export function fastWatchBudget(configured: number, maxUserWatches: number | null, treeDirs: number): number {
  if (configured <= 0) return 0;
  if (maxUserWatches === null) return configured;
  return Math.max(0, Math.min(configured, Math.floor(maxUserWatches / 2) - treeDirs));
}

/** Parse /proc/sys/fs/inotify/max_user_watches; null when absent or unreadable. */
export function parseMaxUserWatches(text: string | null): number | null {
  if (text === null) return null;
  const n = Number.parseInt(text.trim(), 10);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * Least-recently-active set of directories with a fast watch. `touch` marks a directory
 * active; when it is new and the set is full, the least recently active one is evicted.
 */
export class RecentDirs {
  private readonly order = new Map<string, true>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.order.size;
  }

  has(dir: string): boolean {
    return this.order.has(dir);
  }

  /**
   * Mark `dir` active. Returns whether it was added (not present before) and the directory
   * evicted to make room, if any. With capacity 0 nothing is ever added.
   */
  touch(dir: string): { added: boolean; evicted: string | null } {
    if (this.order.has(dir)) {
      // Map keeps insertion order: re-insert to make it the most recent.
      this.order.delete(dir);
      this.order.set(dir, true);
      return { added: false, evicted: null };
    }
    if (this.capacity <= 0) return { added: false, evicted: null };
    let evicted: string | null = null;
    if (this.order.size >= this.capacity) {
      evicted = this.order.keys().next().value ?? null;
      if (evicted !== null) this.order.delete(evicted);
    }
    this.order.set(dir, true);
    return { added: true, evicted };
  }

  delete(dir: string): boolean {
    return this.order.delete(dir);
  }

  /** `dir` and every directory below it. */
  below(dir: string): string[] {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    return [...this.order.keys()].filter((d) => d === dir || d.startsWith(prefix));
  }

  keys(): string[] {
    return [...this.order.keys()];
  }

  clear(): void {
    this.order.clear();
  }
}

/** Number of `/` in a path: shallow directories get fast watches first (the top of a large tree stays fast). */
export function depthOf(p: string): number {
  let n = 0;
  for (let i = p.indexOf("/"); i !== -1; i = p.indexOf("/", i + 1)) n++;
  return n;
}
