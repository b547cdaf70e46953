/**
 * The MonitorServer process: configuration and test hooks, the monitors, the sockets
 * (sockets.ts), the control methods (methods.ts), stall ticks and signals. Decisions live in the
 * pure modules; this file wires them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  closeLogger,
  createLogger,
  ensureHomeDirs,
  type GlobalConfig,
  homePaths,
  type Logger,
  loadConfigOrThrow,
  monitorRootsOf,
  type OmeroFsConfig,
} from "@omero-fs/config";
import { OMERO_FS_VERSION } from "@omero-fs/protocol";
import { TCP_LIVENESS } from "@omero-fs/protocol/zmq";
import { takeBusy } from "./busy";
import { monitorTestHooks } from "./core/hooks";
import { chooseWatcher, fullVerifyThreshold, stallOf } from "./core/policy";
import { type MonitorRoots, rootsProblem } from "./core/roots";
import { messageOf, StartupError } from "./errors";
import { Listings } from "./listing";
import { monitorHandlers } from "./methods";
import type { Monitor, MonitorHost } from "./monitor";
import { bindSockets } from "./sockets";

export interface MonitorServerHandle {
  stop(): Promise<void>;
}

export interface RunOptions {
  home: string;
  /** Also log to stderr (foreground runs). */
  console?: boolean;
  /** Install SIGTERM/SIGINT handlers that stop and exit (default true). */
  handleSignals?: boolean;
}

const MAX_QUEUED_EVENTS = "/proc/sys/fs/inotify/max_queued_events";
/** Stall detector tick: a tick this much later than expected (minus our own work) is a stall. */
const TICK_MS = 250;

