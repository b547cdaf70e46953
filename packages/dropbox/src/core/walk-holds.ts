/**
 * Which grouping partitions wait for a reconciliation walk (docs/ARCHITECTURE.md, "DropBox
 * pipeline"). While a watch is walked (at start, after a seq gap, on `scan`, every
 * rescanInterval), a partition the walk has not read may hold files the ledger does not know yet
 * (dropped while the DropBox was down): grouping it, or judging its filesets ready, could import
 * a fileset half. So a partition waits until a walk has read it. A partition that gets an event
 * meanwhile is walked on its own at once (its own small walk), so a file dropped during a
 * million-file walk is imported after its quiet period, not after the whole walk.
 * A depth-first walk also releases each partition as it leaves it (partitionLeft), so a big
 * restart imports folder by folder instead of all at the walk's end.
 * State only, no I/O: the reconciler holds and releases, the grouping and readiness ask.
 */
import { groupingPartition, userOfPath, type WatchScope } from "./paths";

/**
 * A user's root partition ("") read as soon as the user's folder is listed, when none of the
 * folders below it join that partition (companion folders: Pos_*, *.files, ...): the user, or null.
 */
export function rootPartitionListed(watch: WatchScope, dir: string, subdirs: readonly string[]): string | null {
  const d = userOfPath(watch, `${dir}/x`);
  if (d.kind !== "user" || dir !== d.userRoot) return null;
  return subdirs.some((s) => groupingPartition(d.userRoot, `${s}/x`) === "") ? null : d.user;
}

/**
 * The partition a depth-first walk has read whole when it leaves `dir`: a user's folder (its root
 * partition "", companion folders included, since they are below it) or a first-level folder
 * of one; null for any other folder.
 */
export function partitionLeft(watch: WatchScope, dir: string): { user: string; part: string } | null {
  const d = userOfPath(watch, `${dir}/x`);
  if (d.kind !== "user") return null;
  if (dir === d.userRoot) return { user: d.user, part: "" };
  const rel = dir.slice(d.userRoot.length + 1);
  if (rel.includes("/")) return null;
  const part = groupingPartition(d.userRoot, `${dir}/x`);
  return part === "" ? null : { user: d.user, part };
}

/** A partition of a watch: the user, and the first folder below the user's folder ("" = the folder itself). */
export function partitionKey(user: string, part: string): string {
  return `${user}\0${part}`;
}

interface WatchHold {
  /** Walks (and the start sequence) holding this watch: nested, released one by one. */
  holds: number;
  /** Partitions read by their own walk since the hold began: no longer held. */
  cleared: Set<string>;
  /** Partitions whose own walk runs now. */
  walking: Set<string>;
}

export class WalkHolds {
  private readonly byWatch = new Map<number, WatchHold>();

  /** A walk of `watch` begins: every partition of it is held until read. */
  hold(watch: number): void {
    const h = this.byWatch.get(watch);
    if (h) h.holds += 1;
    else this.byWatch.set(watch, { holds: 1, cleared: new Set(), walking: new Set() });
  }

  /** A new walk of a held watch begins: every partition is held again until read again. */
  readAgain(watch: number): void {
    this.byWatch.get(watch)?.cleared.clear();
  }

  /** A walk of `watch` ended; true when nothing holds the watch any more. */
  release(watch: number): boolean {
    const h = this.byWatch.get(watch);
    if (!h) return true;
    h.holds -= 1;
    if (h.holds > 0) return false;
    this.byWatch.delete(watch);
    return true;
  }

  /** Whether grouping and readiness of this partition wait for a walk. */
  isHeld(watch: number, user: string, part: string): boolean {
    const h = this.byWatch.get(watch);
    return h !== undefined && !h.cleared.has(partitionKey(user, part));
  }

  /**
   * An event touched a held partition: true when its own walk should start now (false when it
   * is not held, already read, or its walk runs). The caller must call `walked` when that walk ends.
   */
  claimWalk(watch: number, user: string, part: string): boolean {
    const h = this.byWatch.get(watch);
    const k = partitionKey(user, part);
    if (!h || h.cleared.has(k) || h.walking.has(k)) return false;
    h.walking.add(k);
    return true;
  }

  /** A walk has read this partition whole: no longer held (until the next hold of the watch). */
  read(watch: number, user: string, part: string): void {
    this.byWatch.get(watch)?.cleared.add(partitionKey(user, part));
  }

  /** A partition's own walk ended: read (ok) it is no longer held; failed, the next event tries again. */
  walked(watch: number, user: string, part: string, ok: boolean): void {
    const h = this.byWatch.get(watch);
    if (!h) return;
    const k = partitionKey(user, part);
    h.walking.delete(k);
    if (ok) h.cleared.add(k);
  }
}
