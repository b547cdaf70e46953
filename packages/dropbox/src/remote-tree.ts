/**
 * Reconciliation of a remote watch (issue 13): the tree comes from its MonitorServer's `list`
 * (a local listing on the storage host) instead of a walk through the network mount; paths are
 * mapped back to local ones (omero.fs.monitorPathMap). When `list` cannot be used (an old
 * MonitorServer answers UNKNOWN_METHOD, a timeout, no monitor yet) the mount is walked instead,
 * logged once per watch and reason.
 */
import * as path from "node:path";
import type { OnceLog, WatchConfig } from "@omero-fs/config";
import { depthBelow, folderDepthProblem } from "@omero-fs/protocol";
import { listMonitorTree } from "@omero-fs/protocol/zmq";
import { toLocal } from "./core/path-map";
import type { WalkedFile } from "./core/reconcile";
import type { LinkEntry } from "./monitor-links";
import { type TreeSource, type WalkSummary, walkWatchDirs } from "./walk";

/** Per page: a storage host listing a big folder over NFS-free local disk answers well within this. */
const LIST_PAGE_TIMEOUT_MS = 30_000;

export interface RemoteTreeDeps {
  linkOf: (watch: number) => LinkEntry | undefined;
  monitorOf: (watch: number) => string | undefined;
  problems: OnceLog;
}

export function remoteTreeSource(deps: RemoteTreeDeps): TreeSource {
  return async (w, onDir, onLeave) => {
    const e = deps.linkOf(w.index);
    if (!e || e.local) return walkWatchDirs(w, onDir, undefined, onLeave);
    const key = `list:${w.index}:`;
    const fallback = (why: string): Promise<WalkSummary> => {
      deps.problems.once(
        `${key}${why.split(":")[0]}`,
        "warn",
        `watch ${w.index + 1}: cannot list it through the MonitorServer at ${e.control} (${why}); walking ${w.watchDir} through the mount instead`,
      );
      return walkWatchDirs(w, onDir);
    };
    const id = deps.monitorOf(w.index);
    if (e.down || !id) return fallback(e.down ? `unreachable: ${e.noAnswer}` : "no monitor yet");
    try {
      const s = await listRemote(w, e, id, onDir, deps.problems);
      deps.problems.forgetPrefix(key);
      return s;
    } catch (err) {
      const code = (err as { code?: string }).code;
      return fallback(`${code ?? "error"}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

async function listRemote(
  w: WatchConfig,
  e: LinkEntry,
  monitorId: string,
  onDir: (dir: string, files: WalkedFile[]) => Promise<void>,
  problems: OnceLog,
): Promise<WalkSummary> {
  const map = w.monitorPathMap;
  const local = (p: string): string | null => {
    const l = toLocal(map, p);
    if (l === null)
      problems.once(
        `list-outside:${w.index}`,
        "error",
        `watch ${w.index + 1}: ${e.control} listed ${p}, outside ${map?.remote} (omero.fs.monitorPathMap REMOTE): refused; check the path map`,
      );
    return l;
  };
  const s = await listMonitorTree(
    e.link.client,
    monitorId,
    async (d) => {
      const dir = local(d.dir);
      if (dir === null) return;
      const files = d.files.map((f) => ({ path: path.join(dir, f.name), size: f.size, mtimeMs: f.mtimeMs }));
      await onDir(dir, files);
    },
    { timeoutMs: LIST_PAGE_TIMEOUT_MS },
  );
  const unreadableDirs = s.unreadableDirs.flatMap((d) => local(d) ?? []);
  // A folder the MonitorServer refused as too deep is unreadable to it: say why, as a local walk does.
  const refused: Record<string, string> = {};
  for (const d of unreadableDirs) {
    const why = folderDepthProblem(d, depthBelow(path.resolve(w.watchDir), d));
    if (why) refused[d] = why;
  }
  return {
    present: s.present,
    files: s.files,
    dirs: s.dirs,
    unreadableDirs,
    ...(Object.keys(refused).length > 0 ? { refused } : {}),
    via: `listed by ${e.control}`,
  };
}
