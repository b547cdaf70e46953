/**
 * Pure path filters of a monitor (docs/ARCHITECTURE.md, "MonitorServer pipeline"): pathMode
 * scope, blacklist, ignoreSysFiles, whitelist, eventTypes and ignoreDirEvents. No I/O.
 */
import * as path from "node:path";
import type { EventType, FsEvent, MonitorParams, WatchEventType } from "@omero-fs/protocol";
import {
  depthBelow,
  isCookieName,
  isSysFileName,
  isUnder,
  MAX_FOLDER_DEPTH,
  matchesWhitelist,
  normaliseWhitelist,
} from "@omero-fs/protocol";

// The rules themselves are shared with DropBox's reconciliation walk (one definition).
export {
  COOKIE_PREFIX,
  isCookieName,
  type SysFileRule,
  SYS_FILE_RULES,
  isSysFileName,
  normaliseWhitelist,
  matchesWhitelist,
  resolveBlacklist,
  isUnder,
} from "@omero-fs/protocol";

/** What decides whether a path belongs to a monitor's tree at all. */
export interface Scope {
  watchDir: string;
  pathMode: MonitorParams["pathMode"];
  /** Absolute blacklisted directories. */
  blacklist: string[];
  ignoreSysFiles: boolean;
  /** Recurse: the directories that existed when the monitor started. */
  startDirs: ReadonlySet<string>;
}

/**
 * Is `p` (a path strictly below watchDir) in the monitor's tree? Flat: entries of watchDir;
 * Recurse: entries of directories that existed at start; Follow: everything. Blacklisted
 * subtrees, cookies, (with ignoreSysFiles) any system-file component, and what is inside a folder
 * MAX_FOLDER_DEPTH levels down are out.
 */
export function inScope(p: string, scope: Scope): boolean {
  const { watchDir } = scope;
  if (p === watchDir || !p.startsWith(`${watchDir === "/" ? "" : watchDir}/`)) return false;
  const parent = path.dirname(p);
  if (scope.pathMode === "Flat" && parent !== watchDir) return false;
  if (scope.pathMode === "Recurse" && parent !== watchDir && !scope.startDirs.has(parent)) return false;
  if (scope.blacklist.some((b) => isUnder(p, b))) return false;
  const rel = p.slice(watchDir.length + (watchDir === "/" ? 0 : 1));
  const parts = rel.split("/");
  if (parts.length > MAX_FOLDER_DEPTH) return false;
  if (isCookieName(parts[parts.length - 1])) return false;
  if (scope.ignoreSysFiles && parts.some(isSysFileName)) return false;
  return true;
}

/**
 * inScope for the entry `name` of `dir`, where `dir` is the watch directory or itself in scope (a
 * listing's entries): only what the entry adds is checked (its parent for pathMode, its own path
 * against the blacklist, its own name), not every component again: a walk of a million files
 * spent most of its time re-checking the same folder names.
 */
export function childInScope(dir: string, name: string, scope: Scope): boolean {
  const { watchDir } = scope;
  if (scope.pathMode === "Flat" && dir !== watchDir) return false;
  if (scope.pathMode === "Recurse" && dir !== watchDir && !scope.startDirs.has(dir)) return false;
  if (scope.blacklist.length > 0) {
    const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
    if (scope.blacklist.some((b) => isUnder(p, b))) return false;
  }
  if (isCookieName(name)) return false;
  return !(scope.ignoreSysFiles && isSysFileName(name));
}

/**
 * Should the walker descend into directory `dir` (already in scope)? Not into one
 * MAX_FOLDER_DEPTH levels down: what is inside it is refused (folderDepthProblem says why).
 */
export function descendInto(dir: string, scope: Scope): boolean {
  if (dir === scope.watchDir) return true;
  if (scope.pathMode === "Flat") return false;
  if (scope.pathMode === "Recurse" && !scope.startDirs.has(dir)) return false;
  return depthBelow(scope.watchDir, dir) < MAX_FOLDER_DEPTH;
}

const EVENT_FOR: Record<WatchEventType, EventType> = {
  Creation: "Create",
  Modification: "Modify",
  Deletion: "Delete",
};

export interface PublishFilter {
  types: ReadonlySet<EventType>;
  whitelist: string[];
  ignoreDirEvents: boolean;
}

export function publishFilter(params: MonitorParams): PublishFilter {
  return {
    types: new Set(params.eventTypes.map((t) => EVENT_FOR[t])),
    whitelist: normaliseWhitelist(params.whitelist),
    ignoreDirEvents: params.ignoreDirEvents,
  };
}

/** Publish-time filter: eventTypes, ignoreDirEvents, and the whitelist (files only). */
export function shouldPublish(ev: Pick<FsEvent, "path" | "type" | "isDir">, f: PublishFilter): boolean {
  if (!f.types.has(ev.type)) return false;
  if (ev.isDir) return !f.ignoreDirEvents;
  return matchesWhitelist(path.basename(ev.path), f.whitelist);
}
