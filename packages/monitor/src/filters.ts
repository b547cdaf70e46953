/**
 * Pure path filters of a monitor (DESIGN.md section 4): pathMode scope, blacklist,
 * ignoreSysFiles, whitelist, eventTypes and ignoreDirEvents. No I/O.
 */
import * as path from "node:path";
import type { EventType, FsEvent, MonitorParams, WatchEventType } from "@omero-fs/protocol";

/** Prefix of the `sync` barrier's cookie files; never published, whatever the filters say. */
export const COOKIE_PREFIX = ".omero-fs-cookie-";

export function isCookieName(name: string): boolean {
  return name.startsWith(COOKIE_PREFIX);
}

/** One ignoreSysFiles rule: a name (one path component) it matches, and why it exists. */
export interface SysFileRule {
  rule: string;
  why: string;
  test: (name: string) => boolean;
}

const lower = (s: string) => s.toLowerCase();
const suffix =
  (...sfx: string[]) =>
  (name: string) =>
    sfx.some((s) => lower(name).endsWith(s));
const NEW_FOLDER = /^(untitled folder|new folder|neuer ordner|nouveau dossier)( \d+| \(\d+\))?$/i;

/** The ignoreSysFiles rule set, applied to every path component below the watch directory. */
export const SYS_FILE_RULES: readonly SysFileRule[] = [
  {
    rule: ".*",
    why: "dot files and dot dirs (.DS_Store, ._AppleDouble, .nfsXXXX, .x.swp, .git)",
    test: (n) => n.startsWith("."),
  },
  { rule: "*~", why: "editor backups", test: (n) => n.endsWith("~") },
  { rule: "~$*", why: "Microsoft Office lock files", test: (n) => n.startsWith("~$") },
  { rule: "#*#", why: "Emacs auto-save files", test: (n) => n.length > 1 && n.startsWith("#") && n.endsWith("#") },
  {
    rule: "Thumbs.db, ehthumbs.db",
    why: "Windows thumbnail caches",
    test: (n) => ["thumbs.db", "ehthumbs.db"].includes(lower(n)),
  },
  { rule: "desktop.ini", why: "Windows folder settings", test: (n) => lower(n) === "desktop.ini" },
  {
    rule: "$RECYCLE.BIN, System Volume Information",
    why: "Windows volume folders",
    test: (n) => ["$recycle.bin", "system volume information"].includes(lower(n)),
  },
  {
    rule: "*.part, *.partial, *.crdownload, *.download, *.filepart",
    why: "partial downloads and transfers (browsers, WinSCP)",
    test: suffix(".part", ".partial", ".crdownload", ".download", ".filepart"),
  },
  { rule: "*.tmp, *.temp", why: "temporary files", test: suffix(".tmp", ".temp") },
  { rule: "*.swp, *.swo, *.swx", why: "vim swap files", test: suffix(".swp", ".swo", ".swx") },
  {
    rule: "untitled folder, New Folder (2), ...",
    why: "a folder not yet renamed by its creator (macOS, Windows, GNOME names)",
    test: (n) => NEW_FOLDER.test(n),
  },
];

export function isSysFileName(name: string): boolean {
  return SYS_FILE_RULES.some((r) => r.test(name));
}

/** Normalise whitelist entries (".TIF", "tif", "*.ome.tif") to lower-case ".suffix" form. */
export function normaliseWhitelist(list: string[]): string[] {
  return list
    .map((e) => e.trim().replace(/^\*/, "").toLowerCase())
    .filter((e) => e.length > 0 && e !== ".")
    .map((e) => (e.startsWith(".") ? e : `.${e}`));
}

/** Case-insensitive suffix match; multi-part suffixes (".ome.tif") work. Empty list = all. */
export function matchesWhitelist(name: string, normalised: string[]): boolean {
  if (normalised.length === 0) return true;
  const n = name.toLowerCase();
  return normalised.some((ext) => n.endsWith(ext));
}

/** Blacklist entries as absolute, normalised paths (relative entries are below watchDir). */
export function resolveBlacklist(watchDir: string, list: string[]): string[] {
  return list.map((e) => path.resolve(watchDir, e).replace(/\/+$/, "")).filter((e) => e.length > 0);
}

export function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
}

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
 * subtrees, cookies and (with ignoreSysFiles) any system-file component are out.
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
  if (isCookieName(parts[parts.length - 1])) return false;
  if (scope.ignoreSysFiles && parts.some(isSysFileName)) return false;
  return true;
}

/** Should the walker descend into directory `dir` (already in scope)? */
export function descendInto(dir: string, scope: Scope): boolean {
  if (dir === scope.watchDir) return true;
  if (scope.pathMode === "Flat") return false;
  if (scope.pathMode === "Recurse") return scope.startDirs.has(dir);
  return true;
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