/** A number in /proc (or null: not Linux, unreadable). */
function readProcNumber(file: string): number | null {
  try {
    const n = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** A path with its links resolved, or null when it cannot be (missing, unreadable). */
function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

/** The folders this MonitorServer serves: omero.fs.monitorRoots, or this home's watch folders. */
function rootsOf(config: OmeroFsConfig, g: GlobalConfig): MonitorRoots {
  const dirs = monitorRootsOf(
    g,
    config.watches.map((w) => w.watchDir),
  );
  return { dirs, real: dirs.map(realOrNull), fromProperty: g.monitorRoots.length > 0 };
}

/** The configuration, or a StartupError after logging why (to var/log, which exists by then). */
async function loadConfig(home: string, consoleLog?: boolean): Promise<ReturnType<typeof loadConfigOrThrow>> {
  try {
    return loadConfigOrThrow({ home });
  } catch (e) {
    const early = homePaths(home);
    fs.mkdirSync(early.log, { recursive: true });
    const logger = createLogger({
      logDir: early.log,
      component: "MonitorServer",
      level: "info",
      maxSize: 10 * 1024 * 1024,
      maxFiles: 5,
      console: consoleLog,
    });
    logger.error(`cannot start: configuration is invalid: ${messageOf(e)}`);
    await closeLogger(logger);
    throw new StartupError("CONFIG", `configuration is invalid: ${messageOf(e).split("\n")[0]}`, { cause: e });
  }
}

/**
 * Run the MonitorServer: load config, bind ROUTER (monitorBindControl) and PUB (monitorBindEvents),
 * serve until stop() or SIGTERM/SIGINT. Throws StartupError on a fatal start-up problem.
 */
export async function runMonitorServer(opts: RunOptions): Promise<MonitorServerHandle> {
  const home = path.resolve(opts.home);
  const config = await loadConfig(home, opts.console);
  let hooks: ReturnType<typeof monitorTestHooks>;
  try {
    hooks = monitorTestHooks(process.env, TCP_LIVENESS.heartbeatMs);
  } catch (e) {
    throw new StartupError("CONFIG", messageOf(e), { cause: e });
  }
  const { watcher, ...configOverrides } = hooks.overrides;
  const g: GlobalConfig = { ...config.global, ...configOverrides };
  const paths = ensureHomeDirs(home);
  const logger = createLogger({
    logDir: paths.log,
    component: "MonitorServer",
    level: g.logLevel,
    maxSize: g.logMaxSize,
    maxFiles: g.logMaxFiles,
    console: opts.console,
  });
  const timings = hooks.timings;
  // A burst near the kernel's inotify queue may have overflowed it (libuv drops IN_Q_OVERFLOW).
  timings.fullVerifyEvents = fullVerifyThreshold(timings.fullVerifyEvents, readProcNumber(MAX_QUEUED_EVENTS));

  const monitors = new Map<string, Monitor>();
  const listings = new Listings(timings.listIdleMs);
  let publish: MonitorHost["send"] = () => undefined;
  const host: MonitorHost = {
    logger,
    snapshotDir: paths.monitorSnapshots,
    watchBackend: g.watchBackend,
    // Seconds, as configured: the monitor converts its options once (core/options.ts).
    pollInterval: g.pollInterval,
    watcher: chooseWatcher(process.platform, watcher),
    timings,
    send: (block) => publish(block),
  };
  let roots = rootsOf(config, g);
  logger.info(
    `serving folders under ${roots.dirs.join(", ")} (${roots.fromProperty ? "omero.fs.monitorRoots" : "this home's watch folders: omero.fs.monitorRoots is empty"})`,
  );
  const handlers = monitorHandlers({
    monitors,
    listings,
    host,
    logger,
    refuseDir: (dir) => {
      const problem = rootsProblem(dir, realOrNull(dir), roots);
      if (problem === null) return null;
      // Before refusing, the roots as the config says now: an admin reload's DropBox may ask for a
      // new watch's folder before this process has handled the node's SIGHUP.
      try {
        const now = loadConfigOrThrow({ home });
        roots = rootsOf(now, { ...now.global, ...configOverrides });
      } catch {
        return problem;
      }
      return rootsProblem(dir, realOrNull(dir), roots);
    },
  });
  let sockets: Awaited<ReturnType<typeof bindSockets>>;
  try {
    sockets = await bindSockets(
      {
        home,
        controlEndpoint: g.monitorBindControl,
        eventsEndpoint: g.monitorBindEvents,
        insecureTcp: g.insecureTcp,
        liveness: { heartbeatMs: hooks.heartbeatMs, timeoutMs: 3 * hooks.heartbeatMs },
        logger,
      },
      handlers,
    );
  } catch (err) {
    logger.error(`cannot start: ${messageOf(err)}`);
    await closeLogger(logger);
    throw err;
  }
  publish = (block) => sockets.publish(block);

  // A stalled process (SIGSTOP, swapping) may have overflowed the kernel's event queue.
  let expected = Date.now() + TICK_MS;
  const stallTimer = setInterval(() => {
    const now = Date.now();
    const stall = stallOf(expected, now, timings, takeBusy());
    expected = now + TICK_MS;
    if (stall) for (const m of monitors.values()) m.noteStall(stall);
    listings.expire(now);
  }, TICK_MS);
  const memTimer = hooks.memlogMs > 0 ? setInterval(() => logMemory(logger), hooks.memlogMs) : null;
  memTimer?.unref();

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(stallTimer);
      if (memTimer) clearInterval(memTimer);
      logger.info("MonitorServer stopping");
      await sockets.closeControl();
      for (const m of monitors.values()) {
        await m.stop().catch((err) => logger.error(`monitor ${m.id}: stop failed: ${messageOf(err)}`));
      }
      await sockets.close();
      logger.info("MonitorServer stopped");
      await closeLogger(logger);
    })();
    return stopping;
  };
  // `admin reload` (SIGHUP): the log level and the roots apply live; a roots change applies to
  // the next createMonitor, startMonitor and listing (monitors already started keep watching).
  const reload = (next: OmeroFsConfig) => {
    const level = next.global.logLevel;
    if (level !== logger.level) logger.info(`SIGHUP: log level ${logger.level} -> ${level}`);
    logger.level = level;
    const before = roots.dirs.join(", ");
    roots = rootsOf(next, { ...next.global, ...configOverrides });
    if (roots.dirs.join(", ") !== before) logger.info(`SIGHUP: serving folders under ${roots.dirs.join(", ")}`);
  };
  if (opts.handleSignals !== false) handleSignals(home, logger, stop, reload);

  logger.info(
    `MonitorServer ready: pid ${process.pid}, version ${OMERO_FS_VERSION}, control ${g.monitorBindControl}, events ${g.monitorBindEvents}, backend ${g.watchBackend}, watcher ${host.watcher}`,
  );
  if (typeof process.send === "function") process.send({ type: "ready", server: "MonitorServer" });
  return { stop };
}

function logMemory(logger: Logger): void {
  const u = process.memoryUsage();
  const mib = (n: number) => (n / 1048576).toFixed(1);
  logger.info(
    `memory: rss ${mib(u.rss)} heapTotal ${mib(u.heapTotal)} heapUsed ${mib(u.heapUsed)} external ${mib(u.external)} arrayBuffers ${mib(u.arrayBuffers)}`,
  );
}

/**
 * SIGTERM/SIGINT: stop (final snapshots) and exit 0, or 1 after 4.8 s. SIGHUP (`omero-fs admin
 * reload`): the configuration is read again and `reload` applies what applies live (a bad config
 * changes nothing).
 */
function handleSignals(
  home: string,
  logger: Logger,
  stop: () => Promise<void>,
  reload: (config: OmeroFsConfig) => void,
): void {
  const onSignal = (sig: string) => {
    logger.info(`MonitorServer: ${sig} received`);
    const hard = setTimeout(() => {
      process.stderr.write("omero-fs monitor-server: stop took longer than 4.8 s; exiting\n");
      process.exit(1);
    }, 4800);
    hard.unref();
    void stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGHUP", () => {
    try {
      reload(loadConfigOrThrow({ home }));
    } catch (e) {
      logger.warn(`SIGHUP: configuration not re-read: ${messageOf(e).split("\n")[0]}`);
    }
  });
}
