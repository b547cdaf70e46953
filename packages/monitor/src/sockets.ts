/**
 * The MonitorServer's two sockets (I/O): the ROUTER of the control methods and the PUB of the event
 * blocks, bound with the one TCP policy of every omero-fs server (CURVE + ZAP, or refused unless
 * omero.fs.insecureTcp: `@omero-fs/protocol/zmq` secure.ts), and stale ipc:// socket files of a
 * dead server removed first.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import { encodeEventBlock, type EventBlock, MonitorMethodParams, MonitorMethodResults } from "@omero-fs/protocol";
import {
  ControlClient,
  ControlServer,
  serverCurveKey,
  setTcpLiveness,
  startZapHandler,
  TcpPolicyError,
  type TcpLiveness,
  type ZapHandler,
} from "@omero-fs/protocol/zmq";
import * as zmq from "zeromq";
import { messageOf, StartupError } from "./errors";
import type { MonitorHandlers } from "./methods";

export interface SocketSettings {
  home: string;
  controlEndpoint: string;
  eventsEndpoint: string;
  insecureTcp: boolean;
  liveness: TcpLiveness;
  logger: Logger;
}

export interface ServerSockets {
  /** Publish one block (sends run one at a time: a zeromq v6 socket allows one in flight). */
  publish(block: EventBlock): void;
  /** Stop answering requests (the control socket closes; blocks can still go out). */
  closeControl(): Promise<void>;
  /** Send what is queued, then close the PUB and the ZAP handler. */
  close(): Promise<void>;
}

/**
 * Bind control and events. `handlers` must be ready before: requests are served from the bind on.
 * Throws StartupError naming the endpoint and the fix.
 */
export async function bindSockets(s: SocketSettings, handlers: MonitorHandlers): Promise<ServerSockets> {
  const { logger } = s;
  let control: ControlServer<typeof MonitorMethodParams, typeof MonitorMethodResults> | null = null;
  let zap: ZapHandler | null = null;
  const pub = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 0 });
  let sending: Promise<void> = Promise.resolve();
  try {
    await removeStaleIpc(s.controlEndpoint, true, logger);
    await removeStaleIpc(s.eventsEndpoint, false, logger);
    const policy = (endpoint: string, what: string) =>
      serverCurveKey({ home: s.home, endpoint, insecureTcp: s.insecureTcp, what, log: logger });
    const controlKey = policy(s.controlEndpoint, "MonitorServer control endpoint");
    const eventsKey = policy(s.eventsEndpoint, "MonitorServer events endpoint");
    const secret = controlKey ?? eventsKey;
    if (secret) zap = await startZapHandler(s.home, secret, logger);
    control = new ControlServer({
      endpoint: s.controlEndpoint,
      methods: MonitorMethodParams,
      results: MonitorMethodResults,
      handlers,
      log: logger,
      curveSecretKey: controlKey,
      ...(controlKey ? { zapDomain: "monitor-control" } : {}),
      liveness: s.liveness,
    });
    setTcpLiveness(pub, s.eventsEndpoint, s.liveness);
    if (eventsKey) {
      pub.curveServer = true;
      pub.curveSecretKey = eventsKey;
      pub.zapDomain = "monitor-events";
    }
    const ctl = control;
    await bindOrSay(() => ctl.bind(), s.controlEndpoint);
    await bindOrSay(() => pub.bind(s.eventsEndpoint), s.eventsEndpoint);
  } catch (err) {
    await control?.close();
    pub.close();
    await zap?.close();
    if (err instanceof TcpPolicyError) throw new StartupError(err.code, err.message, { cause: err });
    throw err;
  }
  const ctl = control;
  return {
    publish: (block) => {
      sending = sending
        .then(() => pub.send(encodeEventBlock(block)))
        .catch((e) => {
          logger.error(`publish failed: ${messageOf(e)}`);
        });
    },
    closeControl: () => ctl.close(),
    close: async () => {
      await sending;
      pub.close();
      await zap?.close();
    },
  };
}

async function bindOrSay(bind: () => Promise<void>, ep: string): Promise<void> {
  try {
    await bind();
  } catch (err) {
    throw new StartupError(
      messageOf(err).includes("in use") ? "ENDPOINT_IN_USE" : "BIND_FAILED",
      `cannot bind ${ep}: ${messageOf(err)}`,
      { cause: err },
    );
  }
}

/**
 * An ipc:// socket file left by a dead server is removed; if a server answers a 400 ms ping on the
 * control endpoint, another MonitorServer runs there and this one must not start.
 */
async function removeStaleIpc(endpoint: string, isControl: boolean, logger: Logger): Promise<void> {
  if (!endpoint.startsWith("ipc://")) return;
  const file = endpoint.slice("ipc://".length);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) return;
  if (isControl) {
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
