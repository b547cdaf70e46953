/** `admin status` and `admin ice server list`: the node's status, or the files' when none runs. */
import { type AdminStatusJson, AdminStatusJsonSchema, SERVER_NAMES, type ServerName } from "@omero-fs/protocol";
import { type GlobalArgs, homeOf } from "../context";
import { CliError, UsageError } from "../errors";
import { cell, table, textCell } from "../format";
import { existingCount, existingLine, ledgerHeaderDamaged } from "../ledger-access";
import { callNode } from "../node/client";
import type { NodeStatus } from "../node/methods";
import { findNode, liveServerPid, nodeFiles, readNodeState, removeNodeFiles } from "../node/records";

/** `admin status` exit code when the node is not running (LSB: "program is not running"). */
export const EXIT_NOT_RUNNING = 3;
/** `admin status` exit code when the node runs but an enabled server is `failed` (health checks). */
export const EXIT_SERVER_FAILED = 2;

/** A server name as OMERO spells it (case-insensitive), or a CliError listing the valid ones. */
export function serverName(raw: string): ServerName {
  const found = SERVER_NAMES.find((n) => n.toLowerCase() === raw.toLowerCase());
  if (!found) throw new UsageError(`unknown server "${raw}"; valid names: ${SERVER_NAMES.join(", ")}`);
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
export async function currentStatus(home: string): Promise<NodeStatus> {
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

export function serverTable(status: NodeStatus): string {
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
  // Unreachable: what may be wrong, a wrong server key among it (CURVE answers a bad key with silence).
  const hints = remote.flatMap((r) => (r.hint ? [`  ${r.control} unreachable: ${textCell(r.hint, 300)}`] : []));
  return [
    "remote MonitorServers:",
    table(["CONTROL", "STATE", "LAST CONTACT", "WATCHES", "EVENTS"], rows),
    ...hints,
  ].join("\n");
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

export interface StatusArgs extends GlobalArgs {
  json?: boolean;
}

export async function statusCommand(args: StatusArgs): Promise<void> {
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
