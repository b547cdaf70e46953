/**
 * Pure coalescing of events per path inside a block window (docs/ARCHITECTURE.md,
 * "MonitorServer pipeline"). No I/O.
 *
 * Rules (previous + next = result): Create+Modify = Create; Create+Delete = nothing;
 * Modify+Modify = Modify; Modify+Delete = Delete; Delete+Create = Create (a new file replaced
 * the old one: consumers that listen for Creation only still hear of it); Delete+Modify = Modify;
 * X+Create = Create; X+Delete = Delete (for X not Create).
 */
import type { EventType, FsEvent } from "@omero-fs/protocol";

/** The event that replaces `prev` when `next` arrives for the same path; null = nothing. */
export function coalesceTypes(prev: EventType | undefined, next: EventType): EventType | null {
  if (prev === undefined) return next;
  if (prev === "Create") return next === "Delete" ? null : "Create";
  if (next === "Create") return "Create";
  if (next === "Delete") return "Delete";
  return "Modify";
}

/** Ordered pending events of one monitor, coalesced per path (Map keeps first-seen order). */
export class PendingEvents {
  private readonly map = new Map<string, FsEvent>();

  add(ev: FsEvent): void {
    const prev = this.map.get(ev.path);
    const type = coalesceTypes(prev?.type, ev.type);
    if (type === null) {
      this.map.delete(ev.path);
      return;
    }
    const merged: FsEvent = {
      path: ev.path,
      type,
      isDir: ev.isDir,
      catchUp: prev ? prev.catchUp && ev.catchUp : ev.catchUp,
    };
    if (prev && prev.type === "Delete" && type !== "Delete") {
      // Re-insert so the Create comes after events that happened between.
      this.map.delete(ev.path);
    }
    this.map.set(ev.path, merged);
  }

  get size(): number {
    return this.map.size;
  }

  /** Take every pending event, oldest first, and clear. */
  drain(): FsEvent[] {
    const out = [...this.map.values()];
    this.map.clear();
    return out;
  }
}
