/**
 * Walk a watch tree for reconciliation, with the monitor's filters (I/O shell). The walk is
 * streamed one directory at a time to a callback that it awaits, so no list of every file in the
 * tree is ever built: memory is bounded by the largest directory (100,000 files in 1,000 folders
 * cost a few hundred kB at a time instead of tens of MiB).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeBadName, isValidUtf8, type WatchConfig } from "@omero-fs/config";
import { depthBelow, folderDepthProblem, linkedFolderProblem } from "@omero-fs/protocol";
import { COOKIE_PREFIX, isSysFileName, isUnder, resolveBlacklist, userOfPath } from "./core/paths";
import type { WalkedFile } from "./core/reconcile";

export interface WalkSummary {
  present: boolean;
  /** Files found (regular files, symlinks to files). */
  files: number;
  /** Directories listed. */
  dirs: number;
  unreadableDirs: string[];
  /**
   * Why a folder of unreadableDirs was not read when it was refused rather than unreadable (a
   * folder too deep: folderDepthProblem), by path.
   */
  refused?: Record<string, string>;
  /** Where the tree came from when not from a walk here: "list of tcp://host:port" (remote-tree.ts). */
  via?: string;
}

/**
 * Reads a watch tree one directory at a time (the walk below, or a remote `list`: remote-tree.ts).
 * `onLeave`, when the source can tell (the depth-first walk here), is called once a directory's
 * whole subtree has been read.
 */
export type TreeSource = (
  watch: WatchConfig,
  onDir: (dir: string, files: WalkedFile[], subdirs?: string[]) => Promise<void>,
  onLeave?: (dir: string) => void,
) => Promise<WalkSummary>;

/** Stats run this many at a time: enough to hide latency, few enough to keep memory flat. */
const STAT_CONCURRENCY = 64;

/** Part of a watch tree to walk: from a folder below watchDir, into the folders `descend` accepts. */
export interface WalkPart {
  from: string;
  descend(dir: string): boolean;
}

/**
 * Walk `watch` (or only `part` of it: one grouping partition, core/paths.ts partitionWalk);
 * `onDir` gets every directory that could be listed with the files directly in it (possibly
 * none) and the folders below it that will be walked, one directory at a time, and is awaited
 * before the next is listed.
 */
