/**
 * The DropBox's control methods (packages/protocol/README.md, "DropBox control methods"), typed
 * from the protocol's tables: each handler gets its params as the schema parsed them and returns
 * what the result schema takes. What they need from the running DropBox is ControlHost.
 */
import type { WatchConfig } from "@omero-fs/config";
import {
  ControlError,
  type DropBoxMethodParams,
  DropBoxMethodResults,
  OMERO_FS_VERSION,
  type OmeroStatus,
} from "@omero-fs/protocol";
import { type Handlers, localControlClient } from "@omero-fs/protocol/zmq";
import { isUnder } from "./core/paths";
import type { Engine } from "./engine";
import { LedgerError } from "./ledger";
import type { MonitorSupervisor } from "./monitor-supervisor";

export type DropBoxHandlers = Handlers<typeof DropBoxMethodParams, typeof DropBoxMethodResults>;

/** How long `sync` waits for every watch's barrier before it answers INTERNAL with the reason. */
const SYNC_MS = 60_000;

/** What the control methods use of the running DropBox. */
export interface ControlHost {
  engine: Pick<
    Engine,
    | "reconcileWatch"
    | "drain"
    | "fileCount"
    | "importExisting"
    | "requeue"
    | "release"
    | "reimport"
    | "cancel"
    | "counts"
    | "checkInvariant"
  >;
  monitors: Pick<MonitorSupervisor, "monitorOf" | "sync" | "remoteStatus">;
  /** The first reconciliation is done. */
  ready(): boolean;
  /** The watches now (a reload replaces them). */
  watches(): readonly WatchConfig[];
  /** What keeps the DropBox from doing all of its job (health). */
  problems(): string[];
  /** Re-read the config and apply what can change live (server.ts). */
  reload(): Promise<{ applied: string[]; restart: string[]; notApplied: string[] }>;
  /** OMERO as the omero importer knows it (null with the other importers; omero-status.ts). */
  omero(): OmeroStatus | null;
}

/** A refused hand action (no such id, a state it cannot leave) is the caller's mistake: BAD_PARAMS. */
async function refusedAsBadParams<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof LedgerError) throw new ControlError("BAD_PARAMS", e.message);
    throw e;
  }
}

export function controlHandlers(h: ControlHost): DropBoxHandlers {
  return {
    ping: () => ({ pid: process.pid, version: OMERO_FS_VERSION }),
    status: () => {
      const remote = h.monitors.remoteStatus();
      return {
        ready: h.ready(),
        watches: h.watches().map((w) => ({
          index: w.index,
          user: w.user,
          watchDir: w.watchDir,
          monitorId: h.monitors.monitorOf(w.index) ?? null,
        })),
        counts: h.engine.counts(),
        problems: h.problems(),
        ...(remote.length > 0 ? { remoteMonitors: remote } : {}),
        omero: h.omero(),
      };
    },
    scan: async () => {
      const n = await Promise.all(h.watches().map((w) => h.engine.reconcileWatch(w.index, "scan")));
      return { discovered: n.reduce((a, b) => a + b, 0) };
    },
    sync: async () => {
      await h.monitors.sync(Date.now() + SYNC_MS);
      await h.engine.drain();
      return { files: h.engine.fileCount() };
    },
    reload: () => h.reload(),
    importExisting: async ({ path }) => {
      const watches = h.watches();
      if (path !== undefined && !watches.some((w) => isUnder(path, w.watchDir) || path === w.watchDir))
        throw new ControlError(
          "BAD_PARAMS",
          `${path} is not in a watch folder (${watches.map((w) => w.watchDir).join(", ")})`,
        );
      return { released: await h.engine.importExisting(path ?? null) };
    },
    checkLedger: async () => {
      await Promise.all(h.watches().map((w) => h.engine.reconcileWatch(w.index, "check-ledger")));
      return h.engine.checkInvariant();
    },
    retry: ({ id }) => refusedAsBadParams(h.engine.requeue(id)),
    release: ({ id }) => refusedAsBadParams(h.engine.release(id)),
    reimport: ({ id }) => refusedAsBadParams(h.engine.reimport(id)),
    cancel: ({ id }) => refusedAsBadParams(h.engine.cancel(id)),
  };
}

/** Is a DropBox already answering at this endpoint? Its pid, or null. (One DropBox per home.) */
export async function probeRunning(home: string, endpoint: string, timeoutMs = 400): Promise<number | null> {
  const c = localControlClient(home, endpoint, { timeoutMs });
  try {
    const r = await c.call("ping", {}, DropBoxMethodResults.ping, timeoutMs);
    return r.pid;
  } catch {
    return null;
  } finally {
    c.close();
  }
}
