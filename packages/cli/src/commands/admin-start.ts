/**
 * `admin start`, `stop` and `restart`: the detached node, its start-up wait and its stop. Each
 * returns what it did (lines for people, the --json document); the command prints one of them.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { type AdminStartJson, type AdminStopJson, SERVER_NAMES, type ServerName } from "@omero-fs/protocol";
import { CliError } from "../errors";
import { existingCount, existingLine } from "../ledger-access";
import { callNode } from "../node/client";
import type { NodeStatus } from "../node/methods";
import { nodeOptionsFromEnv } from "../node/options";
import { CLI_BIN, findNode, isAlive, liveServerPid, type NodeInfo, nodeFiles, removeNodeFiles } from "../node/records";
import { tailLines } from "@omero-fs/config";
import { currentStatus, serverTable } from "./admin-status";

/** Exit code of `admin node-run` when another node holds the pid file. */
export const EXIT_ALREADY_RUNNING = 3;
const LOG_LINES_ON_FAILURE = 15;
/** `admin start` gives up after this long; each server also has its own ready deadline in the node. */
export const DEFAULT_START_TIMEOUT_S = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until a process is gone; false at the deadline. */
async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

/** Stop a node: `shutdown` (it stops DropBox, then MonitorServer), wait, then SIGKILL as a last resort. */
async function stopNode(home: string, info: NodeInfo): Promise<void> {
  const opts = nodeOptionsFromEnv(process.env);
  // The node stops each server with its own deadline, then exits: allow for both plus a margin.
  const deadline = opts.stopTimeoutMs.DropBox + opts.stopTimeoutMs.MonitorServer + 5000;
  try {
    await callNode(info, "shutdown", {}, 5000);
  } catch {
    try {
      process.kill(info.pid, "SIGTERM");
    } catch {
      // gone already
    }
  }
  if (!(await waitGone(info.pid, deadline))) {
    process.stderr.write(`omero-fs: the node (pid ${info.pid}) did not stop within ${deadline} ms: SIGKILL\n`);
    try {
      process.kill(info.pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
    await waitGone(info.pid, 5000);
  }
  await killOrphans(home);
  removeNodeFiles(home);
}

/**
 * Stop servers whose pid files outlived their node (a node killed with -9): SIGTERM, then SIGKILL.
 * Only a pid verified as that server of this home (liveServerPid) is signalled.
 */
async function killOrphans(home: string): Promise<{ name: ServerName; pid: number }[]> {
  const opts = nodeOptionsFromEnv(process.env);
  const killed: { name: ServerName; pid: number }[] = [];
  for (const name of ["DropBox", "MonitorServer"] as ServerName[]) {
    const pid = liveServerPid(home, name);
    if (pid !== null) {
      try {
        process.kill(pid, "SIGTERM");
        killed.push({ name, pid });
      } catch {
        // gone meanwhile
      }
      if (!(await waitGone(pid, opts.stopTimeoutMs[name]))) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
    fs.rmSync(nodeFiles(home).serverPidFile(name), { force: true });
  }
  return killed;
}

function failureDetails(home: string, status: NodeStatus | null, failed: ServerName[]): string {
  const parts: string[] = [];
  for (const name of failed) {
    const s = status?.servers.find((x) => x.name === name);
    const log = nodeFiles(home).logFile(name);
    parts.push(`${name}: ${s?.reason ?? "did not become ready"}`);
    parts.push(`--- last lines of ${log} ---`, ...tailLines(log, LOG_LINES_ON_FAILURE));
  }
  return parts.join("\n");
}

/** The reason the node left for a failed start (var/run/node-start-error.txt), or null. */
function readStartError(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** The home's folders, created; an unusable home is a CliError naming the folder and why. */
function homeDirs<T>(ensure: (home: string) => T, home: string): T {
  try {
    return ensure(home);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** What `admin start` and `admin stop` did: the lines for people and the --json document. */
export interface Outcome<T> {
  lines: string[];
  json: T;
}

/** A node that was already there: nothing started, its status as it is. */
async function alreadyThere(home: string, line: string): Promise<Outcome<AdminStartJson>> {
  const status = await currentStatus(home);
  const found = findNode(home);
  return {
    lines: [line],
    json: {
      ...status,
      started: false,
      home,
      http: found.state === "running" ? (found.info.http ?? null) : null,
      dropInto: [],
      logDir: nodeFiles(home).logDir,
      stoppedOrphans: [],
    },
  };
}

/** `admin start` (background): spawn the detached node and wait until every enabled server is ready. */
export async function startBackground(
  home: string,
  timeoutSec = DEFAULT_START_TIMEOUT_S,
): Promise<Outcome<AdminStartJson>> {
  const found = findNode(home);
  if (found.state === "running")
    return alreadyThere(home, `omero-fs node already running in ${home} (pid ${found.info.pid})`);
  if (found.state === "starting")
    return alreadyThere(home, `omero-fs node already starting in ${home} (pid ${found.pid})`);
  const before: string[] = [];
  if (found.state === "stale") {
    removeNodeFiles(home);
    before.push(`removed a stale pid file (${found.why})`);
  }
  const { ensureHomeDirs, loadConfigOrThrow } = await import("@omero-fs/config");
  // A home that cannot be a home (a file, /proc, read-only) is said at once, before the config.
  const paths = homeDirs(ensureHomeDirs, home);
  // Refuse a broken configuration here, with its problems, rather than in a background log.
  const config = loadConfigOrThrow({ home });
  // One home never runs two of a server: the node stops the orphans of a node killed with -9
  // before it binds (not adopted: it cannot supervise a process it did not spawn). Said here too.
  const orphans = SERVER_NAMES.map((name) => ({ name, pid: liveServerPid(home, name) })).filter((o) => o.pid !== null);
  const files = nodeFiles(home);
  fs.rmSync(files.startErrorFile, { force: true });
  const out = fs.openSync(files.logFile("Node"), "a");
  const child = spawn(process.execPath, [CLI_BIN, "--home", home, "admin", "node-run"], {
    detached: true,
    stdio: ["ignore", out, out],
    env: process.env,
  });
  fs.closeSync(out);
  let exited: { code: number | null; signal: string | null } | null = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });
  child.unref();

  const timeoutMs = timeoutSec * 1000;
  const deadline = Date.now() + timeoutMs;
  let status: NodeStatus | null = null;
  for (;;) {
    if (exited) {
      const e = exited as { code: number | null; signal: string | null };
      if (e.code === EXIT_ALREADY_RUNNING) {
        const again = findNode(home);
        const pid = again.state === "running" ? again.info.pid : again.state === "starting" ? again.pid : "?";
        return alreadyThere(home, `omero-fs node already running in ${home} (pid ${pid})`);
      }
      const log = files.logFile("Node");
      // The node said why: that line (the log has the rest). Else the exit and the log's last lines.
      const reason = readStartError(files.startErrorFile);
      if (reason) throw new CliError(`${reason}\n(the node did not start; its log: ${log})`);
      throw new CliError(
        [
          `the omero-fs node exited while starting (${e.signal ? `signal ${e.signal}` : `exit code ${e.code}`})`,
          `--- last lines of ${log} ---`,
          ...tailLines(log, LOG_LINES_ON_FAILURE),
        ].join("\n"),
      );
    }
    const now = findNode(home);
    if (now.state === "running") {
      try {
        status = await callNode(now.info, "status", {}, 2000);
      } catch {
        status = null;
      }
      if (status && status.node.phase !== "starting") break;
    }
    if (Date.now() > deadline) {
      const pending = (status?.servers ?? []).filter((s) => s.enabled && s.state !== "running").map((s) => s.name);
      if (now.state === "running") await stopNode(home, now.info);
      throw new CliError(
        [
          `the enabled servers were not ready within ${timeoutMs / 1000} s; the node was stopped`,
          failureDetails(home, status, pending.length ? pending : ["MonitorServer", "DropBox"]),
        ].join("\n"),
      );
    }
    await sleep(50);
  }

  // Degraded is started: it runs and does what it can (a missing watch folder), and says why.
  const failed = status.servers
    .filter((s) => s.enabled && s.state !== "running" && s.state !== "degraded")
    .map((s) => s.name);
  const info = findNode(home);
  if (failed.length) {
    if (info.state === "running") await stopNode(home, info.info);
    throw new CliError(
      [`${failed.join(" and ")} failed to start; the node was stopped`, failureDetails(home, status, failed)].join(
        "\n",
      ),
    );
  }

  const stoppedOrphans = orphans.filter((o) => !isAlive(o.pid!)) as { name: ServerName; pid: number }[];
  const lines = [
    ...before,
    ...stoppedOrphans.map((o) => `stopped ${o.name} (pid ${o.pid}), left running by a node that is gone`),
    `omero-fs node started in ${home} (pid ${status.node.pid})`,
    serverTable(status),
  ];
  if (paths.socketsFallback) lines.push(`sockets: ${paths.sockets} (the home path is too long for Unix sockets)`);
  const http = info.state === "running" ? (info.info.http ?? null) : null;
  const dropbox = status.servers.find((s) => s.name === "DropBox")?.enabled === true;
  const dropInto = dropbox
    ? [...new Set(config.watches.map((w) => (w.user === "default" ? `${w.watchDir}/<user>/` : `${w.watchDir}/`)))]
    : [];
  const existing = existingCount(home);
  if (dropbox) {
    const dirs = config.watches.map((w) =>
      w.user === "default" ? `${w.watchDir}/<user>/` : `${w.watchDir}/ (user ${w.user})`,
    );
    lines.push(`Drop files into: ${[...new Set(dirs)].join(", ")}`);
    lines.push(`See what was imported: omero-fs --home ${home} imports list`);
    if (existing) lines.push(existingLine(existing));
    if (http) lines.push(`Status page: http://${http}/ (also /api/imports, /metrics)`);
  }
  lines.push(`Logs: ${paths.log} (omero-fs --home ${home} logs --follow)`);
  return {
    lines,
    json: {
      ...status,
      ...(existing === null ? {} : { existingFiles: existing }),
      started: true,
      home,
      http,
      dropInto,
      logDir: paths.log,
      stoppedOrphans,
    },
  };
}

export async function startForeground(home: string): Promise<never> {
  const { runNode } = await import("../node/run");
  let code: number;
  try {
    code = await runNode({ home, console: true });
  } catch (e) {
    if (e instanceof CliError && e.exitCode === EXIT_ALREADY_RUNNING) throw new CliError(e.message, 1);
    throw e;
  }
  process.exit(code);
}

/** `admin stop`: the node (it stops DropBox, then MonitorServer), or what a crashed node left. */
export async function stopCommand(home: string): Promise<Outcome<AdminStopJson>> {
  const found = findNode(home);
  if (found.state === "running" || found.state === "starting") {
    const info: NodeInfo =
      found.state === "running" ? found.info : { pid: found.pid, startTime: null, endpoint: "", home, sockets: "" };
    if (found.state === "starting") {
      // No control socket yet: a signal does the same job.
      process.kill(found.pid, "SIGTERM");
    }
    await stopNode(home, info);
    return {
      lines: [`omero-fs node stopped (was pid ${info.pid})`],
      json: { stopped: true, pid: info.pid, home, stoppedOrphans: [] },
    };
  }
  if (found.state === "stale") removeNodeFiles(home);
  const killed = await killOrphans(home);
  const lines = killed.length
    ? [`stopped servers left behind by a crashed node (pids ${killed.map((k) => k.pid).join(", ")})`]
    : [];
  lines.push(`omero-fs node is not running in ${home}`);
  return { lines, json: { stopped: false, pid: null, home, stoppedOrphans: killed } };
}
