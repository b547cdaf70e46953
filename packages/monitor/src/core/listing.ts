/**
 * Pure decisions of the `list` method (a paged walk of a monitor's tree; docs/ARCHITECTURE.md,
 * "Wire protocol"): which directory entries a listing descends into, stats or leaves out, the
 * page size, cursor tokens and their expiry. The walk itself is in ../listing.ts. No I/O.
 */
import * as path from "node:path";
import {
  isCookieName,
  isSysFileName,
  isUnder,
  MAX_BLOCK_EVENTS,
  type MonitorParams,
  matchesWhitelist,
  normaliseWhitelist,
  resolveBlacklist,
} from "@omero-fs/protocol";

/** The monitor's filters as a listing applies them (the same rules as DropBox's walk). */
export interface ListRules {
  root: string;
  /** Flat: the root's own entries only. Recurse and Follow: every level. */
  flat: boolean;
  /** Absolute blacklisted paths. */
  blacklist: string[];
  /** Normalised suffixes (files only); empty = every file. */
  whitelist: string[];
  ignoreSysFiles: boolean;
}

export function listRules(
  params: Pick<MonitorParams, "watchDir" | "pathMode" | "blacklist" | "whitelist" | "ignoreSysFiles">,
): ListRules {
  const root = path.resolve(params.watchDir);
  return {
    root,
    flat: params.pathMode === "Flat",
    blacklist: resolveBlacklist(root, params.blacklist),
    whitelist: normaliseWhitelist(params.whitelist),
    ignoreSysFiles: params.ignoreSysFiles,
  };
}

export type EntryKind = "dir" | "file" | "symlink" | "other";
export type EntryAction = "skip" | "descend" | "stat";

/**
 * What the walk does with entry `name` of directory `dir`: descend into a directory, stat a file
 * or a symlink (through it: a symlinked file is listed, a symlinked directory is not descended, so
 * no loops), skip the rest. Cookies are never listed; sockets, FIFOs and devices neither.
 */
export function listAction(dir: string, name: string, kind: EntryKind, r: ListRules): EntryAction {
  if (isCookieName(name)) return "skip";
  if (r.ignoreSysFiles && isSysFileName(name)) return "skip";
  const p = path.join(dir, name);
  if (r.blacklist.some((b) => isUnder(p, b))) return "skip";
  if (kind === "dir") return r.flat ? "skip" : "descend";
  if (kind === "file" || kind === "symlink") return matchesWhitelist(name, r.whitelist) ? "stat" : "skip";
  return "skip";
}

/** Files per page: what the client asked, never more than MAX_BLOCK_EVENTS. */
export function pageLimit(requested: number | undefined): number {
  return Math.max(1, Math.min(requested ?? MAX_BLOCK_EVENTS, MAX_BLOCK_EVENTS));
}

/** Cursor of page `page` (1-based: the page the next call returns) of walk `walkId`. */
export function cursorOf(walkId: string, page: number): string {
  return `${walkId}.${page}`;
}

export function parseCursor(cursor: string): { walkId: string; page: number } | null {
  const m = /^([0-9a-f-]{36})\.([1-9][0-9]*)$/.exec(cursor);
  return m ? { walkId: m[1]!, page: Number(m[2]) } : null;
}

/**
 * How a call with a cursor relates to the walk's state: the next page, a retry of the page just
 * served (its answer is sent again, so a client whose reply was lost loses nothing), or stale.
 */
export function cursorStep(page: number, served: number): "next" | "repeat" | "stale" {
  if (page === served + 1) return "next";
  if (page === served && served > 0) return "repeat";
  return "stale";
}

export function isIdle(lastUsedAt: number, now: number, idleMs: number): boolean {
  return now - lastUsedAt >= idleMs;
}

/**
 * Which walks to drop so at most `max` remain: the least recently used first, finished ones before
 * unfinished ones (their client only needs them for a retry of the last page).
 */
export function walksToEvict(
  walks: ReadonlyArray<{ id: string; lastUsedAt: number; done: boolean }>,
  max: number,
): string[] {
  if (walks.length <= max) return [];
  const order = [...walks].sort((a, b) => Number(b.done) - Number(a.done) || a.lastUsedAt - b.lastUsedAt);
  return order.slice(0, walks.length - max).map((w) => w.id);
}
