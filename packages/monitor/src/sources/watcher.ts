/**
 * The one watcher interface of a monitor's native backend (README "Watchers"). Two
 * implementations, chosen by the monitor (core/policy.ts chooseWatcher):
 *
 * - DirsWatcher (dirs-watcher.ts; Linux): one non-recursive fs.watch per directory the monitor
 *   names; events one at a time.
 * - ParcelWatcher (parcel-watcher.ts; macOS, Windows): @parcel/watcher's subscribe (one handle
 *   per tree, batches 50-500 ms apart), with the fast path and supplementary fs.watch watches.
 *
 * A watcher only reports what it saw, through the same hooks; the monitor judges every sighting
 * against the known-set (tracker.ts) and decides what a failure means (fallbacks in monitor.ts).
 */

/** One sighting: an entry appeared or went ("create"), changed ("update") or went ("delete"). */
export type RawEvent = { path: string; type: "create" | "update" | "delete" };

/**
 * Where events came from: "batch" a debounced batch of the watcher's own watches (parcel),
 * "single" one event of its own watches as it happened (fs.watch: coalesced in the fast path's
 * block window), "supplement" a supplementary fs.watch on a directory the watcher does not watch
 * itself yet (a new directory found there is not watched by it either).
 */
export type EventOrigin = "batch" | "single" | "supplement";

export interface WatcherHooks {
  events(events: RawEvent[], origin: EventOrigin): void;
  /** The fast path saw an entry `name` of `dir` appear or go (files only are judged). */
  fastSighting(dir: string, name: string): void;
  /** The kernel lost events, or a watch could not be added: verify the whole tree. */
  lost(): void;
  /** A watched directory itself was deleted, moved away or replaced (another inode at its path). */
  selfChanged(dir: string): void;
  /** A directory that cannot be watched (permission denied): left out of the watch and snapshots. */
  unwatchable(dir: string, why: string): void;
  /** Directories without a watch (out of watches): list them now. */
  relist(dirs: string[]): void;
  /** The watcher failed as a whole: the monitor resubscribes, or polls. */
  error(err: Error): void;
  log(level: "debug" | "info" | "warn", message: string): void;
}

export interface Watcher {
  /** How the log names it. */
  readonly description: string;
  /** Watches held (for the log). */
  readonly size: number;
  /**
   * Watch the tree: the watch directory (throws when it cannot be watched) and `dirs`, the known
   * directories the monitor descends into. Unreadable subdirectories are reported, not thrown.
   */
  open(dirs: string[]): Promise<void>;
  /** The start's walk is done (and after a resubscribe): `dirs` as for open (parcel's fast path). */
  started(dirs: string[]): void;
  /** Stop everything; nothing is reported after this. */
  close(): Promise<void>;
  /**
   * A new directory (created, moved in, or found by a listing), before it is listed, so nothing
   * falls between. `origin`: the events that showed it ("listing": a listing found it).
   */
  newDir(dir: string, origin: EventOrigin | "listing"): void;
  /** A known directory is gone or replaced: the watches in and below it go. */
  dirGone(dir: string): void;
  /** A followed symlink folder directly in the watch directory, with the known directories below it. */
  followLink(link: string, dirsBelow: () => string[]): void;
}
