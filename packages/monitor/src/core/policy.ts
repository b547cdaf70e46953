/** Pure timing and backend decisions of the monitor pipeline (time is an argument). No I/O. */
import { createHash } from "node:crypto";
import type { MonitorParams } from "@omero-fs/protocol";

/** Tunables; tests shrink them through OMERO_FS_TEST_MONITOR_TIMINGS (core/hooks.ts). */
export interface PipelineTimings {
  /** Quiet time after the watcher's last batch before touched directories are verified. */
  settleQuietMs: number;
  /** During continuous activity, verify at least this often. */
  settleMaxMs: number;
  /** A raw-event count per settle episode above which the whole tree is verified. */
  fullVerifyEvents: number;
  /** An event-loop gap longer than this means the process was stalled (SIGSTOP, swap). */
  stallMs: number;
  /** Periodic snapshot while started (limits what a kill -9 loses to catch-up). */
  snapshotEveryMs: number;
  /** sync barrier deadline. */
  syncTimeoutMs: number;
  /**
   * Fast path (fs.watch, no debounce): block window for coalescing its events. A new file is
   * published this long after its first sighting, so a create+delete inside it is nothing.
   */
  fastWindowMs: number;
  /**
   * Fast path under continuous activity (a burst): the block window grows to this, so a burst
   * is published in fewer, larger blocks (each costs a send and a log line).
   */
  fastBusyWindowMs: number;
  /** Fast path: at most this many directories under fs.watch (least recently active evicted; 0 = off). */
  fastWatchDirs: number;
  /** Test hook: hold every native watcher batch this long before handling it (0 = off). */
  nativeDelayMs: number;
  /** A `list` cursor not used for this long expires (the wire contract says 60 s). */
  listIdleMs: number;
  /**
   * Test hook: a monitor's fs.watch per directory (Linux) refuses watches beyond this many as
   * the kernel does at max_user_watches (ENOSPC), so the out-of-watches path runs (0 = off).
   */
  maxDirWatches: number;
}

export const DEFAULT_TIMINGS: PipelineTimings = {
  // parcel delivers a batch 50 ms after its last event (MIN_WAIT_TIME): 150 ms of quiet means
  // its queue is empty unless it is stalled.
  settleQuietMs: 150,
  settleMaxMs: 1000,
  fullVerifyEvents: 8192,
  stallMs: 2000,
  snapshotEveryMs: 60_000,
  syncTimeoutMs: 10_000,
  // 5 ms: long enough for a create+delete of a temporary file (or a write's burst of inotify
  // events) to coalesce, short against the 50 ms p99 target (docs/ARCHITECTURE.md,
  // "MonitorServer pipeline").
  fastWindowMs: 5,
  // Still well under the 50 ms target; 5x fewer blocks than 5 ms windows in a 50k burst.
  fastBusyWindowMs: 25,
  // ~1-2 KiB each (an FSWatcher plus a kernel inotify watch): 4096 stay under 10 MiB.
  fastWatchDirs: 4096,
  nativeDelayMs: 0,
  listIdleMs: 60_000,
  maxDirWatches: 0,
};

/**
 * Block window of the fast path: fastWindowMs, or fastBusyWindowMs when the last fast flush was
 * less than two windows ago (events keep coming: a burst, not a trickle).
 */
export function fastWindowFor(now: number, lastFastFlushAt: number, t: PipelineTimings): number {
  return now - lastFastFlushAt < 2 * t.fastWindowMs ? Math.max(t.fastWindowMs, t.fastBusyWindowMs) : t.fastWindowMs;
}

/**
 * Token bucket for per-event log lines: `perSecond` lines a second, bursts up to that many.
 * take(n, now) says whether n more lines may go out at INFO (else they go to DEBUG).
 */
