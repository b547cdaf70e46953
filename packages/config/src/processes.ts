/**
 * Processes as the kernel sees them (Linux /proc; elsewhere the answers degrade to what kill(2)
 * tells): whether one runs, when it started (so a reused pid is not taken for the process it was),
 * whether a process group still has members, and how to end one. Light on purpose (node:fs only):
 * the CLI requires it as `@omero-fs/config/processes`.
 */
import * as fs from "node:fs";

/** Start time of a process as the kernel records it (clock ticks since boot, as text), or null (no /proc, no such process). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether a process runs. A zombie (exited, not yet reaped by whoever adopted it) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/**
 * Whether process group `pgid` (a child started with its own group, e.g. an import) still has a
 * member this user may signal, and is the one started at `startTime` when its leader still runs
 * (null: not checked). A group of another user, or a reused id, is not ours: false.
 */
export function processGroupAlive(pgid: number, startTime: string | null): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (startTime === null) return true;
  // The leader may have exited while its children (Java under the omero CLI) run on; a pid is
  // never reused while it names a live group, so only a running leader can be an impostor.
  const now = processStartTime(pgid);
  return now === null || !isAlive(pgid) || now === startTime;
}

/** Send `signal` to every member of process group `pgid`; false when there is none. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
