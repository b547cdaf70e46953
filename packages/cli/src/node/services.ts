/**
 * What the node runs beside supervising the servers: the HTTP server (status page, JSON API,
 * metrics), the notifier, and systemd's sd_notify. None of it can stop the servers: a port in
 * use or a receiver that is down is logged and the node goes on.
 */
import * as fs from "node:fs";
import { homePaths, type Logger, NOTIFY_GLOBALS, type OmeroFsConfig } from "@omero-fs/config";
import { type LedgerView, openLedgerView } from "@omero-fs/dropbox/ledger";
import { type ControlClient, localControlClient } from "@omero-fs/protocol/zmq";
import type { WaitRules } from "../core/stuck";
import { type HttpHandle, startHttp } from "./http/server";
import { Metrics } from "./http/metrics";
import type { NodeServerStatus } from "./methods";
import { Notifier } from "./notify/notifier";
import { maxUserWatches, processStats } from "./proc-stats";
import { askDropBoxStatus } from "./remote-monitors";
import { sdNotify } from "./sd-notify";

export interface NodeServices {
  /** host:port the HTTP server listens on, or null (off, or it could not bind). */
  readonly http: string | null;
  /** Why the HTTP server could not listen at start (the node then does not start), else null. */
  readonly httpError: string | null;
  /**
   * Apply a reloaded configuration to the HTTP server (a changed address or token: bound anew)
   * and the notifier (a changed notify* property: rebuilt on the same outbox). Returns the
   * properties applied and those that could not be (with why).
   */
  reload(after: OmeroFsConfig): Promise<{ applied: string[]; failed: string[] }>;
  /** The node is up (every enabled server had its first start). */
  ready(): void;
  /** Shutdown began. */
  stopping(): void;
  stop(): Promise<void>;
}

/** The configured waits in ms, for telling stuck filesets from waiting ones (core/stuck.ts). */
function waitRules(c: OmeroFsConfig): WaitRules {
  const w = (i: number) => c.watches.find((x) => x.index === i) ?? c.watches[0];
  const ms = (s: number | undefined) => (s ?? 0) * 1000;
  return {
    dirImportWaitMs: (i) => ms(w(i)?.dirImportWait),
    incompleteWaitMs: (i) => ms(w(i)?.incompleteWait),
    companionWaitMs: (i) => ms(w(i)?.companionWait),
    throttleMs: (i) => ms(w(i)?.throttleImport),
    importTimeoutMs: ms(c.global.importTimeout),
  };
}

/** Why a listen failed, in words, with the fix. */
function listenReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "EADDRINUSE":
      return "the port is in use by another program (see omero-fs admin diagnostics); stop it, or set another port: omero-fs config set omero.fs.httpAddress 127.0.0.1:PORT (off: no status page)";
    case "EACCES":
      return "permission denied (ports below 1024 need privileges); use a port above 1023";
    case "EADDRNOTAVAIL":
      return "this machine has no such address; use 127.0.0.1, 0.0.0.0 or one of its own addresses";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve; use an address";
    default:
      return err.code ?? err.message;
  }
}

