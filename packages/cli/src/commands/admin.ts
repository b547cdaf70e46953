import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { type AdminStatusJson, AdminStatusJsonSchema, SERVER_NAMES, type ServerName } from "@omero-fs/protocol";
import type { Argv, CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError } from "../errors";
import { cell, escapeName, table, textCell } from "../format";
import { existingCount, existingLine, ledgerHeaderDamaged } from "../ledger-access";
import { callNode, notRunningMessage, requireNode } from "../node/client";
import type { NodeStatus } from "../node/methods";
import { nodeOptionsFromEnv } from "../node/options";
import {
  CLI_BIN,
  findNode,
  isAlive,
  liveServerPid,
  type NodeInfo,
  nodeFiles,
  readNodeState,
  removeNodeFiles,
  writeNodeState,
} from "../node/records";
import { tailLines } from "../node/tail";

// Only light modules above: a command that talks to a running node starts in well under 300 ms.
// The node itself (winston, the supervisor) and the config loader are required when needed.

/** `admin status` exit code when the node is not running (LSB: "program is not running"). */
export const EXIT_NOT_RUNNING = 3;
/** `admin status` exit code when the node runs but an enabled server is `failed` (health checks). */
export const EXIT_SERVER_FAILED = 2;
/** Exit code of `admin node-run` when another node holds the pid file. */
const EXIT_ALREADY_RUNNING = 3;
const LOG_LINES_ON_FAILURE = 15;
/** `admin start` gives up after this long; each server also has its own ready deadline in the node. */
const DEFAULT_START_TIMEOUT_S = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server name as OMERO spells it (case-insensitive), or a CliError listing the valid ones. */
export function serverName(raw: string): ServerName {
  const found = SERVER_NAMES.find((n) => n.toLowerCase() === raw.toLowerCase());
  if (!found) throw new CliError(`unknown server "${raw}"; valid names: ${SERVER_NAMES.join(", ")}`);
  return found;
}

/** Why a server is `orphaned` (status) and what happens to it. */
const ORPHAN_REASON =
  "left running by a node that is gone (killed with -9?); the next omero-fs admin start (or admin stop) stops it";

/**
 * Status from the files alone, when no node runs: a server whose recorded pid is still that
 * server of this home (liveServerPid) is `orphaned`, with its pid; every other one `stopped`.
 */
function offlineStatus(home: string): NodeStatus {
  const f = nodeFiles(home);
  const state = readNodeState(home);
  // A DropBox would refuse a ledger that is not a database: say so rather than "stopped".
  const damaged = state.enabled.DropBox ? ledgerHeaderDamaged(home) : null;
  return {
    node: { pid: null, running: false, home },
    servers: SERVER_NAMES.map((name) => {
      const pid = liveServerPid(home, name);
      const failed = pid === null && name === "DropBox" && damaged !== null;
      return {
        name,
        enabled: state.enabled[name],
        state: pid === null ? (failed ? ("failed" as const) : ("stopped" as const)) : ("orphaned" as const),
        pid,
        restarts: 0,
        log: f.logFile(name),
        reason: pid === null ? (damaged && failed ? damaged : null) : ORPHAN_REASON,
        startedAt: null,
      };
    }),
  };
}

/** The status of a home's node: asks the node, or reads the files when none runs. */
async function currentStatus(home: string): Promise<NodeStatus> {
  const found = findNode(home);
  if (found.state === "running") return callNode(found.info, "status", {}, 5000);
  if (found.state === "stale") removeNodeFiles(home);
  if (found.state === "starting") {
    const s = offlineStatus(home);
    return { ...s, node: { ...s.node, pid: found.pid, running: true, phase: "starting" } };
  }
  return offlineStatus(home);
}

/** Validate against the --json contract, then print the object (extras such as `reason` kept). */
function printStatusJson(status: NodeStatus): void {
  const r = AdminStatusJsonSchema.safeParse(status);
  if (!r.success) throw new CliError(`internal error: status does not match the --json contract: ${r.error.message}`);
  process.stdout.write(`${JSON.stringify(status satisfies AdminStatusJson, null, 2)}\n`);
}

