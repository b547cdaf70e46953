/**
 * The MonitorServer process shell: ZeroMQ ROUTER (control) and PUB (event blocks), monitors,
 * signals. Decisions live in the pure modules; this file does I/O.
 */
import { randomUUID } from "node:crypto";
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
  testHookNumber,
} from "@omero-fs/config";
import {
  type CreateMonitorParams,
  encodeEventBlock,
  type EventBlock,
  MonitorMethodParams,
  MonitorMethodResults,
  type MonitorMethod,
  type MonitorState,
  OMERO_FS_VERSION,
  withMonitorDefaults,
} from "@omero-fs/protocol";
import {
  ControlClient,
  ControlServer,
  curveDir,
  keyPermissionProblems,
  loadKeyPair,
  setTcpLiveness,
  TCP_LIVENESS,
  ZapHandler,
} from "@omero-fs/protocol/zmq";
import * as zmq from "zeromq";
import { curvePublicKeyOf } from "@omero-fs/protocol";
import { ControlError, messageOf, StartupError } from "./errors";
import { takeBusy } from "./busy";
import { Listings } from "./listing";
import { Monitor, type MonitorHost } from "./monitor";
import { DEFAULT_TIMINGS, fullVerifyThreshold, type PipelineTimings, stallOf } from "./core/policy";

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

