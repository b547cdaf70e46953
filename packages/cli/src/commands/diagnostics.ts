/**
 * `omero-fs admin diagnostics [--json]` (as `omero admin diagnostics`): versions, inotify limits and
 * the watches in use, free space where the ledger, logs, repository and watches live, the
 * configured endpoints and who holds them, where the configuration comes from, and whether OMERO
 * answers. Reads only; works with or without a running node.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { homePaths, loadConfig } from "@omero-fs/config";
import { type DiagnosticsJson, DiagnosticsJsonSchema, OMERO_FS_VERSION, SERVER_NAMES } from "@omero-fs/protocol";
import {
  diagnosticProblems,
  inotifyWatches,
  isLocalHost,
  listeningTcp,
  parseEndpoint,
  unixSockets,
} from "../core/diagnostics";
import { cell, table } from "../format";
import { findNode, liveServerPid } from "../node/records";
import { printJson } from "../print";
import { currentStatus } from "./admin-status";

const read = (f: string): string | null => {
  try {
    return fs.readFileSync(f, "utf8");
  } catch {
    return null;
  }
};
const num = (f: string): number | null => {
  const t = read(f);
  return t === null ? null : Number(t.trim());
};

/** Every process's open sockets and inotify watches, from /proc (only this user's are readable). */
function scanProcesses(): {
  socketOwner: Map<number, number>;
  inotify: Map<number, { watches: number; instances: number }>;
} {
  const socketOwner = new Map<number, number>();
  const inotify = new Map<number, { watches: number; instances: number }>();
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const sock = /^socket:\[(\d+)\]$/.exec(link);
      if (sock) socketOwner.set(Number(sock[1]), pid);
      else if (link === "anon_inode:inotify") {
        const i = inotify.get(pid) ?? { watches: 0, instances: 0 };
        i.instances++;
        i.watches += inotifyWatches(read(`/proc/${pid}/fdinfo/${fd}`) ?? "");
        inotify.set(pid, i);
      }
    }
  }
  return { socketOwner, inotify };
}

const commandOf = (pid: number) => (read(`/proc/${pid}/comm`) ?? "?").trim();

function diskOf(what: string, p: string): DiagnosticsJson["disks"][number] {
  const exists = fs.existsSync(p);
  // Free space of the file system the path is (or will be) on: its nearest existing ancestor.
  let at = p;
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    const s = fs.statfsSync(at);
    return { what, path: p, exists, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return { what, path: p, exists, freeBytes: null, totalBytes: null };
  }
}

/** A TCP connection to OMERO's port within 3 s: reachable or why not. */
function reach(host: string, port: number): Promise<{ reachable: boolean; error: string | null; ms: number | null }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 3000 });
    const done = (error: string | null) => {
      s.destroy();
      resolve({ reachable: error === null, error, ms: error === null ? Math.round(performance.now() - t0) : null });
    };
    s.once("connect", () => done(null));
    s.once("timeout", () => done("no answer within 3 s"));
    s.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

function versions(): Record<string, string | null> {
  const pkg = (name: string): string | null => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return null;
    }
  };
  return {
    "omero-fs": OMERO_FS_VERSION,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    "better-sqlite3": pkg("better-sqlite3"),
    zeromq: pkg("zeromq"),
    "@parcel/watcher": pkg("@parcel/watcher"),
  };
}

