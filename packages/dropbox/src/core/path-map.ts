/**
 * A remote MonitorServer sees the storage under its own path (REMOTE) while this host reads it
 * through a mount (LOCAL): omero.fs.monitorPathMap. Monitors are created on remote paths; every
 * path that comes back is mapped to the local one before anything else looks at it, so
 * containment, users and the ledger only ever see local paths. Pure.
 */
import type { EventBlock, FsEvent } from "@omero-fs/protocol";
import { isUnder, normalAbs } from "./paths";

export interface PathMap {
  remote: string;
  local: string;
}

/** `p` with prefix `from` replaced by `to`; null when `p` is neither `from` nor under it. */
function swap(from: string, to: string, p: string): string | null {
  const f = normalAbs(from);
  const t = normalAbs(to);
  const abs = normalAbs(p);
  if (abs === f) return t;
  if (!isUnder(abs, f)) return null;
  const rest = f === "/" ? abs.slice(1) : abs.slice(f.length + 1);
  return t === "/" ? `/${rest}` : `${t}/${rest}`;
}

/** The local path of a path the MonitorServer sent; null when it is outside REMOTE (refused). */
export function toLocal(map: PathMap | null, remotePath: string): string | null {
  return map ? swap(map.remote, map.local, remotePath) : remotePath;
}

/** The path to ask the MonitorServer about for a local path; null when it is outside LOCAL. */
export function toRemote(map: PathMap | null, localPath: string): string | null {
  return map ? swap(map.local, map.remote, localPath) : localPath;
}

/**
 * An event block from a remote MonitorServer in local paths. Events outside REMOTE are left out
 * and returned in `refused` (the caller logs them); a rescan notice outside REMOTE becomes a
 * rescan of `localRoot` (the whole watch).
 */
export function blockToLocal(
  map: PathMap | null,
  block: EventBlock,
  localRoot: string,
): { block: EventBlock; refused: string[] } {
  if (!map) return { block, refused: [] };
  const refused: string[] = [];
  const events: FsEvent[] = [];
  for (const e of block.events) {
    const p = toLocal(map, e.path);
    if (p === null) refused.push(e.path);
    else events.push({ ...e, path: p });
  }
  const rescan = block.rescan
    ? { reason: block.rescan.reason, path: toLocal(map, block.rescan.path) ?? localRoot }
    : null;
  return { block: { ...block, events, rescan }, refused };
}
