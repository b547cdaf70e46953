/** Walk a watch tree for reconciliation, with the monitor's filters (I/O shell). */
import * as fs from "node:fs";
import * as path from "node:path";
import type { WatchConfig } from "@omero-fs/config";
import { COOKIE_PREFIX, isSysFileName, isUnder, resolveBlacklist } from "./paths";
import type { WalkedFile } from "./reconcile";

export interface WalkResult {
  present: boolean;
  files: WalkedFile[];
  unreadableDirs: string[];
}

/** Stats run this many at a time: enough to hide latency, few enough to keep memory flat. */
const STAT_CONCURRENCY = 64;

export async function walkWatch(watch: WatchConfig): Promise<WalkResult> {
  const root = path.resolve(watch.watchDir);
  try {
    const st = await fs.promises.stat(root);
    if (!st.isDirectory()) return { present: false, files: [], unreadableDirs: [] };
  } catch {
    return { present: false, files: [], unreadableDirs: [] };
  }
  const blacklist = resolveBlacklist(root, watch.blacklist);
  const files: WalkedFile[] = [];
  const unreadableDirs: string[] = [];
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  const toStat: string[] = [];
  const flush = async () => {
    const batch = toStat.splice(0, toStat.length);
    for (let i = 0; i < batch.length; i += STAT_CONCURRENCY) {
      const part = batch.slice(i, i + STAT_CONCURRENCY);
      const stats = await Promise.all(part.map((p) => fs.promises.stat(p).catch(() => null)));
      stats.forEach((s, j) => {
        if (s?.isFile()) files.push({ path: part[j]!, size: s.size, mtimeMs: s.mtimeMs });
      });
    }
  };
  while (stack.length > 0) {
    const { dir, depth } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      unreadableDirs.push(dir);
      continue;
    }
    for (const e of entries) {
      const name = e.name;
      if (name.startsWith(COOKIE_PREFIX)) continue;
      if (watch.ignoreSysFiles && isSysFileName(name)) continue;
      const p = path.join(dir, name);
      if (blacklist.some((b) => isUnder(p, b))) continue;
      if (e.isDirectory()) {
        // Flat: the directory only; Recurse and Follow: every level (new dirs are walked like old ones).
        if (watch.pathMode !== "Flat") stack.push({ dir: p, depth: depth + 1 });
      } else if (e.isFile() || e.isSymbolicLink()) {
        // Symlinks to directories are not descended (loops); a symlinked file is statted through
        // and later checked against the user's folder.
        toStat.push(p);
      }
    }
    if (toStat.length >= 4096) await flush();
  }
  await flush();
  return { present: true, files, unreadableDirs };
}
