import * as fs from "node:fs";
import * as path from "node:path";
// The light module only: the package index also loads winston, which a quick CLI call avoids.
import { homePaths } from "@omero-fs/config/home";
import type { ServerName } from "@omero-fs/protocol";
import { isAlive, processStartTime } from "@omero-fs/config/processes";

/** Re-exported for the node and the commands that used them from here. */
export { isAlive, processStartTime };

/** The CLI entry point: the node and the servers are spawned as `node <CLI_BIN> --home H ...`. */
export const CLI_BIN = path.resolve(__dirname, "..", "..", "bin", "omero-fs.js");

/**
 * The node's files under the home (docs/ARCHITECTURE.md, "Processes"):
 * - var/run/node.pid: the node's pid, one line (for systemd PIDFile= and humans);
 * - var/run/node.json: {pid, startTime, endpoint, home, sockets}: what the CLI needs to reach it;
 * - var/run/<Server>.pid: pids of the servers the node spawned (to reap orphans after a node crash);
 * - var/node-state.json: which servers are enabled; survives restarts.
 */
export interface NodeFiles {
  pidFile: string;
  /** Why the last node could not start (one line), for the `admin start` that spawned it. */
  startErrorFile: string;
  infoFile: string;
  stateFile: string;
  serverPidFile: (name: ServerName) => string;
  logFile: (name: ServerName | "Node") => string;
  logDir: string;
  runDir: string;
  socketsDir: string;
  socketsFallback: boolean;
}

export function nodeFiles(home: string): NodeFiles {
  const p = homePaths(home);
  return {
    pidFile: path.join(p.run, "node.pid"),
    startErrorFile: path.join(p.run, "node-start-error.txt"),
    infoFile: path.join(p.run, "node.json"),
    stateFile: path.join(home, "var", "node-state.json"),
    serverPidFile: (name) => path.join(p.run, `${name}.pid`),
    logFile: (name) => path.join(p.log, `${name}.log`),
    logDir: p.log,
    runDir: p.run,
    socketsDir: p.sockets,
    socketsFallback: p.socketsFallback,
  };
}

/** What a running node publishes about itself in var/run/node.json. */
export interface NodeInfo {
  pid: number;
  /** Kernel start time of the process (/proc/<pid>/stat field 22), to tell a reused pid apart. */
  startTime: string | null;
  endpoint: string;
  home: string;
  sockets: string;
  /** host:port of the node's HTTP server (status page, /api, /metrics), when it serves one. */
  http?: string | null;
}

/** Command line of a process, NUL-separated fields joined by spaces; null when unknown. */
export function processCmdline(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return null;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Write a file atomically (temp + rename) so a reader never sees half of it. */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

export type NodeLookup =
  | { state: "running"; info: NodeInfo }
  | { state: "none" }
  /** The pid file is taken by a live omero-fs process that has not yet published node.json. */
  | { state: "starting"; pid: number }
  /** A pid file whose process is gone or is not our node (pid reused): safe to remove. */
  | { state: "stale"; pid: number | null; why: string };

/** Is a node running for this home? Reads the pid/info files and checks the process. */
export function findNode(home: string): NodeLookup {
  const f = nodeFiles(home);
  let pidText: string | null = null;
  try {
    pidText = fs.readFileSync(f.pidFile, "utf8").trim();
  } catch {
    pidText = null;
  }
  const info = readJson(f.infoFile) as NodeInfo | null;
  if (pidText === null && !info) return { state: "none" };
  const pid = pidText !== null ? Number(pidText) : (info?.pid ?? Number.NaN);
  if (!Number.isInteger(pid) || pid <= 0) return { state: "stale", pid: null, why: "the pid file is unreadable" };
  if (!isAlive(pid)) return { state: "stale", pid, why: `process ${pid} is gone` };
  if (!info || info.pid !== pid) {
    // Between writing the pid file and node.json a starting node has a short window: call it
    // starting if the process looks like an omero-fs node, else the pid was reused.
    const cmd = processCmdline(pid);
    if (cmd !== null && !cmd.includes("omero-fs")) {
      return { state: "stale", pid, why: `pid ${pid} now belongs to another program` };
    }
    return { state: "starting", pid };
  }
  const now = processStartTime(pid);
  if (info.startTime !== null && now !== null && now !== info.startTime) {
    return { state: "stale", pid, why: `pid ${pid} was reused by another process` };
  }
  return { state: "running", info };
}

/** Remove the node's pid and info files (after a crash, or on a clean exit). */
/** Leave the reason a node could not start for the `admin start` waiting for it (one line). */
export function writeStartError(home: string, reason: string): void {
  try {
    fs.writeFileSync(nodeFiles(home).startErrorFile, `${reason.split("\n")[0]}\n`);
  } catch {
    // an unusable home: the admin start that spawned this node reports the exit code
  }
}

export function removeNodeFiles(home: string): void {
  const f = nodeFiles(home);
  for (const file of [f.pidFile, f.infoFile]) fs.rmSync(file, { force: true });
}

/** Persistent per-server choices (var/node-state.json). */
export interface NodeState {
  enabled: Record<ServerName, boolean>;
}

export function readNodeState(home: string): NodeState {
  const raw = readJson(nodeFiles(home).stateFile) as { enabled?: Record<string, unknown> } | null;
  const e = raw?.enabled ?? {};
  return {
    enabled: {
      MonitorServer: e.MonitorServer !== false,
      DropBox: e.DropBox !== false,
    },
  };
}

export function writeNodeState(home: string, state: NodeState): void {
  writeFileAtomic(nodeFiles(home).stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** The subcommand that runs each server (`omero-fs --home H <subcommand> --quiet`). */
export const SERVER_SUBCOMMAND: Record<ServerName, string> = { MonitorServer: "monitor-server", DropBox: "dropbox" };

/**
 * Whether a command line (argv, as /proc/<pid>/cmdline holds it) is this home's server `name`: it
 * carries `--home <home>` and the server's subcommand as words of their own. Pure. A pid that was
 * reused by any other program (or by the other server, or another home's) does not match.
 */
export function isServerCmdline(argv: readonly string[], home: string, name: ServerName): boolean {
  const h = argv.indexOf("--home");
  if (h < 0 || argv[h + 1] !== home) return false;
  return argv.slice(h + 2).includes(SERVER_SUBCOMMAND[name]);
}

/** The argv of a process (/proc/<pid>/cmdline), or null when it cannot be read. */
export function processArgv(pid: number): string[] | null {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw.split("\0").filter((x, i, a) => i < a.length - 1 || x !== "");
  } catch {
    return null;
  }
}

/**
 * The pid a node recorded for a server, if that process still runs and is that server of this home
 * (isServerCmdline). A pid that cannot be verified is never reported, let alone signalled.
 */
export function liveServerPid(home: string, name: ServerName): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(nodeFiles(home).serverPidFile(name), "utf8").trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const argv = processArgv(pid);
  return argv !== null && isServerCmdline(argv, home, name) ? pid : null;
}