function serverTable(status: NodeStatus): string {
  const rows = status.servers.map((s) => [
    s.name,
    s.enabled ? "yes" : "no",
    s.state,
    s.pid === null ? "-" : String(s.pid),
    String(s.restarts),
    cell(s.log),
  ]);
  const reasons = status.servers
    .filter((s) => s.reason && s.state !== "running")
    .map((s) => `  ${s.name}: ${textCell(s.reason, 300)}`);
  return [table(["NAME", "ENABLED", "STATE", "PID", "RESTARTS", "LOG"], rows), ...reasons].join("\n");
}

/** The remote MonitorServers the DropBox uses, one line each: endpoint, state, last contact, watches. */
function remoteMonitorLines(remote: NonNullable<NodeStatus["remoteMonitors"]>): string {
  const rows = remote.map((r) => [r.control, r.state, r.lastContact ?? "never", r.watches.join(","), cell(r.events)]);
  return ["remote MonitorServers:", table(["CONTROL", "STATE", "LAST CONTACT", "WATCHES", "EVENTS"], rows)].join("\n");
}

function printStatus(status: NodeStatus): void {
  const n = status.node;
  const lines = [
    n.running
      ? `omero-fs node: ${n.phase === "starting" ? "starting" : n.phase === "stopping" ? "stopping" : "running"} (pid ${n.pid}) in ${n.home ?? "?"}`
      : `omero-fs node: not running in ${n.home ?? "?"}`,
  ];
  if (n.endpoint) lines.push(`control socket: ${n.endpoint}`);
  if (n.sockets && !n.endpoint?.includes(`${n.home}/var/run`)) lines.push(`sockets: ${n.sockets}`);
  const found = n.running && n.home ? findNode(n.home) : null;
  if (found?.state === "running" && found.info.http) lines.push(`status page: http://${found.info.http}/`);
  lines.push(serverTable(status));
  if (status.remoteMonitors?.length) lines.push(remoteMonitorLines(status.remoteMonitors));
  process.stdout.write(`${lines.join("\n")}\n`);
}

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