export async function walkWatchDirs(
  watch: WatchConfig,
  onDir: (dir: string, files: WalkedFile[], subdirs: string[]) => Promise<void>,
  part?: WalkPart,
  onLeave?: (dir: string) => void,
): Promise<WalkSummary> {
  const root = path.resolve(watch.watchDir);
  const out: WalkSummary = { present: false, files: 0, dirs: 0, unreadableDirs: [] };
  try {
    const st = await fs.promises.stat(part?.from ?? root);
    if (!st.isDirectory()) return out;
  } catch {
    return out;
  }
  out.present = true;
  const blacklist = resolveBlacklist(root, watch.blacklist);
  if (part && blacklist.some((b) => isUnder(part.from, b))) return out;
  // Depth first; a { leave } mark under a directory's children says its subtree is read.
  const stack: (string | { leave: string })[] = [part?.from ?? root];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (typeof top !== "string") {
      onLeave?.(top.leave);
      continue;
    }
    const dir = top;
    // Too deep to enter (as the monitor refuses it): its files are unknown, not gone.
    const tooDeep = folderDepthProblem(dir, depthBelow(root, dir));
    if (tooDeep) {
      out.unreadableDirs.push(dir);
      out.refused ??= {};
      out.refused[dir] = tooDeep;
      continue;
    }
    let entries: fs.Dirent[];
    let badNames: Map<string, Buffer> | null = null;
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
      // A name that is not valid UTF-8 reads as text with U+FFFD: list the folder again as bytes.
      if (entries.some((e) => e.name.includes("\uFFFD"))) ({ entries, badNames } = await listBytes(dir));
    } catch {
      out.unreadableDirs.push(dir);
      continue;
    }
    if (onLeave) stack.push({ leave: dir });
    const toStat: string[] = [];
    const subdirs: string[] = [];
    const bad: [string, Buffer][] = [];
    const linked = new Set<string>();
    for (const e of entries) {
      const name = e.name;
      const raw = badNames?.get(name);
      if (raw) {
        // Never descended or imported: recorded (refused, with the reason) under its encoded name.
        const p = path.join(dir, name);
        if (!(watch.ignoreSysFiles && isSysFileName(name)) && !blacklist.some((b) => isUnder(p, b))) bad.push([p, raw]);
        continue;
      }
      if (name.startsWith(COOKIE_PREFIX)) continue;
      if (watch.ignoreSysFiles && isSysFileName(name)) continue;
      const p = path.join(dir, name);
      if (blacklist.some((b) => isUnder(p, b))) continue;
      // A user's folder kept elsewhere by the admin (DropBox/bob -> /data/bob) is walked through the
      // link; one a user made is recorded (refused, with the reason), never walked.
      const link = dir === root && e.isSymbolicLink() ? await linkedFolder(p, root) : "not a folder";
      if (e.isDirectory() || link === null) {
        // Flat: the directory only; Recurse and Follow: every level (new dirs are walked like old ones).
        if (watch.pathMode !== "Flat" && (!part || part.descend(p))) subdirs.push(p);
      } else if (link !== "not a folder") {
        bad.push([p, Buffer.from(p)]);
      } else if (e.isFile() || e.isSymbolicLink()) {
        // Symlinks to directories are not descended (loops); a symlinked file is statted through
        // and later checked against the user's folder.
        toStat.push(p);
        if (e.isSymbolicLink()) linked.add(p);
      }
    }
    entries = [];
    // Most recently changed folders first (a folder's mtime moves when an entry is added or
    // removed): what was dropped while the DropBox was down, or during a long walk, is read, and
    // its partition released, first. One stat per folder: a hundredth of a walk's stats.
    for (const d of await newestLast(subdirs)) stack.push(d);
    const files: WalkedFile[] = [];
    for (let i = 0; i < toStat.length; i += STAT_CONCURRENCY) {
      const part = toStat.slice(i, i + STAT_CONCURRENCY);
      const stats = await Promise.all(part.map((p) => fs.promises.stat(p).catch(() => null)));
      for (const [j, s] of stats.entries()) {
        const p = part[j]!;
        // A symlink to a folder (below the top level) is not descended; one that leaves the
        // user's folder is recorded (intake refuses it, with the reason).
        if (s?.isFile() || (s?.isDirectory() && linked.has(p) && (await leavesUserFolder(watch, p))))
          files.push({ path: p, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
    for (const [p, raw] of bad) {
      const s = await fs.promises.lstat(raw).catch(() => null);
      if (s) files.push({ path: p, size: s.size, mtimeMs: s.mtimeMs });
    }
    out.dirs += 1;
    out.files += files.length;
    await onDir(dir, files, subdirs);
  }
  return out;
}

/** Folders ordered by mtime, oldest first (pushed in this order, the newest is walked first). */
async function newestLast(dirs: string[]): Promise<string[]> {
  if (dirs.length < 2) return dirs;
  const mtimes = new Map<string, number>();
  for (let i = 0; i < dirs.length; i += STAT_CONCURRENCY) {
    const part = dirs.slice(i, i + STAT_CONCURRENCY);
    const stats = await Promise.all(part.map((d) => fs.promises.stat(d).catch(() => null)));
    for (const [j, d] of part.entries()) mtimes.set(d, stats[j]?.mtimeMs ?? 0);
  }
  return [...dirs].sort((a, b) => mtimes.get(a)! - mtimes.get(b)!);
}

/**
 * A folder listed as bytes: valid names as text, the others under their encodeBadName text, with
 * the absolute path as bytes (the only way to reach them).
 */
async function listBytes(dir: string): Promise<{ entries: fs.Dirent[]; badNames: Map<string, Buffer> }> {
  const raw = await fs.promises.readdir(dir, { withFileTypes: true, encoding: "buffer" });
  const prefix = Buffer.from(dir === "/" ? "/" : `${dir}/`);
  const badNames = new Map<string, Buffer>();
  const entries = raw.map((e) => {
    const bytes = e.name as unknown as Buffer;
    const text = isValidUtf8(bytes) ? bytes.toString("utf8") : encodeBadName(bytes);
    if (!isValidUtf8(bytes)) badNames.set(text, Buffer.concat([prefix, bytes]));
    return Object.assign(Object.create(Object.getPrototypeOf(e)), e, { name: text }) as fs.Dirent;
  });
  return { entries, badNames };
}

const ADMIN_UIDS = [0, process.getuid?.() ?? 0];

/**
 * A symlink directly in the watch directory: null when it is a folder the walk and the monitor
 * follow (linkedFolderProblem), or not a symlink at all; else why it is not followed ("not a
 * folder" for a link to a file).
 */
export async function linkedFolder(p: string, watchDir: string): Promise<string | null> {
  const l = await fs.promises.lstat(p).catch(() => null);
  if (!l?.isSymbolicLink()) return null;
  try {
    const [st, realTarget, realWatchDir] = await Promise.all([
      fs.promises.stat(p),
      fs.promises.realpath(p),
      fs.promises.realpath(watchDir),
    ]);
    if (!st.isDirectory()) return "not a folder";
    return linkedFolderProblem({ link: p, linkUid: l.uid, adminUids: ADMIN_UIDS, realTarget, realWatchDir });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Dangling: nothing to follow, an entry like any other.
    if (code === "ENOENT" || code === "ENOTDIR") return "not a folder";
    return `symlink ${p} cannot be resolved: ${code ?? String(e)}`;
  }
}

/** Whether the real path of p is outside the real path of its user's folder. */
async function leavesUserFolder(watch: WatchConfig, p: string): Promise<boolean> {
  const d = userOfPath(watch, p);
  if (d.kind !== "user") return false;
  const [realRoot, real] = await Promise.all([
    fs.promises.realpath(d.userRoot).catch(() => null),
    fs.promises.realpath(p).catch(() => null),
  ]);
  return realRoot !== null && real !== null && !isUnder(real, realRoot);
}
