/**
 * What the node runs beside supervising the servers: the HTTP server (status page, JSON API,
 * metrics), the notifier, and systemd's sd_notify. None of it can stop the servers: a port in
 * use or a receiver that is down is logged and the node goes on.
 */
import * as fs from "node:fs";
import { homePaths, type Logger, type OmeroFsConfig } from "@omero-fs/config";
import { type LedgerView, openLedgerView } from "@omero-fs/dropbox";
import * as path from "node:path";
import { ControlClient, type CurveClientKeys, curveDir, loadLocalCurve } from "@omero-fs/protocol/zmq";
import { type HttpHandle, startHttp } from "./http/server";
import { Metrics } from "./http/metrics";
import type { NodeServerStatus } from "./methods";
import { Notifier } from "./notify/notifier";
import { sdNotify } from "./sd-notify";

export interface NodeServices {
  /** host:port the HTTP server listens on, or null (off, or it could not bind). */
  http: string | null;
  /** The node is up (every enabled server had its first start). */
  ready(): void;
  /** Shutdown began. */
  stopping(): void;
  stop(): Promise<void>;
}

/**
 * The node on a storage host whose MonitorServer has CURVE on TCP: it asks as the server itself
 * (its key pair; the ZAP handler always lets it in), not as a client listed in authorized_keys.
 */
function localCurve(home: string, endpoint: string): { curve?: CurveClientKeys } {
  const dir = curveDir(home);
  if (!endpoint.startsWith("tcp://") || !fs.existsSync(path.join(dir, "server.key"))) return {};
  return { curve: loadLocalCurve(dir) };
}

export async function startNodeServices(o: {
  home: string;
  config: OmeroFsConfig;
  logger: Logger;
  servers: () => NodeServerStatus[];
}): Promise<NodeServices> {
  const { home, config, logger } = o;
  const ledgerFile = homePaths(home).ledger;
  let view: LedgerView | null = null;
  const getView = (): LedgerView | null => {
    if (view) return view;
    if (!fs.existsSync(ledgerFile)) return null;
    try {
      view = openLedgerView(ledgerFile);
    } catch (e) {
      logger.debug(`ledger not readable yet: ${(e as Error).message}`);
    }
    return view;
  };

  let notifier: Notifier | null = null;
  try {
    notifier = new Notifier({
      home,
      config: config.global,
      logger,
      view: getView,
      ledgerExists: () => fs.existsSync(ledgerFile),
    });
    notifier.start();
  } catch (e) {
    logger.error(`notifications are off: ${(e as Error).message}`);
    notifier = null;
  }

  let monitorClient: ControlClient | null = null;
  const metrics = new Metrics({
    ledger: () => getView()?.metrics() ?? null,
    servers: o.servers,
    monitor: async () => {
      if (o.servers().find((s) => s.name === "MonitorServer")?.state !== "running") return null;
      monitorClient ??= new ControlClient(config.global.monitorBindControl, {
        timeoutMs: 2000,
        ...localCurve(home, config.global.monitorBindControl),
      });
      const list = (await monitorClient.call("listMonitors", {})) as {
        eventsPublished?: number;
        rescansPublished?: number;
      }[];
      let events = 0;
      let rescans = 0;
      for (const m of list) {
        events += Number.isFinite(m.eventsPublished) ? Number(m.eventsPublished) : 0;
        rescans += Number.isFinite(m.rescansPublished) ? Number(m.rescansPublished) : 0;
      }
      return { events, rescans };
    },
    notify: () => notifier?.stats ?? null,
  });

  let http: HttpHandle | null = null;
  if (config.global.httpAddress !== "off") {
    try {
      http = await startHttp({ config, logger, view: getView, metrics });
      logger.info(
        `HTTP on http://${http.address}/ (status page; /api/imports, /api/files?path=, /metrics)${config.global.httpToken ? ", token required" : ""}`,
      );
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      logger.error(
        `HTTP not served: cannot listen on ${config.global.httpAddress}: ${err.code ?? err.message}${
          err.code === "EADDRINUSE" ? " (another omero-fs node or program uses it; set omero.fs.httpAddress)" : ""
        }; the servers run without it`,
      );
    }
  }

  const sd = sdNotify(logger);
  return {
    http: http?.address ?? null,
    ready: () => sd.ready(`running${http ? `; http://${http.address}/` : ""}`),
    stopping: () => sd.stopping(),
    async stop() {
      sd.close();
      notifier?.stop();
      monitorClient?.close();
      await http?.close();
      view?.close();
    },
  };
}