/** `admin start` (background): spawn the detached node and wait until every enabled server is ready. */
async function startBackground(home: string, timeoutSec = DEFAULT_START_TIMEOUT_S): Promise<void> {
  const found = findNode(home);
  if (found.state === "running") {
    process.stdout.write(`omero-fs node already running in ${home} (pid ${found.info.pid})\n`);
    return;
  }
  if (found.state === "starting") {
    process.stdout.write(`omero-fs node already starting in ${home} (pid ${found.pid})\n`);
    return;
  }
  if (found.state === "stale") {
    removeNodeFiles(home);
    process.stdout.write(`removed a stale pid file (${found.why})\n`);
  }
  const { ensureHomeDirs, loadConfigOrThrow } = await import("@omero-fs/config");
  // Refuse a broken configuration here, with its problems, rather than in a background log.
  const config = loadConfigOrThrow({ home });
  // One home never runs two of a server: the node stops the orphans of a node killed with -9
  // before it binds (not adopted: it cannot supervise a process it did not spawn). Said here too.
  const orphans = SERVER_NAMES.map((name) => ({ name, pid: liveServerPid(home, name) })).filter((o) => o.pid !== null);
  const paths = ensureHomeDirs(home);
  const files = nodeFiles(home);
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
        process.stdout.write(`omero-fs node already running in ${home} (pid ${pid})\n`);
        return;
      }
      const log = files.logFile("Node");
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

  const lines = [
    ...orphans
      .filter((o) => !isAlive(o.pid!))
      .map((o) => `stopped ${o.name} (pid ${o.pid}), left running by a node that is gone`),
    `omero-fs node started in ${home} (pid ${status.node.pid})`,
    serverTable(status),
  ];
  if (paths.socketsFallback) lines.push(`sockets: ${paths.sockets} (the home path is too long for Unix sockets)`);
  if (status.servers.find((s) => s.name === "DropBox")?.enabled) {
    const dirs = config.watches.map((w) =>
      w.user === "default" ? `${w.watchDir}/<user>/` : `${w.watchDir}/ (user ${w.user})`,
    );
    lines.push(`Drop files into: ${[...new Set(dirs)].join(", ")}`);
    lines.push(`See what was imported: omero-fs --home ${home} imports list`);
    const existing = existingCount(home);
    if (existing) lines.push(existingLine(existing));
    if (info.state === "running" && info.info.http)
      lines.push(`Status page: http://${info.info.http}/ (also /api/imports, /metrics)`);
  }
  lines.push(`Logs: ${paths.log} (omero-fs --home ${home} logs --follow)`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function startForeground(home: string): Promise<never> {
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

async function stopCommand(home: string): Promise<void> {
  const found = findNode(home);
  if (found.state === "running" || found.state === "starting") {
    const info: NodeInfo =
      found.state === "running" ? found.info : { pid: found.pid, startTime: null, endpoint: "", home, sockets: "" };
    if (found.state === "starting") {
      // No control socket yet: a signal does the same job.
      process.kill(found.pid, "SIGTERM");
    }
    await stopNode(home, info);
    process.stdout.write(`omero-fs node stopped (was pid ${info.pid})\n`);
    return;
  }
  if (found.state === "stale") removeNodeFiles(home);
  const killed = await killOrphans(home);
  if (killed.length)
    process.stdout.write(
      `stopped servers left behind by a crashed node (pids ${killed.map((k) => k.pid).join(", ")})\n`,
    );
  process.stdout.write(`omero-fs node is not running in ${home}\n`);
}

type ServerVerb = "start" | "stop" | "enable" | "disable";
const VERB_METHOD = {
  start: "serverStart",
  stop: "serverStop",
  enable: "serverEnable",
  disable: "serverDisable",
} as const;
const VERB_HELP: Record<ServerVerb, string> = {
  start: "Start an enabled server now (also clears `failed`); returns once it is ready",
  stop: "Stop a running server; it stays stopped until `start` (or the next node start)",
  enable: "Let the node start the server (persisted); a disabled server is started now",
  disable: "Keep the node from starting the server (persisted; a running server keeps running until `stop`)",
};

async function serverVerb(home: string, verb: ServerVerb, raw: string): Promise<void> {
  const name = serverName(raw);
  const found = findNode(home);
  if (found.state !== "running" && (verb === "enable" || verb === "disable")) {
    // The choice lives in var/: it can be made before the node starts.
    if (found.state === "stale") removeNodeFiles(home);
    if (found.state === "starting") throw new CliError(`the node is still starting in ${home} (pid ${found.pid})`);
    const state = readNodeState(home);
    const want = verb === "enable";
    const was = state.enabled[name];
    state.enabled[name] = want;
    writeNodeState(home, state);
    process.stdout.write(
      was === want
        ? `${name} is already ${verb}d\n`
        : `${name} ${verb}d (the node is not running: takes effect at the next omero-fs admin start)\n`,
    );
    return;
  }
  const info = requireNode(home);
  const opts = nodeOptionsFromEnv(process.env);
  // start/enable reply once the server is ready; stop once it has exited.
  const timeoutMs =
    verb === "stop" ? opts.stopTimeoutMs[name] + 5000 : verb === "disable" ? 5000 : opts.readyTimeoutMs + 10_000;
  const r = await callNode(info, VERB_METHOD[verb], { name }, timeoutMs);
  process.stdout.write(`${r.message}\n`);
}

interface StatusArgs extends GlobalArgs {
  json?: boolean;
}

async function statusCommand(args: StatusArgs): Promise<void> {
  const home = homeOf(args);
  const status = await currentStatus(home);
  const existing = existingCount(home);
  if (args.json) printStatusJson(existing === null ? status : { ...status, existingFiles: existing });
  else {
    printStatus(status);
    if (existing) process.stdout.write(`${existingLine(existing)}\n`);
  }
  if (!status.node.running) process.exitCode = EXIT_NOT_RUNNING;
  else if (status.servers.some((s) => s.enabled && (s.state === "failed" || s.state === "degraded")))
    process.exitCode = EXIT_SERVER_FAILED;
}

async function reloadCommand(args: StatusArgs): Promise<void> {
  const home = homeOf(args);
  const info = requireNode(home);
  // Re-created monitors and a rebuilt notifier take a few seconds each.
  const r = await callNode(info, "reload", {}, 60_000);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    if (r.problems.length > 0) process.exitCode = 1;
    return;
  }
  if (r.problems.length > 0)
    throw new CliError(
      ["configuration not reloaded, nothing changed:", ...r.problems.map((p) => `  ${escapeName(p)}`)].join("\n"),
    );
  if (r.changed.length === 0 && r.notApplied.length === 0) process.stdout.write("no configuration change\n");
  for (const p of r.applied) process.stdout.write(`applied live: ${p}\n`);
  for (const p of r.restart) process.stdout.write(`needs omero-fs admin restart: ${p}\n`);
  for (const p of r.notApplied) process.stdout.write(`not applied yet: ${escapeName(p)}\n`);
  // A new watch whose folder is missing, say: what keeps a server from its whole job now.
  const status = await callNode(info, "status", {}, 5000).catch(() => null);
  for (const srv of status?.servers ?? [])
    if (srv.state === "degraded") process.stdout.write(`warning: ${srv.name} is degraded: ${srv.reason}\n`);
}

const jsonOption = (y: Argv) => y.option("json", { type: "boolean", describe: "Print the --json contract shape" });

const serverCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "server",
  describe: "List, start, stop, enable or disable MonitorServer and DropBox (OMERO's verbs)",
  builder: (y) => {
    let b = y.command<StatusArgs>("list", "List the servers: enabled, state, pid, restarts, log", jsonOption, (a) =>
      statusCommand(a),
    );
    for (const verb of ["start", "stop", "enable", "disable"] as const) {
      b = b.command<GlobalArgs & { name: string }>(
        `${verb} <name>`,
        VERB_HELP[verb],
        (yy) => yy.positional("name", { type: "string", describe: SERVER_NAMES.join(" | "), demandOption: true }),
        (a) => serverVerb(homeOf(a), verb, a.name),
      );
    }
    return b.demandCommand(1, "Give a server verb: list, start, stop, enable or disable.");
  },
  handler: () => undefined,
};

