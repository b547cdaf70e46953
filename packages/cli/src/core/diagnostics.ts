/**
 * `admin diagnostics`: reading the kernel's tables (/proc/net/tcp, /proc/net/unix, inotify fdinfo)
 * and judging what was found. Pure: the command reads the files and passes their text.
 */

/** A listening socket from /proc/net/tcp or tcp6: its port and inode (to find its process). */
export interface ListenSocket {
  port: number;
  /** Local address as hex (00000000: every IPv4 address). */
  address: string;
  inode: number;
}

/** The LISTEN sockets (state 0A) of /proc/net/tcp or /proc/net/tcp6. */
export function listeningTcp(text: string): ListenSocket[] {
  const out: ListenSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== "0A") continue;
    const [address, port] = f[1]!.split(":");
    out.push({ address: address!, port: Number.parseInt(port!, 16), inode: Number(f[9]) });
  }
  return out;
}

/** Unix sockets by path from /proc/net/unix (path -> inodes). */
export function unixSockets(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const p = f.slice(7).join(" ");
    const list = out.get(p) ?? [];
    list.push(Number(f[6]));
    out.set(p, list);
  }
  return out;
}

/** Inotify watches held through one file descriptor (its /proc/PID/fdinfo/FD text). */
export function inotifyWatches(fdinfo: string): number {
  let n = 0;
  for (const line of fdinfo.split("\n")) if (line.startsWith("inotify wd:")) n++;
  return n;
}

/** What an endpoint names: a TCP port (host, port) or a Unix socket path; null for anything else. */
export type Endpoint = { kind: "tcp"; host: string; port: number } | { kind: "ipc"; path: string } | null;

/** `tcp://host:port`, `ipc:///path`, or an HTTP address `host:port` (`off`: null). */
export function parseEndpoint(raw: string): Endpoint {
  if (raw.startsWith("ipc://")) return { kind: "ipc", path: raw.slice(6) };
  const hostPort = raw.startsWith("tcp://") ? raw.slice(6) : raw;
  const i = hostPort.lastIndexOf(":");
  if (i < 0) return null;
  const port = Number(hostPort.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { kind: "tcp", host: hostPort.slice(0, i).replace(/^\[|\]$/g, ""), port };
}

/** Is a host this machine (we can see who listens there)? */
export function isLocalHost(host: string, ownAddresses: string[]): boolean {
  return (
    host === "*" ||
    host === "0.0.0.0" ||
    host === "::" ||
    host === "localhost" ||
    host.startsWith("127.") ||
    host === "::1" ||
    ownAddresses.includes(host)
  );
}

/** The facts the judgement needs (a subset of the --json document). */
export interface DiagnosticFacts {
  nodeRunning: boolean;
  inotify: { maxUserWatches: number | null; watchesUsed: number | null };
  disks: { what: string; path: string; exists: boolean; freeBytes: number | null; totalBytes: number | null }[];
  ports: {
    property: string;
    endpoint: string;
    state: string;
    holders: { pid: number; command: string; ours: boolean }[];
  }[];
  configProblems: string[];
  omero: { server: string; port: number; reachable: boolean; error: string | null } | null;
}

const GiB = 1024 ** 3;
const gib = (b: number) => `${(b / GiB).toFixed(1)} GiB`;

/** What looks wrong, one sentence each with the fix. */
export function diagnosticProblems(f: DiagnosticFacts): string[] {
  const out: string[] = [];
  const { maxUserWatches: max, watchesUsed: used } = f.inotify;
  if (max !== null && used !== null && used > 0.9 * max)
    out.push(
      `inotify watches: ${used} of ${max} in use; new folders may not be watched (polled instead): raise fs.inotify.max_user_watches (sysctl)`,
    );
  for (const d of f.disks) {
    if (!d.exists && d.what.startsWith("watch"))
      out.push(`${d.what}: ${d.path} does not exist (omero.fs.watchDir); the watch starts when it appears`);
    if (d.freeBytes === null || d.totalBytes === null || d.totalBytes === 0) continue;
    if (d.freeBytes < 0.05 * d.totalBytes || d.freeBytes < GiB)
      out.push(`${d.what}: only ${gib(d.freeBytes)} free of ${gib(d.totalBytes)} at ${d.path}; free some space`);
  }
  for (const p of f.ports) {
    const others = p.holders.filter((h) => !h.ours);
    if (others.length > 0)
      out.push(
        `${p.property} ${p.endpoint} is held by ${others.map((h) => `pid ${h.pid} (${h.command})`).join(", ")}, not by this omero-fs; stop it or change ${p.property}`,
      );
    else if (f.nodeRunning && p.state === "free" && p.property === "omero.fs.httpAddress")
      out.push(`${p.property} ${p.endpoint}: the node runs but nothing listens there (see Node.log)`);
  }
  for (const c of f.configProblems) out.push(`configuration: ${c}`);
  if (f.omero && !f.omero.reachable)
    out.push(
      `OMERO ${f.omero.server}:${f.omero.port} does not answer (${f.omero.error ?? "no answer"}); check omero.fs.omeroServer and omero.fs.omeroPort and that OMERO.server runs`,
    );
  return out;
}
