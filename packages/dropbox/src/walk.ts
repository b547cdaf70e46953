/**
 * Walk a watch tree for reconciliation, with the monitor's filters (I/O shell). The walk is
 * streamed one directory at a time to a callback that it awaits, so no list of every file in the
 * tree is ever built: memory is bounded by the largest directory (100,000 files in 1,000 folders
 * cost a few hundred kB at a time instead of tens of MiB).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { WatchConfig } from "@omero-fs/config";
import { COOKIE_PREFIX, isSysFileName, isUnder, resolveBlacklist } from "./core/paths";
import type { WalkedFile } from "./core/reconcile";

export interface WalkSummary {
  present: boolean;
  /** Files found (regular files, symlinks to files). */
  files: number;
  /** Directories listed. */
  dirs: number;
  unreadableDirs: string[];
  /** Where the tree came from when not from a walk here: "list of tcp://host:port" (remote-tree.ts). */
  via?: string;
}

/** Reads a watch tree one directory at a time (the walk below, or a remote `list`: remote-tree.ts). */
export type TreeSource = (
  watch: WatchConfig,
  onDir: (dir: string, files: WalkedFile[]) => Promise<void>,
) => Promise<WalkSummary>;

/** Stats run this many at a time: enough to hide latency, few enough to keep memory flat. */
const STAT_CONCURRENCY = 64;

/**
 * Walk `watch`; `onDir` gets every directory that could be listed with the files directly in
 * it (possibly none), one directory at a time, and is awaited before the next is listed.
 */
export async function walkWatchDirs(
  watch: WatchConfig,
  onDir: (dir: string, files: WalkedFile[]) => Promise<void>,
): Promise<WalkSummary> {
  const root = path.resolve(watch.watchDir);
  const out: WalkSummary = { present: false, files: 0, dirs: 0, unreadableDirs: [] };
  try {
    const st = await fs.promises.stat(root);
    if (!st.isDirectory()) return out;
  } catch {
    return out;
  }
  out.present = true;
  const blacklist = resolveBlacklist(root, watch.blacklist);
  const stack: string[] = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      out.unreadableDirs.push(dir);
      continue;
    }
    const toStat: string[] = [];
    for (const e of entries) {
      const name = e.name;
      if (name.startsWith(COOKIE_PREFIX)) continue;
      if (watch.ignoreSysFiles && isSysFileName(name)) continue;
      const p = path.join(dir, name);
      if (blacklist.some((b) => isUnder(p, b))) continue;
      if (e.isDirectory()) {
        // Flat: the directory only; Recurse and Follow: every level (new dirs are walked like old ones).
        if (watch.pathMode !== "Flat") stack.push(p);
      } else if (e.isFile() || e.isSymbolicLink()) {
        // Symlinks to directories are not descended (loops); a symlinked file is statted through
        // and later checked against the user's folder.
        toStat.push(p);
      }
    }
    entries = [];
    const files: WalkedFile[] = [];
    for (let i = 0; i < toStat.length; i += STAT_CONCURRENCY) {
      const part = toStat.slice(i, i + STAT_CONCURRENCY);
      const stats = await Promise.all(part.map((p) => fs.promises.stat(p).catch(() => null)));
      stats.forEach((s, j) => {
        if (s?.isFile()) files.push({ path: part[j]!, size: s.size, mtimeMs: s.mtimeMs });
      });
    }
    out.dirs += 1;
    out.files += files.length;
    await onDir(dir, files);
  }
  return out;
}