export const adminCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "admin",
  describe: "Run the node and its servers: start, stop, restart, status, ice server ...",
  builder: (y) =>
    y
      .command<GlobalArgs & { foreground?: boolean; timeout: number }>(
        "start",
        "Start the node and every enabled server; returns once they are ready",
        (yy) =>
          yy
            .option("foreground", {
              type: "boolean",
              describe: "Run the node in this process (systemd, docker); Ctrl-C or SIGTERM stops everything",
            })
            .option("timeout", {
              type: "number",
              default: DEFAULT_START_TIMEOUT_S,
              describe: "Seconds to wait for the servers to be ready before giving up (and stopping the node)",
            }),
        (a) => (a.foreground ? startForeground(homeOf(a)) : startBackground(homeOf(a), a.timeout)),
      )
      .command<GlobalArgs>(
        "stop",
        "Stop DropBox, then MonitorServer, then the node",
        (yy) => yy,
        (a) => stopCommand(homeOf(a)),
      )
      .command<GlobalArgs & { timeout: number }>(
        "restart",
        "Stop (if running), then start",
        (yy) => yy.option("timeout", { type: "number", default: DEFAULT_START_TIMEOUT_S, describe: "as for start" }),
        async (a) => {
          await stopCommand(homeOf(a));
          await startBackground(homeOf(a), a.timeout);
        },
      )
      .command<StatusArgs>(
        "reload",
        "Re-read the config; apply durations, throttles, retries, timeouts live; say what needs a restart",
        jsonOption,
        reloadCommand,
      )
      .command<StatusArgs>(
        "status",
        "Node and server status (exit 0: running; 2: an enabled server failed; 3: node not running)",
        jsonOption,
        statusCommand,
      )
      .command<GlobalArgs>("ice", "OMERO-style server administration: ice server ...", (yy) =>
        yy.command(serverCommand).demandCommand(1, "Give a subcommand: server."),
      )
      .command<GlobalArgs>({
        command: "node-run",
        describe: false, // internal: the detached node `admin start` spawns
        handler: async (a) => {
          const { runNode } = await import("../node/run");
          process.exit(await runNode({ home: homeOf(a), console: false }));
        },
      })
      .demandCommand(1, "Give an admin subcommand: start, stop, restart, status or ice."),
  handler: () => undefined,
};

export { notRunningMessage };