/** A number in /proc (or null: not Linux, unreadable). */
function readProcNumber(file: string): number | null {
  try {
    const n = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Test hook (docs/ARCHITECTURE.md, "Test hooks"): OMERO_FS_MONITOR_TIMINGS='{"settleQuietMs":50,...}' shrinks delays. */
function timingsFromEnv(env: NodeJS.ProcessEnv): PipelineTimings {
  const raw = env.OMERO_FS_MONITOR_TIMINGS;
  if (!raw) return { ...DEFAULT_TIMINGS };
  try {
    return { ...DEFAULT_TIMINGS, ...(JSON.parse(raw) as Partial<PipelineTimings>) };
  } catch {
    return { ...DEFAULT_TIMINGS };
  }
}

function overridesFromEnv(env: NodeJS.ProcessEnv): Partial<GlobalConfig> {
  const raw = env.OMERO_FS_MONITOR_OVERRIDES;
  if (!raw) return {};
  const o = JSON.parse(raw) as Partial<GlobalConfig> & { monitorControl?: string; monitorEvents?: string };
  const out: Partial<GlobalConfig> = {};
  if (o.watchBackend === "auto" || o.watchBackend === "native" || o.watchBackend === "poll")
    out.watchBackend = o.watchBackend;
  if (typeof o.pollInterval === "number" && o.pollInterval > 0) out.pollInterval = o.pollInterval;
  if (typeof o.insecureTcp === "boolean") out.insecureTcp = o.insecureTcp;
  // monitorControl/monitorEvents: the names before they became per-watch (issue 13).
  const control = o.monitorBindControl ?? o.monitorControl;
  const events = o.monitorBindEvents ?? o.monitorEvents;
  if (typeof control === "string") out.monitorBindControl = control;
  if (typeof events === "string") out.monitorBindEvents = events;
  return out;
}

/** A serial send queue: a zeromq v6 socket allows one send in flight. */
class SendQueue {
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly socket: zmq.Writable,
    private readonly onError: (e: unknown) => void,
  ) {}
  send(msg: (string | Buffer)[]): void {
    this.chain = this.chain.then(() => this.socket.send(msg)).catch(this.onError);
  }
  drain(): Promise<void> {
    return this.chain;
  }
}

function authorizedKeysOf(home: string): string {
  return path.join(curveDir(home), "authorized_keys");
}

/**
 * With CURVE on a TCP endpoint, only clients in etc/curve/authorized_keys (and the server's own
 * key, for tools on this host) get in: the ZAP handler is bound before any CURVE socket.
 */
async function startZap(home: string, secretKey: string, logger: Logger): Promise<ZapHandler> {
  const file = authorizedKeysOf(home);
  if (!fs.existsSync(file)) {
    throw new StartupError(
      "CURVE",
      `${file} does not exist: a MonitorServer with CURVE lets in only the clients listed there. Write each client's key pair with \`omero-fs curve keygen client\` and add the content of its client.pub as a line of ${file} (an empty file refuses every client)`,
    );
  }
  for (const p of keyPermissionProblems(curveDir(home))) logger.warn(`CURVE keys: ${p}`);
  const own = curvePublicKeyOf(secretKey);
  const zap = new ZapHandler({ authorizedKeysFile: file, alwaysAllow: { [own]: "server (this host)" }, log: logger });
  await zap.start();
  logger.info(`CURVE server public key (etc/curve/server.pub; clients set omero.fs.monitorServerKey to it): ${own}`);
  return zap;
}

/** Prepare an endpoint before bind: stale ipc socket files, CURVE or plain TCP policy. */
async function prepareEndpoint(
  endpoint: string,
  role: "control" | "events",
  cfg: GlobalConfig,
  home: string,
  logger: Logger,
): Promise<{ curveSecretKey?: string }> {
  if (endpoint.startsWith("ipc://")) {
    const file = endpoint.slice("ipc://".length);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (fs.existsSync(file)) {
      if (role === "control") {
        const client = new ControlClient(endpoint, { timeoutMs: 400 });
        const alive = await client.call("ping").then(
          () => true,
          () => false,
        );
        client.close();
        if (alive) throw new StartupError("ENDPOINT_IN_USE", `another MonitorServer is running on ${endpoint}`);
      }
      logger.info(`removing stale socket file ${file}`);
      fs.rmSync(file, { force: true });
    }
    return {};
  }
  if (endpoint.startsWith("tcp://")) {
    const keyFile = path.join(curveDir(home), "server.key");
    if (fs.existsSync(keyFile)) {
      let key: string;
      try {
        key = loadKeyPair(curveDir(home), "server").secretKey;
      } catch (e) {
        throw new StartupError("CURVE", messageOf(e), { cause: e });
      }
      logger.info(
        `${role} endpoint ${endpoint}: CURVE encryption with ${keyFile}; clients need ${authorizedKeysOf(home)}`,
      );
      return { curveSecretKey: key };
    }
    if (cfg.insecureTcp) {
      logger.warn(`${role} endpoint ${endpoint}: PLAIN TCP without encryption (omero.fs.insecureTcp=true)`);
      return {};
    }
    throw new StartupError(
      "INSECURE_TCP",
      `refusing plain TCP endpoint ${endpoint}: put a CURVE secret key in ${keyFile} or set omero.fs.insecureTcp=true`,
    );
  }
  return {};
}

function stateOf(m: Monitor): MonitorState {
  return {
    monitorId: m.id,
    state: m.state,
    params: m.params,
    seq: m.seq,
    ...(m.backend ? { backend: m.backend } : {}),
    reason: m.reason,
    eventsPublished: m.eventsPublished,
    rescansPublished: m.rescansPublished,
  };
}

/**
 * Run the MonitorServer: load config, bind ROUTER (monitorControl) and PUB (monitorEvents),
 * serve until stop() or SIGTERM/SIGINT. Throws StartupError on a fatal start-up problem.
 */
export async function runMonitorServer(opts: RunOptions): Promise<MonitorServerHandle> {
  const home = path.resolve(opts.home);
  const early = homePaths(home);
  let config: ReturnType<typeof loadConfigOrThrow>;
  try {
    config = loadConfigOrThrow({ home });
  } catch (e) {
    fs.mkdirSync(early.log, { recursive: true });
    const logger = createLogger({
      logDir: early.log,
      component: "MonitorServer",
      level: "info",
      maxSize: 10 * 1024 * 1024,
      maxFiles: 5,
      console: opts.console,
    });
    logger.error(`cannot start: configuration is invalid: ${messageOf(e)}`);
    await closeLogger(logger);
    throw new StartupError("CONFIG", `configuration is invalid: ${messageOf(e).split("\n")[0]}`, { cause: e });
  }
  // Test/debug hook: OMERO_FS_MONITOR_OVERRIDES='{"watchBackend":"poll","pollInterval":0.2}'.
  const g: GlobalConfig = { ...config.global, ...overridesFromEnv(process.env) };
  const paths = ensureHomeDirs(home);
  const logger = createLogger({
    logDir: paths.log,
    component: "MonitorServer",
    level: g.logLevel,
    maxSize: g.logMaxSize,
    maxFiles: g.logMaxFiles,
    console: opts.console,
  });
  const timings = timingsFromEnv(process.env);
  // A burst near the kernel's inotify queue may have overflowed it (libuv drops IN_Q_OVERFLOW).
  timings.fullVerifyEvents = fullVerifyThreshold(timings.fullVerifyEvents, readProcNumber(MAX_QUEUED_EVENTS));
  // Heartbeats of tcp:// connections; the test hook shrinks them (the peer timeout is 3 beats).
  const beat = testHookNumber(process.env, "OMERO_FS_TEST_MONITOR_HEARTBEAT_MS", TCP_LIVENESS.heartbeatMs, {
    min: 100,
    integer: true,
  });
  const liveness = { heartbeatMs: beat, timeoutMs: 3 * beat };

  let control: ControlServer<typeof MonitorMethodParams> | null = null;
  let zap: ZapHandler | null = null;
  const pub = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 0 });
  // Defined before the control socket is bound: requests are served from then on.
  const pubQueue = new SendQueue(pub, (err) => logger.error(`publish failed: ${messageOf(err)}`));
  const monitors = new Map<string, Monitor>();
  const listings = new Listings(timings.listIdleMs);
  const host: MonitorHost = {
    logger,
    snapshotDir: paths.monitorSnapshots,
    watchBackend: g.watchBackend,
    // Seconds, as configured: the monitor converts its options once (core/options.ts).
    pollInterval: g.pollInterval,
    timings,
    send: (block: EventBlock) => pubQueue.send(encodeEventBlock(block)),
  };

  const bindOrSay = async (bind: () => Promise<void>, ep: string) => {
    try {
      await bind();
    } catch (err) {
      throw new StartupError(
        messageOf(err).includes("in use") ? "ENDPOINT_IN_USE" : "BIND_FAILED",
        `cannot bind ${ep}: ${messageOf(err)}`,
        { cause: err },
      );
    }
  };
  try {
    const c = await prepareEndpoint(g.monitorBindControl, "control", g, home, logger);
    const e = await prepareEndpoint(g.monitorBindEvents, "events", g, home, logger);
    const secret = c.curveSecretKey ?? e.curveSecretKey;
    if (secret) zap = await startZap(home, secret, logger);
    control = new ControlServer({
      endpoint: g.monitorBindControl,
      methods: MonitorMethodParams,
      results: MonitorMethodResults,
      handler: (method, params) => dispatch(method, params),
      log: logger,
      curveSecretKey: c.curveSecretKey,
      ...(c.curveSecretKey ? { zapDomain: "monitor-control" } : {}),
      liveness,
    });
    setTcpLiveness(pub, g.monitorBindEvents, liveness);
    if (e.curveSecretKey) {
      pub.curveServer = true;
      pub.curveSecretKey = e.curveSecretKey;
      pub.zapDomain = "monitor-events";
    }
    const ctl = control;
    await bindOrSay(() => ctl.bind(), g.monitorBindControl);
    await bindOrSay(() => pub.bind(g.monitorBindEvents), g.monitorBindEvents);
  } catch (err) {
    await control?.close();
    pub.close();
    await zap?.close();
    logger.error(`cannot start: ${messageOf(err)}`);
    await closeLogger(logger);
    throw err;
  }

  function monitorOf(id: string): Monitor {
    const m = monitors.get(id);
    if (!m) throw new ControlError("UNKNOWN_MONITOR", `no monitor with id ${id}`);
    return m;
  }

  async function dispatch(method: MonitorMethod, params: unknown): Promise<unknown> {
    switch (method) {
      case "ping":
        return { pid: process.pid, version: OMERO_FS_VERSION };
      case "createMonitor": {
        const p = withMonitorDefaults(params as CreateMonitorParams);
        if (p.eventTypes.length === 0)
          throw new ControlError("BAD_PARAMS", "params.eventTypes: give at least one type");
        const watchDir = path.resolve(p.watchDir);
        const st = fs.statSync(watchDir, { throwIfNoEntry: false });
        if (!st) throw new ControlError("BAD_DIRECTORY", `watchDir ${watchDir} does not exist`);
        if (!st.isDirectory()) throw new ControlError("BAD_DIRECTORY", `watchDir ${watchDir} is not a directory`);
        try {
          fs.accessSync(watchDir, fs.constants.R_OK | fs.constants.X_OK);
          fs.readdirSync(watchDir);
        } catch (err) {
          throw new ControlError("BAD_DIRECTORY", `watchDir ${watchDir} cannot be read: ${messageOf(err)}`);
        }
        const id = randomUUID();
        const m = new Monitor(id, { ...p, watchDir }, host);
        monitors.set(id, m);
        logger.info(`monitor ${id} created: ${JSON.stringify(m.params)}`);
        return { monitorId: id };
      }
      case "startMonitor": {
        const m = monitorOf((params as { monitorId: string }).monitorId);
        await m.start();
        return stateOf(m);
      }
      case "stopMonitor": {
        const m = monitorOf((params as { monitorId: string }).monitorId);
        await m.stop();
        return stateOf(m);
      }
      case "destroyMonitor": {
        const m = monitorOf((params as { monitorId: string }).monitorId);
        await m.stop();
        monitors.delete(m.id);
        listings.dropMonitor(m.id);
        logger.info(`monitor ${m.id} destroyed`);
        return stateOf(m);
      }
      case "getMonitorState":
        return stateOf(monitorOf((params as { monitorId: string }).monitorId));
      case "listMonitors":
        return [...monitors.values()].map(stateOf);
      case "sync": {
        const m = monitorOf((params as { monitorId: string }).monitorId);
        return { seq: await m.sync() };
      }
      case "list": {
        const p = params as { monitorId: string; cursor?: string; limit?: number };
        const m = monitorOf(p.monitorId);
        return listings.list(m.id, m.params, p);
      }
    }
  }

  let stopping: Promise<void> | null = null;

  // A stalled process (SIGSTOP, swapping) may have overflowed the kernel's event queue.
  const tick = 250;
  let expected = Date.now() + tick;
  const stallTimer = setInterval(() => {
    const now = Date.now();
    const stall = stallOf(expected, now, timings, takeBusy());
    expected = now + tick;
    if (stall) for (const m of monitors.values()) m.noteStall(stall);
    listings.expire(now);
  }, tick);

  // Debug hook: OMERO_FS_MONITOR_MEMLOG=<ms> logs process.memoryUsage() (MiB) every <ms> ms.
  const memEvery = Number(process.env.OMERO_FS_MONITOR_MEMLOG ?? 0);
  const memTimer =
    memEvery > 0
      ? setInterval(() => {
          const u = process.memoryUsage();
          const mib = (n: number) => (n / 1048576).toFixed(1);
          logger.info(
            `memory: rss ${mib(u.rss)} heapTotal ${mib(u.heapTotal)} heapUsed ${mib(u.heapUsed)} external ${mib(u.external)} arrayBuffers ${mib(u.arrayBuffers)}`,
          );
        }, memEvery)
      : null;
  memTimer?.unref();

  const stop = (): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      clearInterval(stallTimer);
      if (memTimer) clearInterval(memTimer);
      logger.info("MonitorServer stopping");
      await control?.close();
      for (const m of monitors.values()) {
        await m.stop().catch((err) => logger.error(`monitor ${m.id}: stop failed: ${messageOf(err)}`));
      }
      await pubQueue.drain();
      pub.close();
      await zap?.close();
      logger.info("MonitorServer stopped");
      await closeLogger(logger);
    })();
    return stopping;
  };

  if (opts.handleSignals !== false) {
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
    // `omero-fs admin reload`: the node sends SIGHUP for a changed omero.fs.logLevel (the only
    // MonitorServer setting that applies live; a bad config changes nothing).
    process.on("SIGHUP", () => {
      try {
        const level = loadConfigOrThrow({ home }).global.logLevel;
        if (level !== logger.level) logger.info(`SIGHUP: log level ${logger.level} -> ${level}`);
        logger.level = level;
      } catch (e) {
        logger.warn(`SIGHUP: configuration not re-read: ${messageOf(e).split("\n")[0]}`);
      }
    });
  }

  logger.info(
    `MonitorServer ready: pid ${process.pid}, version ${OMERO_FS_VERSION}, control ${g.monitorBindControl}, events ${g.monitorBindEvents}, backend ${g.watchBackend}`,
  );
  if (typeof process.send === "function") process.send({ type: "ready", server: "MonitorServer" });
  return { stop };
}