export async function gatherDiagnostics(home: string): Promise<DiagnosticsJson> {
  const loaded = loadConfig({ home });
  const cfg = loaded.effective;
  const status = await currentStatus(home).catch(() => null);
  const paths = homePaths(home);
  const found = findNode(home);
  const ourPids = new Set<number>(
    [found.state === "running" ? found.info.pid : null, ...SERVER_NAMES.map((n) => liveServerPid(home, n))].filter(
      (p): p is number => p !== null,
    ),
  );
  const procs = scanProcesses();

  const serverWatches = SERVER_NAMES.flatMap((name) => {
    const pid = liveServerPid(home, name);
    return pid === null ? [] : [{ name, pid, watches: procs.inotify.get(pid)?.watches ?? 0 }];
  });
  let watchesUsed = 0;
  let instancesUsed = 0;
  for (const i of procs.inotify.values()) {
    watchesUsed += i.watches;
    instancesUsed += i.instances;
  }

  const disks = [
    diskOf("ledger", paths.db),
    diskOf("logs", paths.log),
    ...(cfg ? [diskOf("repository", path.join(cfg.global.dataDir, "ManagedRepository"))] : []),
    ...(cfg?.watches ?? []).map((w) => diskOf(`watch ${w.index + 1} (${w.user})`, w.watchDir)),
  ];

  const tcp = [...listeningTcp(read("/proc/net/tcp") ?? ""), ...listeningTcp(read("/proc/net/tcp6") ?? "")];
  const unix = unixSockets(read("/proc/net/unix") ?? "");
  const own = Object.values(os.networkInterfaces())
    .flat()
    .map((a) => a?.address ?? "");
  const endpoints: [string, string][] = cfg
    ? [
        // The address the running node bound (port 0 in the config means any free port).
        ["omero.fs.httpAddress", (found.state === "running" && found.info.http) || cfg.global.httpAddress],
        ["omero.fs.nodeControl", cfg.global.nodeControl],
        ["omero.fs.monitorBindControl", cfg.global.monitorBindControl],
        ["omero.fs.monitorBindEvents", cfg.global.monitorBindEvents],
        ["omero.fs.dropboxControl", cfg.global.dropboxControl],
      ]
    : [];
  const ports: DiagnosticsJson["ports"] = [];
  for (const [property, endpoint] of endpoints) {
    const e = parseEndpoint(endpoint);
    if (!e) continue;
    let inodes: number[] | null;
    if (e.kind === "ipc") inodes = unix.get(e.path) ?? [];
    else
      inodes = isLocalHost(e.host, own) && e.port > 0 ? tcp.filter((s) => s.port === e.port).map((s) => s.inode) : null;
    const pids = [...new Set((inodes ?? []).map((i) => procs.socketOwner.get(i)).filter((p) => p !== undefined))];
    ports.push({
      property,
      endpoint,
      state: inodes === null ? "unknown" : inodes.length > 0 ? "listening" : "free",
      holders: pids.map((pid) => ({ pid, command: commandOf(pid), ours: ourPids.has(pid) })),
    });
  }

  const sources = new Map<string, number>();
  for (const v of loaded.values) sources.set(v.source, (sources.get(v.source) ?? 0) + 1);
  const sourcePath = (s: string) =>
    s === "templates.xml" ? paths.templatesXml : s === "config.json" ? paths.configJson : null;

  const g = cfg?.global;
  const omero =
    g && g.importer === "omero"
      ? { importer: g.importer, server: g.omeroServer, port: g.omeroPort, ...(await reach(g.omeroServer, g.omeroPort)) }
      : null;

  const doc: Omit<DiagnosticsJson, "problems"> = {
    home,
    versions: versions(),
    node: { running: status?.node.running ?? false, pid: status?.node.pid ?? null },
    servers: status?.servers ?? [],
    inotify: {
      maxUserWatches: num("/proc/sys/fs/inotify/max_user_watches"),
      maxUserInstances: num("/proc/sys/fs/inotify/max_user_instances"),
      maxQueuedEvents: num("/proc/sys/fs/inotify/max_queued_events"),
      watchesUsed,
      instancesUsed,
      servers: serverWatches,
    },
    disks,
    ports,
    config: {
      sources: ["default", "templates.xml", "config.json", "env"].map((s) => ({
        source: s,
        path: sourcePath(s),
        properties: sources.get(s) ?? 0,
      })),
      problems: loaded.problems.map((p) => p.message),
    },
    omero,
  };
  return {
    ...doc,
    problems: diagnosticProblems({
      nodeRunning: doc.node.running,
      inotify: doc.inotify,
      disks,
      ports,
      configProblems: doc.config.problems,
      omero,
    }),
  };
}

const size = (b: number | null) => (b === null ? "?" : `${(b / 1024 ** 3).toFixed(1)} GiB`);

function text(d: DiagnosticsJson): string {
  const out: string[] = [`omero-fs diagnostics for ${d.home}`, "", "versions:"];
  out.push(
    ...table(
      ["WHAT", "VERSION"],
      Object.entries(d.versions).map(([k, v]) => [k, v ?? "?"]),
    ).split("\n"),
  );
  out.push(
    "",
    `node: ${d.node.running ? `running (pid ${d.node.pid})` : "not running"}`,
    ...d.servers.map(
      (s) => `  ${s.name}: ${s.state}${s.pid ? ` (pid ${s.pid})` : ""}${s.reason ? `: ${cell(s.reason)}` : ""}`,
    ),
  );
  const i = d.inotify;
  out.push(
    "",
    `inotify: ${i.watchesUsed ?? "?"} of ${i.maxUserWatches ?? "?"} watches in use (fs.inotify.max_user_watches), ${i.instancesUsed ?? "?"} of ${i.maxUserInstances ?? "?"} instances, queue ${i.maxQueuedEvents ?? "?"} events`,
    ...i.servers.map((s) => `  ${s.name} (pid ${s.pid}): ${s.watches} watches`),
    "",
    "disk space:",
    ...table(
      ["WHAT", "FREE", "OF", "PATH"],
      d.disks.map((x) => [
        x.what,
        size(x.freeBytes),
        size(x.totalBytes),
        `${cell(x.path)}${x.exists ? "" : " (missing)"}`,
      ]),
    ).split("\n"),
    "",
    "ports and sockets:",
    ...table(
      ["PROPERTY", "ENDPOINT", "STATE", "HELD BY"],
      d.ports.map((p) => [
        p.property,
        cell(p.endpoint),
        p.state,
        p.holders.map((h) => `pid ${h.pid} ${h.command}${h.ours ? " (this omero-fs)" : ""}`).join(", ") || "-",
      ]),
    ).split("\n"),
    "",
    "configuration (later wins):",
    ...d.config.sources.map((s) => `  ${s.source}${s.path ? ` (${cell(s.path)})` : ""}: ${s.properties} properties`),
  );
  out.push(
    "",
    d.omero
      ? `OMERO ${d.omero.server}:${d.omero.port}: ${d.omero.reachable ? `reachable (${d.omero.ms} ms)` : `NOT reachable: ${d.omero.error}`}`
      : "OMERO: not used (omero.fs.importer is not omero)",
    "",
    d.problems.length ? "problems:" : "no problems found",
    ...d.problems.map((p) => `  - ${cell(p)}`),
  );
  return `${out.join("\n")}\n`;
}

/** Print the diagnostics. Exit 0 whatever is found: the problems are listed, not fatal. */
export async function diagnosticsCommand(home: string, json: boolean): Promise<void> {
  const d = await gatherDiagnostics(home);
  if (json) printJson(DiagnosticsJsonSchema, d, "admin diagnostics");
  else process.stdout.write(text(d));
}
