/** Per-process figures for /metrics, read from Linux's /proc (pure parsing in core/proc.ts). */
import * as fs from "node:fs";
import { inotifyWatches } from "../core/diagnostics";
import { parseBootTime, parseRss, parseStat, type ProcessStats, startTimeSeconds } from "../core/proc";

const read = (f: string): string | null => {
  try {
    return fs.readFileSync(f, "utf8");
  } catch {
    return null;
  }
};

let bootTime: number | null | undefined;

/** The figures of one process; fields it cannot read are null (another platform, a process gone). */
export function processStats(server: string, pid: number): ProcessStats {
  bootTime ??= parseBootTime(read("/proc/stat") ?? "");
  const stat = parseStat(read(`/proc/${pid}/stat`) ?? "");
  let openFds: number | null = null;
  let watches: number | null = null;
  try {
    const fds = fs.readdirSync(`/proc/${pid}/fd`);
    openFds = fds.length;
    watches = 0;
    for (const fd of fds) {
      let link = "";
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link === "anon_inode:inotify") watches += inotifyWatches(read(`/proc/${pid}/fdinfo/${fd}`) ?? "");
    }
  } catch {
    // not Linux, or gone
  }
  return {
    server,
    pid,
    cpuSeconds: stat?.cpuSeconds ?? null,
    residentBytes: parseRss(read(`/proc/${pid}/status`) ?? ""),
    openFds,
    startTimeSeconds: stat && bootTime ? startTimeSeconds(stat.startTicks, bootTime) : null,
    inotifyWatches: watches,
  };
}

/** fs.inotify.max_user_watches, or null. */
export function maxUserWatches(): number | null {
  const t = read("/proc/sys/fs/inotify/max_user_watches");
  return t === null ? null : Number(t.trim());
}
