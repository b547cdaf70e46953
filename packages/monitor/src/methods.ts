/**
 * The MonitorServer's control methods: one handler per method, typed from the protocol's zod
 * schemas (params as validated by `MonitorMethodParams`, results as `MonitorMethodResults`
 * checks them), so a handler cannot read a param the schema does not have or answer a shape the
 * client does not expect. Behaviour per method: README "Control methods"; message shapes:
 * packages/protocol/README.md.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import {
  type MonitorMethodParams,
  type MonitorMethodResults,
  type MonitorState,
  OMERO_FS_VERSION,
  withMonitorDefaults,
} from "@omero-fs/protocol";
import type { Handlers } from "@omero-fs/protocol/zmq";
import { ControlError, messageOf } from "./errors";
import type { Listings } from "./listing";
import { Monitor, type MonitorHost } from "./monitor";

export type MonitorHandlers = Handlers<typeof MonitorMethodParams, typeof MonitorMethodResults>;

/** What the handlers act on: the server's monitors and walks, and where a new monitor's output goes. */
export interface MethodContext {
  monitors: Map<string, Monitor>;
  listings: Listings;
  host: MonitorHost;
  logger: Logger;
  /** Why `dir` may not be watched or listed by this server (omero.fs.monitorRoots), or null. */
  refuseDir(dir: string): string | null;
}

export function monitorHandlers(ctx: MethodContext): MonitorHandlers {
  const { monitors, listings, logger } = ctx;
  const monitorOf = (id: string): Monitor => {
    const m = monitors.get(id);
    if (!m) throw new ControlError("UNKNOWN_MONITOR", `no monitor with id ${id}`);
    return m;
  };
  return {
    ping: () => ({ pid: process.pid, version: OMERO_FS_VERSION }),

    createMonitor: (params) => {
      const p = withMonitorDefaults(params);
      if (p.eventTypes.length === 0) throw new ControlError("BAD_PARAMS", "params.eventTypes: give at least one type");
      const watchDir = readableDir(p.watchDir, ctx.refuseDir);
      const id = randomUUID();
      const m = new Monitor(id, { ...p, watchDir }, ctx.host);
      monitors.set(id, m);
      logger.info(`monitor ${id} created: ${JSON.stringify(m.params)}`);
      return { monitorId: id };
    },

    startMonitor: async ({ monitorId }) => {
      const m = monitorOf(monitorId);
      // Checked again: the roots may have been narrowed (admin reload) since the monitor was made.
      const why = ctx.refuseDir(m.params.watchDir);
      if (why) throw new ControlError("BAD_DIRECTORY", why);
      await m.start();
      return stateOf(m);
    },

    stopMonitor: async ({ monitorId }) => {
      const m = monitorOf(monitorId);
      await m.stop();
      return stateOf(m);
    },

    destroyMonitor: async ({ monitorId }) => {
      const m = monitorOf(monitorId);
      await m.stop();
      monitors.delete(m.id);
      listings.dropMonitor(m.id);
      logger.info(`monitor ${m.id} destroyed`);
      return stateOf(m);
    },

    getMonitorState: ({ monitorId }) => stateOf(monitorOf(monitorId)),

    listMonitors: () => [...monitors.values()].map(stateOf),

    sync: async ({ monitorId }) => ({ seq: await monitorOf(monitorId).sync() }),

    list: ({ monitorId, cursor, limit }) => {
      const m = monitorOf(monitorId);
      // Checked again at every walk's first page, as at startMonitor.
      if (cursor === undefined) {
        const why = ctx.refuseDir(m.params.watchDir);
        if (why) throw new ControlError("BAD_DIRECTORY", why);
      }
      return listings.list(m.id, m.params, { cursor, limit });
    },
  };
}

/** The absolute watch directory, if it may be watched and can be read; else BAD_DIRECTORY saying why. */
function readableDir(dir: string, refuse: (dir: string) => string | null): string {
  const watchDir = path.resolve(dir);
  const why = refuse(watchDir);
  if (why) throw new ControlError("BAD_DIRECTORY", why);
  const st = fs.statSync(watchDir, { throwIfNoEntry: false });
  if (!st) throw new ControlError("BAD_DIRECTORY", `watchDir ${watchDir} does not exist`);
  if (!st.isDirectory()) throw new ControlError("BAD_DIRECTORY", `watchDir ${watchDir} is not a directory`);
  try {
    fs.accessSync(watchDir, fs.constants.R_OK | fs.constants.X_OK);
    fs.readdirSync(watchDir);
  } catch (err) {
    throw new ControlError("BAD_DIRECTORY", `watchDir ${watchDir} cannot be read: ${messageOf(err)}`);
  }
  return watchDir;
}

export function stateOf(m: Monitor): MonitorState {
  return {
    monitorId: m.id,
    state: m.state,
    params: m.params,
    seq: m.seq,
    ...(m.backend ? { backend: m.backend } : {}),
    reason: m.reason,
    eventsPublished: m.eventsPublished,
    rescansPublished: m.rescansPublished,
    refused: m.refused(),
  };
}