export async function startNodeServices(o: {
  home: string;
  config: OmeroFsConfig;
  logger: Logger;
  servers: () => NodeServerStatus[];
  /** The DropBox's problems by key while it runs (ledger, watch:N), else null. */
  checks?: () => Record<string, string> | null;
}): Promise<NodeServices> {
  const { home, config, logger } = o;
  const ledgerFile = homePaths(home).ledger;
  let view: LedgerView | null = null;
  const getView = (): LedgerView | null => {
    if (view) return view;
    if (!fs.existsSync(ledgerFile)) return null;
    try {
      view = openLedgerView(ledgerFile, { requireCurrent: true });
    } catch (e) {
      logger.debug(`ledger not readable yet: ${(e as Error).message}`);
    }
    return view;
  };

  let current = config;
  let notifier: Notifier | null = null;
  const startNotifier = (cfg: OmeroFsConfig): void => {
    try {
      notifier = new Notifier({
        home,
        config: cfg.global,
        logger,
        view: getView,
        ledgerExists: () => fs.existsSync(ledgerFile),
      });
      notifier.start();
    } catch (e) {
      logger.error(`notifications are off: ${(e as Error).message}`);
      notifier = null;
    }
  };
  startNotifier(config);

  let monitorClient: ControlClient | null = null;
  /** Asked only of a DropBox that runs (a stopped one would cost the page its 1.5 s timeout). */
  const dropboxStatus = async () => {
    const state = o.servers().find((s) => s.name === "DropBox")?.state;
    return state === "running" || state === "degraded"
      ? askDropBoxStatus(home, current.global.dropboxControl)
      : undefined;
  };
  const remoteMonitors = async () => (await dropboxStatus())?.remoteMonitors;
  const metrics = new Metrics({
    remoteMonitors,
    // The DropBox records each pause and resumption in the ledger: the last one says.
    omeroUp: () => (current.global.importer === "omero" ? (getView()?.lastOmeroEvent()?.up === false ? 0 : 1) : null),
    ledger: () => getView()?.metrics() ?? null,
    pending: () => {
      const v = getView();
      return v ? { pending: v.pending(), lastRunMs: v.lastRunMs() } : null;
    },
    rules: () => waitRules(current),
    servers: o.servers,
    processes: () => [
      processStats("Node", process.pid),
      ...o.servers().flatMap((s) => (s.pid === null ? [] : [processStats(s.name, s.pid)])),
    ],
    maxUserWatches,
    health: () => o.checks?.() ?? null,
    watches: () => current.watches.map((w) => ({ n: w.index + 1, user: w.user })),
    monitor: async () => {
      if (o.servers().find((s) => s.name === "MonitorServer")?.state !== "running") return null;
      // On a storage host with CURVE: as the server itself (its key pair; the ZAP handler always lets it in).
      monitorClient ??= localControlClient(home, config.global.monitorBindControl, { timeoutMs: 2000 });
      const list = (await monitorClient.call("listMonitors", {})) as {
        eventsPublished?: number;
        rescansPublished?: number;
        backend?: string;
        state?: string;
        reason?: string | null;
      }[];
      let events = 0;
      let rescans = 0;
      for (const m of list) {
        events += Number.isFinite(m.eventsPublished) ? Number(m.eventsPublished) : 0;
        rescans += Number.isFinite(m.rescansPublished) ? Number(m.rescansPublished) : 0;
      }
      return {
        events,
        rescans,
        monitors: list.map((m) => ({ backend: m.backend ?? "native", state: m.state ?? "started" })),
        // The MonitorServer's reason when native watching failed and it polls instead.
        withoutInotify: list.filter((m) => m.backend === "poll" && /native watch failed/.test(m.reason ?? "")).length,
      };
    },
    notify: () => notifier?.stats ?? null,
  });

  /** Start the HTTP server for `cfg`; null (logged) when off or it cannot listen. */
  const listen = async (cfg: OmeroFsConfig): Promise<{ handle: HttpHandle | null; error: string | null }> => {
    if (cfg.global.httpAddress === "off") return { handle: null, error: null };
    try {
      const handle = await startHttp({
        config: cfg,
        logger,
        view: getView,
        ledgerFile,
        metrics,
        servers: o.servers,
        checks: () => o.checks?.() ?? null,
        dropboxStatus,
        rules: () => waitRules(current),
      });
      logger.info(
        `HTTP on http://${handle.address}/ (status page; /api/imports, /api/files?path=, /metrics)${cfg.global.httpToken ? ", token required" : ""}`,
      );
      return { handle, error: null };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const error = `the status page cannot listen on ${cfg.global.httpAddress} (omero.fs.httpAddress): ${listenReason(err)}`;
      logger.error(error);
      return { handle: null, error };
    }
  };
  const first = await listen(config);
  let http: HttpHandle | null = first.handle;

  /** What the HTTP server is built from (the page shows the watch folders and their waits). */
  const httpShape = (c: OmeroFsConfig) =>
    JSON.stringify([
      c.global.httpAddress,
      c.global.httpToken,
      c.global.webUrl,
      c.watches.map((w) => [w.watchDir, w.dirImportWait]),
    ]);

  const reload = async (after: OmeroFsConfig): Promise<{ applied: string[]; failed: string[] }> => {
    const before = current;
    const applied: string[] = [];
    const failed: string[] = [];
    const g0 = before.global as unknown as Record<string, unknown>;
    const g1 = after.global as unknown as Record<string, unknown>;
    const changed = (k: string) => JSON.stringify(g0[k]) !== JSON.stringify(g1[k]);
    const notify = NOTIFY_GLOBALS.filter(changed);
    if (notify.length > 0) {
      // The outbox and its cursor stay: nothing waiting is lost, nothing sent is sent again.
      const old = notifier;
      notifier = null;
      await old?.stopAfterDeliveries();
      startNotifier(after);
      applied.push(...notify.map((k) => `omero.fs.${k}`));
    }
    if (httpShape(before) !== httpShape(after)) {
      const names = ["httpAddress", "httpToken"].filter(changed).map((k) => `omero.fs.${k}`);
      const sameAddress = before.global.httpAddress === after.global.httpAddress;
      // Same address: the old listener must go first. A new address: bind it first, so a
      // failure keeps the old one serving.
      if (sameAddress) {
        await http?.close();
        http = null;
      }
      const r = await listen(after);
      if (r.error === null) {
        if (!sameAddress) await http?.close();
        http = r.handle;
        applied.push(...names);
      } else {
        if (sameAddress) http = null;
        failed.push(...names.map((n) => `${n} (${r.error})`));
      }
    }
    // A listener that could not be bound is tried again by the next reload.
    current =
      failed.length > 0
        ? {
            ...after,
            global: { ...after.global, httpAddress: before.global.httpAddress, httpToken: before.global.httpToken },
          }
        : after;
    return { applied, failed };
  };

  const sd = sdNotify(logger);
  return {
    get http() {
      return http?.address ?? null;
    },
    httpError: first.error,
    reload,
    ready: () => sd.ready(`running${http ? `; http://${http.address}/` : ""}`),
    stopping: () => sd.stopping(),
    async stop() {
      sd.close();
      (notifier as Notifier | null)?.stop();
      monitorClient?.close();
      await http?.close();
      view?.close();
    },
  };
}
