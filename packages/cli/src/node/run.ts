import * as fs from "node:fs";
import {
  closeLogger,
  createLogger,
  ensureHomeDirs,
  type Logger,
  loadConfigOrThrow,
  type OmeroFsConfig,
} from "@omero-fs/config";
import { OMERO_FS_VERSION, type ServerName } from "@omero-fs/protocol";
import { ControlServer, type Handlers, handlersWhenReady } from "@omero-fs/protocol/zmq";
import { logLineJson } from "../core/log-line";
import { CliError } from "../errors";
import { NodeMethodParams, NodeMethodResults, type NodeStatus } from "./methods";

type NodeHandlers = Handlers<typeof NodeMethodParams, typeof NodeMethodResults>;
import { nodeOptionsFromEnv } from "./options";
import {
  findNode,
  isAlive,
  liveServerPid,
  type NodeInfo,
  nodeFiles,
  processStartTime,
  removeNodeFiles,
  writeFileAtomic,
} from "./records";
import { configProblems, reloadConfig } from "./reload";
import { askRemoteMonitors } from "./remote-monitors";
import { startNodeServices } from "./services";
import { Supervisor } from "./supervisor";

/** Exit code of a node that found another node running for its home. */
export const EXIT_ALREADY_RUNNING = 3;

export interface RunNodeOptions {
  home: string;
  /** Also log to stderr (admin start --foreground). */
  console: boolean;
}

/** Write a server's line to stderr, as it is or as a JSON line. */
function echoTo(format: "text" | "json") {
  return (line: string, server: ServerName) => {
    process.stderr.write(`${format === "json" ? JSON.stringify(logLineJson(line, server)) : line}\n`);
  };
}

/** Take the pid file with O_EXCL, cleaning a stale one; throws if another node holds it. */
function acquirePidFile(home: string): void {
  const f = nodeFiles(home);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(f.pidFile, `${process.pid}\n`, { flag: "wx" });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const found = findNode(home);
    if (found.state === "running" && found.info.pid !== process.pid) {
      throw new CliError(`a node is already running in ${home} (pid ${found.info.pid})`, EXIT_ALREADY_RUNNING);
    }
    if (found.state === "starting" && found.pid !== process.pid) {
      throw new CliError(`a node is already starting in ${home} (pid ${found.pid})`, EXIT_ALREADY_RUNNING);
    }
    removeNodeFiles(home);
  }
  throw new CliError(`cannot take the pid file ${f.pidFile}`);
}

/** Kill servers a crashed node left behind (their pid files name them), so their sockets are free. */
async function reapOrphans(home: string, logger: Logger): Promise<void> {
  for (const name of ["DropBox", "MonitorServer"] as ServerName[]) {
    const pid = liveServerPid(home, name);
    if (pid === null) continue;
    logger.warn(`${name} (pid ${pid}) was left running by a previous node: stopping it`);
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      continue;
    }
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isAlive(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
  }
}

/**
 * The node: binds the control socket, starts the enabled servers and supervises them until
 * `shutdown`, SIGTERM or SIGINT. Resolves with the process exit code.
 */