export class LogBudget {
  private tokens: number;
  private at = 0;
  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }
  take(n: number, now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

export type SettleDecision = { kind: "wait"; ms: number } | { kind: "verify"; full: boolean };

/** When to verify touched directories: after quiet, or at most every settleMaxMs. */
export function settleDecision(
  now: number,
  lastRawAt: number,
  firstDirtyAt: number,
  rawCount: number,
  t: PipelineTimings,
): SettleDecision {
  const quietFor = now - lastRawAt;
  const dirtyFor = now - firstDirtyAt;
  if (quietFor < t.settleQuietMs && dirtyFor < t.settleMaxMs) {
    return { kind: "wait", ms: Math.max(1, Math.min(t.settleQuietMs - quietFor, t.settleMaxMs - dirtyFor)) };
  }
  return { kind: "verify", full: rawCount >= t.fullVerifyEvents };
}

/**
 * Stall of the event loop: how long beyond the expected tick, or 0. `selfBusyMs`: time the loop
 * spent in the monitors' own synchronous work meanwhile (busy.ts), which is not a stall.
 */
export function stallOf(expectedAt: number, now: number, t: PipelineTimings, selfBusyMs = 0): number {
  const late = now - expectedAt - selfBusyMs;
  return late > t.stallMs ? late : 0;
}

/** Default snapshotKey: a hash of watchDir and the parameters that shape the tree. */
export function defaultSnapshotKey(p: MonitorParams): string {
  const basis = JSON.stringify([
    p.watchDir,
    p.pathMode,
    [...p.eventTypes].sort(),
    [...p.whitelist].sort(),
    [...p.blacklist].sort(),
    p.ignoreSysFiles,
    p.ignoreDirEvents,
  ]);
  return `m-${createHash("sha256").update(basis).digest("hex").slice(0, 24)}`;
}

/**
 * File-system types (statfs f_type) that deliver no inotify events for changes made elsewhere:
 * network shares and FUSE. overlayfs (containers) works with inotify and is not listed.
 */
export const NO_EVENT_FS_TYPES: Record<number, string> = {
  26985: "nfs",
  20859: "smb",
  4283649346: "cifs",
  4266872130: "smb2",
  1702057286: "fuse",
  16914839: "9p (v9fs)",
  12805120: "ceph",
  2020557398: "vboxsf",
  1785031267: "virtiofs",
  1196443219: "gpfs",
  198183888: "lustre",
  1397113167: "afs",
};

export type BackendChoice = { backend: "native" | "poll"; why: string };

/** Backend for a watch: config preference and the file system type of the watch directory. */
export function chooseBackend(pref: "auto" | "native" | "poll", fsType: number | null): BackendChoice {
  if (pref === "poll") return { backend: "poll", why: "omero.fs.watchBackend=poll" };
  if (pref === "native") return { backend: "native", why: "omero.fs.watchBackend=native" };
  const name = fsType !== null ? NO_EVENT_FS_TYPES[fsType >>> 0] : undefined;
  if (name) return { backend: "poll", why: `the watch directory is on ${name}, which sends no change events` };
  return { backend: "native", why: "omero.fs.watchBackend=auto" };
}

/**
 * The native watcher: on Linux one non-recursive fs.watch (libuv inotify) per directory of the
 * known-set ("dirs"), not @parcel/watcher's subscribe (whose native tree of every file costs
 * ~280 MiB at a million files); elsewhere parcel (FSEvents, ReadDirectoryChangesW watch a tree in
 * one handle). `forced`: the test hook, so both run in Linux tests.
 */
export function chooseWatcher(platform: string, forced?: "dirs" | "parcel"): "dirs" | "parcel" {
  return forced ?? (platform === "linux" ? "dirs" : "parcel");
}

/**
 * The raw-event count per settle episode above which the whole tree is verified: at most half
 * the kernel's inotify queue (max_queued_events), since libuv drops IN_Q_OVERFLOW silently and
 * reads the queue on the event loop: an episode near the queue's size may have overflowed.
 */
export function fullVerifyThreshold(configured: number, maxQueuedEvents: number | null): number {
  if (maxQueuedEvents === null || maxQueuedEvents <= 0) return configured;
  return Math.max(1, Math.min(configured, Math.floor(maxQueuedEvents / 2)));
}

/** What a failed fs.watch of one directory means: out of watches, not allowed, gone, or other. */
export type WatchFailure = "full" | "denied" | "gone" | "other";

export function watchFailureOf(code: string | undefined): WatchFailure {
  if (code === "ENOSPC" || code === "EMFILE" || code === "ENFILE") return "full";
  // A path too long or a loop cannot be watched however often it is tried: left out, like a denied one.
  if (code === "EACCES" || code === "EPERM" || code === "ENAMETOOLONG" || code === "ELOOP") return "denied";
  if (code === "ENOENT" || code === "ENOTDIR") return "gone";
  return "other";
}

/** The warning when the kernel gives no more inotify watches (said once per run). */
export function outOfWatchesMessage(
  dir: string,
  code: string | undefined,
  watched: number,
  maxUserWatches: number | null,
  relistMs: number,
): string {
  const limit = maxUserWatches === null ? "" : ` (now ${maxUserWatches})`;
  const fix =
    code === "ENOSPC"
      ? `raise /proc/sys/fs/inotify/max_user_watches${limit} above the number of folders watched by all programs of this user, e.g. \`sysctl -w fs.inotify.max_user_watches=1048576\` and the same line (fs.inotify.max_user_watches=1048576) in /etc/sysctl.d/90-omero-fs.conf`
      : "raise the open-file limit (ulimit -n, LimitNOFILE=) of the MonitorServer";
  return `OUT OF INOTIFY WATCHES (${code}) at ${dir} after ${watched} folders: ${fix}. Until then every folder without a watch is listed every ${relistMs / 1000} s and watched as soon as the kernel allows (new and deleted files there are found within that time; a change to an existing file there is not seen)`;
}
