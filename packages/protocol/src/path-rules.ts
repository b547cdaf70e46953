/**
 * Path rules shared by the MonitorServer (what a monitor publishes) and DropBox (what its
 * reconciliation walk feeds): the `sync` cookie names, the ignoreSysFiles rule set, whitelist and
 * blacklist. One definition, so a walk sees exactly what the monitor would publish. Pure.
 */
import * as path from "node:path";

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
/** Zarr v2 keeps its metadata in dot files; without them a copied OME-Zarr can never be proven complete. */
const ZARR_V2_METADATA = new Set([".zattrs", ".zarray", ".zgroup", ".zmetadata"]);
const NEW_FOLDER = /^(untitled folder|new folder|neuer ordner|nouveau dossier)( \d+| \(\d+\))?$/i;

/** The ignoreSysFiles rule set, applied to every path component below the watch directory. */
export const SYS_FILE_RULES: readonly SysFileRule[] = [
  {
    rule: ".*",
    why: "dot files and dot dirs (.DS_Store, ._AppleDouble, .nfsXXXX, .x.swp, .git); not Zarr v2's .zattrs, .zarray, .zgroup, .zmetadata",
    test: (n) => n.startsWith(".") && !ZARR_V2_METADATA.has(n),
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

/** True when `p` is `dir` or below it. Both must be normalised absolute paths. */
export function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
}

/**
 * A symlink directly in a watch directory that points to a directory: a user's folder kept
 * elsewhere (`DropBox/bob -> /data/bob`), followed by the monitor and the walk, its files checked
 * against the link's target. Only the admin may make one: a link owned by a user (who can create
 * entries in a shared DropBox folder) could otherwise point the watch at `/`. Returns why it is
 * not followed, or null. Links further down are never followed (a user's own links stay refused).
 */
export function linkedFolderProblem(l: {
  link: string;
  /** Owner of the link itself (lstat). */
  linkUid: number;
  /** root and the user the server runs as. */
  adminUids: readonly number[];
  /** The link's target (realpath). */
  realTarget: string;
  realWatchDir: string;
}): string | null {
  if (!l.adminUids.includes(l.linkUid))
    return `symlink ${l.link} belongs to uid ${l.linkUid}, not to root or the user the server runs as (uid ${l.adminUids.filter((u) => u !== 0).join(", ") || 0}): not followed (only the admin may put a user's folder elsewhere)`;
  if (l.realTarget === l.realWatchDir || isUnder(l.realTarget, l.realWatchDir))
    return `symlink ${l.link} points inside the watch directory (${l.realTarget}): not followed`;
  if (isUnder(l.realWatchDir, l.realTarget))
    return `symlink ${l.link} points to ${l.realTarget}, which holds the watch directory: not followed (a loop)`;
  return null;
}

/**
 * Folder levels below a watch directory that are watched, listed and walked. A folder this deep
 * is an entry, but what is inside it is refused (never watched, listed or imported), with the
 * reason: a runaway script's 2,000 nested folders, or a copy that followed a link loop, would
 * otherwise cost a watch per level and reach paths longer than PATH_MAX (4,096 bytes). Real
 * data (user, project, dataset, an OME-Zarr's chunk folders) stays far below it.
 */
export const MAX_FOLDER_DEPTH = 256;

/** Levels of `p` below `root`: root itself 0, an entry of root 1. Both normalised absolute paths. */
export function depthBelow(root: string, p: string): number {
  if (p === root) return 0;
  let n = 1;
  for (let i = root === "/" ? 1 : root.length + 1; i < p.length; i++) if (p.charCodeAt(i) === 47) n++;
  return n;
}

/**
 * Why what is inside folder `dir` (`depth` levels below the watch directory) is refused, or null
 * when the folder may be entered.
 */
export function folderDepthProblem(dir: string, depth: number): string | null {
  if (depth < MAX_FOLDER_DEPTH) return null;
  return `folder ${dir} is ${depth} levels below the watch directory: what is inside it is not watched, listed or imported (at most ${MAX_FOLDER_DEPTH} levels are; move the data higher up)`;
}