export async function runNode(opts: RunNodeOptions): Promise<number> {
  const { home } = opts;
  const paths = ensureHomeDirs(home);
  const files = nodeFiles(home);
  fs.rmSync(files.startErrorFile, { force: true });
  const config = loadConfigOrThrow({ home });
  const options = nodeOptionsFromEnv(process.env);
  acquirePidFile(home);
  const logger = createLogger({
    logDir: paths.log,
    component: "Node",
    level: config.global.logLevel,
    maxSize: config.global.logMaxSize,
    maxFiles: config.global.logMaxFiles,
    console: opts.console,
    consoleJson: config.global.logConsoleFormat === "json",
  });
  const endpoint = config.global.nodeControl;
  logger.info(`node starting (pid ${process.pid}, home ${home}, omero-fs ${OMERO_FS_VERSION})`);
  if (paths.socketsFallback) {
    logger.warn(
      `the home path is too long for Unix socket paths (107 bytes): sockets are in ${paths.sockets} instead of ${paths.run}`,
    );
  }

  // Requests are served from bind on; until `served` is set below they answer "still starting".
  let served: NodeHandlers | null = null;
  const control = new ControlServer({
    endpoint,
    methods: NodeMethodParams,
    results: NodeMethodResults,
    handlers: handlersWhenReady(NodeMethodParams, () => served, "the node is still starting"),
    log: logger,
    // On tcp://: CURVE with etc/curve/authorized_keys, or refused unless omero.fs.insecureTcp.
    tcp: { home, insecureTcp: config.global.insecureTcp, what: "node control endpoint", log: logger },
    zapDomain: "node-control",
  });
  await reapOrphans(home, logger);
  const supervisor = new Supervisor({
    home,
    files,
    options,
    logger,
    logMaxSize: config.global.logMaxSize,
    logMaxFiles: config.global.logMaxFiles,
    // In the foreground (systemd, docker) the servers' lines join the node's on stderr.
    echo: opts.console ? echoTo(config.global.logConsoleFormat) : undefined,
  });
  // The HTTP server before the control socket: a status page that cannot be served is a failed
  // start (said by `admin start`), not a log line, and nobody has talked to this node yet.
  const services = await startNodeServices({
    home,
    config,
    logger,
    servers: () => supervisor.status(),
    checks: () => supervisor.checks("DropBox"),
  });
  const fail = async (reason: string): Promise<never> => {
    logger.error(`node not started: ${reason}`);
    await services.stop();
    removeNodeFiles(home);
    await closeLogger(logger);
    throw new CliError(reason);
  };
  if (services.httpError !== null) await fail(services.httpError);
  try {
    await control.bind();
  } catch (e) {
    await fail(`cannot bind the node's control socket ${endpoint} (omero.fs.nodeControl): ${(e as Error).message}`);
  }
  const info: NodeInfo = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    endpoint,
    home,
    sockets: paths.sockets,
  };
  writeFileAtomic(files.infoFile, `${JSON.stringify(info)}\n`);
  logger.info(`control socket bound at ${endpoint}`);

  if (services.http) writeFileAtomic(files.infoFile, `${JSON.stringify({ ...info, http: services.http })}\n`);

  let shuttingDown: Promise<void> | null = null;
  let exitStatus = 0;
  let resolveExit: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((r) => {
    resolveExit = r;
  });
  const shutdown = (why: string): Promise<void> => {
    if (shuttingDown) return shuttingDown;
    logger.info(`node stopping (${why})`);
    shuttingDown = (async () => {
      services.stopping();
      await supervisor.shutdown();
      await services.stop();
      await control.close();
      removeNodeFiles(home);
      logger.info("node stopped");
      await closeLogger(logger);
      resolveExit(exitStatus);
    })();
    return shuttingDown;
  };
  const onSignal = (sig: NodeJS.Signals) => void shutdown(sig);
  // A bug in the node must not leave the servers unsupervised: log it, stop them in order, exit 1
  // (systemd's Restart=on-failure, or the operator, starts it again).
  const onFatal = (e: unknown) => {
    logger.error(`internal error in the node: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    exitStatus = 1;
    void shutdown("internal error");
  };
  process.on("uncaughtException", onFatal);
  process.on("unhandledRejection", onFatal);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // Restart-only changes are compared with the config the node started with (reported by every
  // reload until the restart); what the node applies live, with the last config applied.
  let current = config;
  const applyNode = async (after: OmeroFsConfig) => {
    const levelChanged = after.global.logLevel !== current.global.logLevel;
    if (levelChanged) {
      logger.info(`reload: log level ${current.global.logLevel} -> ${after.global.logLevel}`);
      logger.level = after.global.logLevel;
    }
    // The MonitorServer re-reads its log level and its roots on SIGHUP (the DropBox on its reload);
    // its default roots are the watch folders, which any reload may change.
    supervisor.signal("MonitorServer", "SIGHUP");
    const r = await services.reload(after);
    // The HTTP address may have changed: `admin status` reads it from the info file.
    writeFileAtomic(files.infoFile, `${JSON.stringify(services.http ? { ...info, http: services.http } : info)}\n`);
    return r;
  };
  let reloading: Promise<unknown> = Promise.resolve();
  const reload = () => {
    // One reload at a time (SIGHUP and admin reload may cross).
    const next = reloading.then(async () => {
      const r = await reloadConfig(home, config, current, logger, applyNode);
      current = r.config;
      return r.result;
    });
    reloading = next.catch(() => undefined);
    return next;
  };
  process.on("SIGHUP", () => {
    logger.info("SIGHUP: reloading the configuration");
    reload().catch((e) =>
      logger.error(`reload refused, nothing changed: ${(configProblems(e) ?? [(e as Error).message]).join("; ")}`),
    );
  });

  const status = (): NodeStatus => ({
    node: {
      pid: process.pid,
      running: true,
      phase: shuttingDown ? "stopping" : supervisor.phase,
      home,
      endpoint,
      sockets: paths.sockets,
    },
    servers: supervisor.status(),
  });

  const act = async (name: ServerName, f: () => Promise<string>) => ({
    message: await f(),
    server: supervisor.serverStatus(name),
  });
  const handlers: NodeHandlers = {
    ping: () => ({ pid: process.pid, version: OMERO_FS_VERSION }),
    status: async () => {
      const st = status();
      const db = st.servers.find((x) => x.name === "DropBox");
      const remote =
        db && (db.state === "running" || db.state === "degraded")
          ? await askRemoteMonitors(home, config.global.dropboxControl)
          : undefined;
      return remote ? { ...st, remoteMonitors: remote } : st;
    },
    serverStart: ({ name }) => act(name, () => supervisor.start(name)),
    serverStop: ({ name }) => act(name, () => supervisor.stop(name)),
    serverEnable: ({ name }) => act(name, () => supervisor.enable(name)),
    serverDisable: ({ name }) => act(name, () => supervisor.disable(name)),
    // A configuration that does not load is refused with its problems (one line each), nothing changed.
    reload: () =>
      reload().catch((e: unknown) => ({
        changed: [],
        applied: [],
        restart: [],
        notApplied: [],
        problems: configProblems(e) ?? [(e as Error).message],
      })),
    shutdown: () => {
      // Reply first; the client then waits for the pid to go away.
      setImmediate(() => void shutdown("shutdown requested"));
      return { pid: process.pid };
    },
  };

  served = handlers;

  void supervisor.startAll().then(() => services.ready());
  return exitCode;
}
