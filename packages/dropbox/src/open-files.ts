/**
 * Which files a local process holds open for writing (readiness's "closed" condition), Linux only:
 * one pass over /proc/<pid>/fd for a whole set of candidate paths (a Set lookup per fd), counting
 * an fd only when /proc/<pid>/fdinfo/<fd> `flags:` has O_WRONLY or O_RDWR. This covers local
 * writers and userspace file servers writing for clients (smbd, nfs-ganesha). The kernel NFS
 * server (nfsd) holds no fds: files written through it are covered by the size/mtime settle time
 * and the structure check only. Processes we cannot read (another user's, exited) are skipped.
 */
import * as fs from "node:fs";
import type { Writer } from "./core/readiness";

const O_ACCMODE = 0o3;
const O_WRONLY = 0o1;
const O_RDWR = 0o2;

/** Writers by path for the paths in `wanted` (absent: nobody holds it open for writing). */
export async function openForWrite(wanted: ReadonlySet<string>): Promise<Map<string, Writer>> {
  const out = new Map<string, Writer>();
  if (wanted.size === 0 || process.platform !== "linux") return out;
  let pids: string[];
  try {
    pids = await fs.promises.readdir("/proc");
  } catch {
    return out;
  }
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = await fs.promises.readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await fs.promises.readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!wanted.has(target) || out.has(target)) continue;
      let flags: number;
      try {
        const info = await fs.promises.readFile(`/proc/${pid}/fdinfo/${fd}`, "utf8");
        flags = Number.parseInt(/^flags:\s*([0-7]+)/m.exec(info)?.[1] ?? "0", 8);
      } catch {
        continue;
      }
      const mode = flags & O_ACCMODE;
      if (mode !== O_WRONLY && mode !== O_RDWR) continue;
      let command: string | undefined;
      try {
        command = (await fs.promises.readFile(`/proc/${pid}/comm`, "utf8")).trim();
      } catch {}
      out.set(target, command ? { pid: Number(pid), command } : { pid: Number(pid) });
    }
  }
  return out;
}
