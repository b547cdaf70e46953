/**
 * Process figures from Linux's /proc text (for the per-server process metrics). Pure: the node
 * reads /proc/<pid>/stat, /proc/<pid>/status and /proc/stat and passes their text.
 */

/** One process's figures, as /metrics shows them per server. */
export interface ProcessStats {
  server: string;
  pid: number;
  cpuSeconds: number | null;
  residentBytes: number | null;
  openFds: number | null;
  startTimeSeconds: number | null;
  inotifyWatches: number | null;
}

/** USER_HZ: /proc counts CPU time in clock ticks of 1/100 s on every Linux architecture we run on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) and start (ticks after boot) from /proc/<pid>/stat. */
export function parseStat(text: string): { cpuSeconds: number; startTicks: number } | null {
  // The command name (field 2) may hold spaces and parentheses: fields start after the last ")".
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const start = Number(rest[19]);
  if (![utime, stime, start].every(Number.isFinite)) return null;
  return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, startTicks: start };
}

/** Resident memory in bytes from /proc/<pid>/status (VmRSS, in kB). */
export function parseRss(status: string): number | null {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : null;
}

/** Boot time (Unix seconds) from /proc/stat. */
export function parseBootTime(stat: string): number | null {
  const m = /^btime (\d+)/m.exec(stat);
  return m ? Number(m[1]) : null;
}

/** A process's start as Unix seconds. */
export function startTimeSeconds(startTicks: number, bootTime: number): number {
  return bootTime + startTicks / TICKS_PER_SECOND;
}
