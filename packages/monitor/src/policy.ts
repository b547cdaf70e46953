/** Pure timing and backend decisions of the monitor pipeline (time is an argument). No I/O. */
import { createHash } from "node:crypto";
import type { MonitorParams } from "@omero-fs/protocol";

/** Tunables; tests shrink them through the environment (see config in server.ts). */
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
};

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

/** Stall of the event loop: how long beyond the expected tick, or 0. */
export function stallOf(expectedAt: number, now: number, t: PipelineTimings): number {
  const late = now - expectedAt;
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
