import {
  AdminRestartJsonSchema,
  AdminStartJsonSchema,
  AdminStopJsonSchema,
  SERVER_NAMES,
  type ServerActionJson,
  ServerActionJsonSchema,
} from "@omero-fs/protocol";
import type { Argv, CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError } from "../errors";
import { escapeName } from "../format";
import { callNode, notRunningMessage, requireNode } from "../node/client";
import { nodeOptionsFromEnv } from "../node/options";
import { findNode, readNodeState, removeNodeFiles, writeNodeState, writeStartError } from "../node/records";
import { printJson } from "../print";
import {
  DEFAULT_START_TIMEOUT_S,
  EXIT_ALREADY_RUNNING,
  type Outcome,
  startBackground,
  startForeground,
  stopCommand,
} from "./admin-start";
import { type StatusArgs, serverName, statusCommand } from "./admin-status";

// Only light modules above: a command that talks to a running node starts in well under 300 ms.
// The node itself (winston, the supervisor) and the config loader are required when needed.

export { EXIT_NOT_RUNNING, EXIT_SERVER_FAILED, serverName } from "./admin-status";

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

async function serverVerb(home: string, verb: ServerVerb, raw: string): Promise<ServerActionJson> {
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
    return {
      message:
        was === want
          ? `${name} is already ${verb}d`
          : `${name} ${verb}d (the node is not running: takes effect at the next omero-fs admin start)`,
      server: { name, enabled: want },
    };
  }
  const info = requireNode(home);
  const opts = nodeOptionsFromEnv(process.env);
  // start/enable reply once the server is ready; stop once it has exited.
  const timeoutMs =
    verb === "stop" ? opts.stopTimeoutMs[name] + 5000 : verb === "disable" ? 5000 : opts.readyTimeoutMs + 10_000;
  return callNode(info, VERB_METHOD[verb], { name }, timeoutMs);
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

/** Print what a command did: its lines, or its --json document. */
function show<T>(o: Outcome<T>, json: boolean | undefined, schema: Parameters<typeof printJson<T>>[0], what: string) {
  if (json) printJson(schema, o.json, what);
  else process.stdout.write(`${o.lines.join("\n")}\n`);
}

const serverCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "server",
  describe: "List, start, stop, enable or disable MonitorServer and DropBox (OMERO's verbs)",
  builder: (y) => {
    let b = y.command<StatusArgs>("list", "List the servers: enabled, state, pid, restarts, log", jsonOption, (a) =>
      statusCommand(a),
    );
    for (const verb of ["start", "stop", "enable", "disable"] as const) {
      b = b.command<StatusArgs & { name: string }>(
        `${verb} <name>`,
        VERB_HELP[verb],
        (yy) =>
          jsonOption(yy).positional("name", { type: "string", describe: SERVER_NAMES.join(" | "), demandOption: true }),
        async (a) => {
          const r = await serverVerb(homeOf(a), verb, a.name);
          show({ lines: [r.message], json: r }, a.json, ServerActionJsonSchema, `admin ice server ${verb}`);
        },
      );
    }
    return b.demandCommand(1, "Give a server verb: list, start, stop, enable or disable.");
  },
  handler: () => undefined,
};

export const adminCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "admin",
  describe: "Run the node and its servers: start, stop, restart, status, diagnostics, ice server ...",
  builder: (y) =>
    y
      .command<StatusArgs & { foreground?: boolean; timeout: number }>(
        "start",
        "Start the node and every enabled server; returns once they are ready",
        (yy) =>
          jsonOption(yy)
            .option("foreground", {
              type: "boolean",
              describe: "Run the node in this process (systemd, docker); Ctrl-C or SIGTERM stops everything",
            })
            .option("timeout", {
              type: "number",
              default: DEFAULT_START_TIMEOUT_S,
              describe: "Seconds to wait for the servers to be ready before giving up (and stopping the node)",
            }),
        async (a) => {
          if (a.foreground) return startForeground(homeOf(a));
          show(await startBackground(homeOf(a), a.timeout), a.json, AdminStartJsonSchema, "admin start");
        },
      )
      .command<StatusArgs>("stop", "Stop DropBox, then MonitorServer, then the node", jsonOption, async (a) =>
        show(await stopCommand(homeOf(a)), a.json, AdminStopJsonSchema, "admin stop"),
      )
      .command<StatusArgs & { timeout: number }>(
        "restart",
        "Stop (if running), then start",
        (yy) =>
          jsonOption(yy).option("timeout", {
            type: "number",
            default: DEFAULT_START_TIMEOUT_S,
            describe: "as for start",
          }),
        async (a) => {
          const stop = await stopCommand(homeOf(a));
          const start = await startBackground(homeOf(a), a.timeout);
          show(
            { lines: [...stop.lines, ...start.lines], json: { stop: stop.json, start: start.json } },
            a.json,
            AdminRestartJsonSchema,
            "admin restart",
          );
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
      .command<StatusArgs>(
        "diagnostics",
        "Versions, inotify limits and use, free disk space, ports and who holds them, config sources, OMERO reachability",
        jsonOption,
        async (a) => (await import("./diagnostics")).diagnosticsCommand(homeOf(a), !!a.json),
      )
      .command<GlobalArgs>("ice", "OMERO-style server administration: ice server ...", (yy) =>
        yy.command(serverCommand).demandCommand(1, "Give a subcommand: server."),
      )
      .command<GlobalArgs>({
        command: "node-run",
        describe: false, // internal: the detached node `admin start` spawns
        handler: async (a) => {
          const { runNode } = await import("../node/run");
          try {
            process.exit(await runNode({ home: homeOf(a), console: false }));
          } catch (e) {
            if (!(e instanceof CliError && e.exitCode === EXIT_ALREADY_RUNNING))
              writeStartError(homeOf(a), (e as Error).message);
            throw e;
          }
        },
      })
      .demandCommand(1, "Give an admin subcommand: start, stop, restart, status, diagnostics or ice."),
  handler: () => undefined,
};

export { notRunningMessage };
