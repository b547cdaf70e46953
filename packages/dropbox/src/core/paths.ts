/**
 * Which user a path belongs to, and whether its real path stays inside that user's folder.
 * Pure: the caller resolves symlinks (realpath) and passes the results in. Paths are absolute
 * (the config resolves watchDir; events and walks carry absolute paths).
 */

/** An absolute path without "." / ".." segments, doubled or trailing slashes (node's path.resolve for absolute input). */
export function normalAbs(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

/** The part of a watch that decides ownership. */
export interface WatchScope {
  /** "default": each top-level folder under watchDir names a user; else every file is this user's. */
  user: string;
  watchDir: string;
}

export type PathDecision =
  /** The path is a user's: `userRoot` is the folder it must stay inside. */
  | { kind: "user"; user: string; userRoot: string }
  /** Under the watch but belongs to no user (a file directly in the default DropBox folder). */
  | { kind: "refused"; user: string | null; reason: string }
  /** Not under watchDir at all (another watch's event, or a bad path). */
  | { kind: "outside" };

/** The user of a path, from the watch's layout (OMERO's getExperimenterFromPath, plus importUsers). */
export function userOfPath(watch: WatchScope, p: string): PathDecision {
  const watchDir = normalAbs(watch.watchDir);
  const abs = normalAbs(p);
  if (abs === watchDir || !isUnder(abs, watchDir)) return { kind: "outside" };
  if (watch.user !== "default") return { kind: "user", user: watch.user, userRoot: watchDir };
  const rel = abs.slice(watchDir.length + 1);
  const slash = rel.indexOf("/");
  if (slash < 0) {
    return {
      kind: "refused",
      user: null,
      reason: `file added outside user directories: files directly in ${watchDir} belong to no user (put them in ${watchDir}/<user>/)`,
    };
  }
  const user = rel.slice(0, slash);
  return { kind: "user", user, userRoot: `${watchDir === "/" ? "" : watchDir}/${user}` };
}

/**
 * The security rule: a file is imported for a user only if its real path (symlinks resolved)
 * stays inside the real path of that user's folder. Returns a refusal reason, or null when fine.
 */
export function containmentProblem(realUserRoot: string, realFile: string, shownPath: string): string | null {
  if (isUnder(realFile, realUserRoot) && realFile !== realUserRoot) return null;
  return `real path ${realFile} of ${shownPath} is outside the user's folder ${realUserRoot} (symlink escape)`;
}

/**
 * The hard-link rule: a file that is also a hard link under another user's folder (the same
 * device and inode, still there) belongs to no one for certain, so it is imported for neither:
 * refused with the reason (an imported one stays imported). `links`: the other names of the file
 * the ledger knows, still holding it, with their users. Returns a refusal reason, or null.
 */
export function sharedLinkProblem(user: string, links: readonly { path: string; user: string }[]): string | null {
  const other = links.find((l) => l.user !== user);
  if (!other) return null;
  return `a hard link of ${other.path} in ${other.user}'s folder: a file shared with another user's folder is not imported for either; remove the link that does not belong`;
}

// The ignoreSysFiles rules, whitelist and blacklist are the MonitorServer's own (one definition in
// @omero-fs/protocol), so a reconciliation walk sees exactly what the monitor would publish.
export {
  COOKIE_PREFIX,
  isSysFileName,
  isUnder,
  matchesWhitelist,
  normaliseWhitelist,
  resolveBlacklist,
} from "@omero-fs/protocol";
import { isUnder } from "@omero-fs/protocol";

/** The folder whose files are this user's: `<watchDir>/<user>` for the default layout, else watchDir. */
export function userRootOf(watch: WatchScope, user: string): string {
  const dir = normalAbs(watch.watchDir);
  return watch.user === "default" ? `${dir === "/" ? "" : dir}/${user}` : dir;
}

/** Top-level folders that belong with the files next to them (VSI `_x_`, OIF `x.oif.files`, Volocity `Data`, Micro-Manager `Pos_*`, plate `Well*`). */
const JOINS_ROOT = /^(_.*_|.*\.files|data|pos_.*|well.*)$/i;

/**
 * Grouping partition of a file: the first folder below the user's folder. Bio-Formats filesets
 * stay inside one such folder, except the companion folders a file in the user's folder itself
 * refers to (JOINS_ROOT), which share the root's partition "". Grouping one partition at a time
 * keeps the memory of a 100,000-file drop bounded by its largest folder.
 */
export function groupingPartition(userRoot: string, p: string): string {
  const rel = p.startsWith(`${userRoot}/`) ? p.slice(userRoot.length + 1) : p;
  const slash = rel.indexOf("/");
  if (slash < 0) return "";
  const first = rel.slice(0, slash);
  return JOINS_ROOT.test(first) ? "" : first;
}

/**
 * What a walk of one grouping partition reads (the inverse of groupingPartition): a folder
 * partition is its folder's subtree; the root partition "" is the user's folder itself and the
 * companion folders that join it, not the other folders below it.
 */
export function partitionWalk(userRoot: string, part: string): { from: string; descend: (dir: string) => boolean } {
  if (part !== "") return { from: `${userRoot}/${part}`, descend: () => true };
  return { from: userRoot, descend: (dir) => groupingPartition(userRoot, `${dir}/x`) === "" };
}
