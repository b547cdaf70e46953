/**
 * The DropBox's side of the MonitorServer protocol (docs/ARCHITECTURE.md, "Wire protocol"): control calls over a
 * DEALER, event blocks over a SUB, and detection of a MonitorServer restart (OMERO never
 * reconnects: its DropBox goes deaf).
 */
import { createHash } from "node:crypto";
import type { WatchConfig } from "@omero-fs/config";
import { monitorEventTypes } from "./core/event-types";
import { type PathMap, toRemote } from "./core/path-map";
import { type CreateMonitorParams, decodeEventBlock, type EventBlock, MonitorMethodResults } from "@omero-fs/protocol";
import {
  ControlCallError,
  ControlClient,
  type CurveClientKeys,
  setCurveClient,
  setTcpLiveness,
} from "@omero-fs/protocol/zmq";
import * as zmq from "zeromq";

/**
 * Stable snapshot key per watch, so catch-up works across DropBox and MonitorServer restarts.
 * `owner` ("" for the node's own MonitorServer; host and home of this DropBox for a remote one):
 * two DropBoxes on one remote MonitorServer with the same watch path must not share a key, or
 * each would destroy the other's monitor as a leftover of its own.
 */
export function snapshotKeyOf(watch: WatchConfig, owner = ""): string {
  const h = createHash("sha1")
    .update(owner ? `${owner}\0${watch.watchDir}` : watch.watchDir)
    .digest("hex")
    .slice(0, 12);
  return `dropbox-w${watch.index}-${h}`;
}

/**
 * The monitor of a watch, in the MonitorServer's paths: watchDir and absolute blacklist entries go
 * through omero.fs.monitorPathMap (config checks that watchDir is inside LOCAL).
 */
export function monitorParamsOf(watch: WatchConfig, owner = ""): CreateMonitorParams {
  const map: PathMap | null = watch.monitorPathMap;
  const remote = (p: string) => (p.startsWith("/") ? (toRemote(map, p) ?? p) : p);
  return {
    watchDir: remote(watch.watchDir),
    // Deletions for the DropBox's own use; eventTypes is applied to the rest on receipt (core/event-types.ts).
    eventTypes: monitorEventTypes(watch.eventTypes),
    pathMode: watch.pathMode,
    // Never the watch's whitelist: it selects filesets by their entry's name (grouping's
    // opts.whitelist), so the monitor must publish every member, e.g. x.ids of a whitelisted x.ics.
    whitelist: [],
    blacklist: watch.blacklist.map(remote),
    timeout: watch.timeout,
    blockSize: watch.blockSize,
    ignoreSysFiles: watch.ignoreSysFiles,
    ignoreDirEvents: watch.ignoreDirEvents,
    snapshotKey: snapshotKeyOf(watch, owner),
  };
}

export class MonitorLink {
  readonly client: ControlClient;
  private readonly sub: zmq.Subscriber;
  private subLoop: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly controlEndpoint: string,
    readonly eventsEndpoint: string,
    private readonly onBlock: (block: EventBlock) => void,
    private readonly onBadBlock: (msg: string) => void,
    curve?: CurveClientKeys,
    /** Who owns the monitors (see snapshotKeyOf): "" for the node's own MonitorServer. */
    private readonly owner = "",
  ) {
    this.client = new ControlClient(controlEndpoint, { timeoutMs: 5000, ...(curve ? { curve } : {}) });
    this.sub = new zmq.Subscriber({ linger: 0 });
    if (curve) setCurveClient(this.sub, curve);
    // A remote MonitorServer whose host died leaves a half-open connection: heartbeats drop it.
    setTcpLiveness(this.sub, eventsEndpoint);
  }

  /** Connect and subscribe the SUB before any monitor exists, so no early block is missed. */
  subscribe(): void {
    this.sub.connect(this.eventsEndpoint);
    this.sub.subscribe();
    this.subLoop = (async () => {
      try {
        for await (const frames of this.sub) {
          const d = decodeEventBlock(frames);
          if (!d.ok) {
            this.onBadBlock(d.error.message);
            continue;
          }
          this.onBlock(d.value);
        }
      } catch {
        // closed
      }
    })();
  }

  async ping(timeoutMs = 1000): Promise<{ pid: number; version: string } | null> {
    try {
      return await this.client.call("ping", {}, MonitorMethodResults.ping, timeoutMs);
    } catch {
      return null;
    }
  }

  /** Create (not start) a monitor for a watch, first destroying a leftover one with the same key. */
  async createWatch(watch: WatchConfig): Promise<string> {
    const key = snapshotKeyOf(watch, this.owner);
    const existing = await this.client.call("listMonitors", {}, MonitorMethodResults.listMonitors);
    for (const m of existing) {
      if (m.params.snapshotKey === key) {
        await this.client.call("destroyMonitor", { monitorId: m.monitorId }).catch(() => undefined);
      }
    }
    const { monitorId } = await this.client.call(
      "createMonitor",
      monitorParamsOf(watch, this.owner),
      MonitorMethodResults.createMonitor,
      10_000,
    );
    return monitorId;
  }

  async start(monitorId: string): Promise<number> {
    const st = await this.client.call("startMonitor", { monitorId }, MonitorMethodResults.startMonitor, 30_000);
    return st.seq;
  }

  async states(): Promise<Map<string, { state: string; seq: number; reason: string | null }> | null> {
    try {
      const list = await this.client.call("listMonitors", {}, MonitorMethodResults.listMonitors, 2000);
      return new Map(list.map((m) => [m.monitorId, { state: m.state, seq: m.seq, reason: m.reason ?? null }]));
    } catch {
      return null;
    }
  }

  async sync(monitorId: string, timeoutMs: number): Promise<number> {
    const r = await this.client.call("sync", { monitorId }, MonitorMethodResults.sync, timeoutMs);
    return r.seq;
  }

  /** Stop and destroy our monitors on a clean shutdown (the MonitorServer writes their snapshots). */
  async release(monitorIds: string[]): Promise<void> {
    await Promise.all(
      monitorIds.map((monitorId) =>
        this.client.call("destroyMonitor", { monitorId }, undefined, 2000).catch(() => undefined),
      ),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    this.sub.close();
    void this.subLoop;
  }
}

export function isUnknownMonitor(e: unknown): boolean {
  return e instanceof ControlCallError && e.code === "UNKNOWN_MONITOR";
}
