/**
 * GET /metrics: Prometheus text (prom-client). Ledger figures are read at scrape time through the
 * read-only view; counters that come from the ledger (imports_total, import_duration_seconds) count
 * every importer run since the ledger was created, so they only grow. Server figures come from the
 * supervisor, monitor counters from the MonitorServer's listMonitors, remote MonitorServers from
 * the DropBox's `status`.
 */
import { ledgerShow } from "@omero-fs/dropbox/ledger";
import type { RemoteMonitor } from "@omero-fs/protocol";
import type { ProcessStats } from "../../core/proc";
import { type StuckSummary, summarize, type WaitRules } from "../../core/stuck";
import type { NodeServerStatus } from "../methods";
import type { NotifyStats } from "../notify/notifier";

type PromClient = typeof import("prom-client");

/** What the MonitorServer's monitors say (listMonitors): counters and how each one watches. */
export interface MonitorFigures {
  events: number;
  rescans: number;
  /** Monitors by backend (`native`, `poll`) and state. */
  monitors: { backend: string; state: string }[];
  /** Monitors polling because native (inotify) watching failed, not by choice. */
  withoutInotify: number;
}

export interface MetricsSources {
  ledger: () => LedgerMetrics | null;
  /** Every fileset not finished and the last importer run (ms): for stuck versus waiting. */
  pending?: () => { pending: ledgerShow.PendingFileset[]; lastRunMs: number | null } | null;
  /** The configured waits (from the node's current configuration). */
  rules?: () => WaitRules;
  servers: () => NodeServerStatus[];
  /** The node's and each running server's process figures (from /proc). */
  processes?: () => ProcessStats[];
  /** fs.inotify.max_user_watches, or null when unknown. */
  maxUserWatches?: () => number | null;
  /** The DropBox's problems by key (`ledger`, `watch:N`, `remote:...`); null: it does not answer. */
  health?: () => Record<string, string> | null;
  /** Watches: 1-based number, user. */
  watches?: () => { n: number; user: string }[];
  /** The MonitorServer's figures; null: unknown (it does not answer). */
  monitor: () => Promise<MonitorFigures | null>;
  notify: () => NotifyStats | null;
  /** 1 when OMERO answers the DropBox (omero importer), 0 while its queue is paused for OMERO; null: not the omero importer. */
  omeroUp?: () => number | null;
  /** The DropBox's remote MonitorServers (issue 13); undefined: none, or the DropBox does not answer. */
  remoteMonitors?: () => Promise<RemoteMonitor[] | undefined>;
  now?: () => number;
}

interface Value {
  labels?: Record<string, string | number>;
  value: number;
  metricName?: string;
}

type LedgerMetrics = ledgerShow.LedgerMetrics;
/** The duration histogram's bucket bounds (seconds); the ledger query counts runs per bound. */
const DURATION_BUCKETS = ledgerShow.DURATION_BUCKETS;

export class Metrics {
  private readonly prom: PromClient = require("prom-client");
  readonly registry = new this.prom.Registry();
  private snapshot: {
    ledger: LedgerMetrics | null;
    stuck: StuckSummary | null;
    servers: NodeServerStatus[];
    processes: ProcessStats[];
    monitor: MonitorFigures;
    notify: NotifyStats | null;
    remote: RemoteMonitor[];
    health: Record<string, string> | null;
  } | null = null;
  /** Last monitor counters seen: kept while the MonitorServer does not answer. */
  private lastMonitor: MonitorFigures = { events: 0, rescans: 0, monitors: [], withoutInotify: 0 };

  constructor(private readonly src: MetricsSources) {
    this.prom.collectDefaultMetrics({ register: this.registry, prefix: "omerofs_node_" });
    // prom-client names three gauges `..._total`, which Prometheus keeps for counters (`promtool
    // check metrics` fails); the same figures stay as omerofs_node_nodejs_active_{handles,requests,
    // resources}{type} (sum them for the total).
    for (const kind of ["handles", "requests", "resources"])
      this.registry.removeSingleMetric(`omerofs_node_nodejs_active_${kind}_total`);
    const l = () => this.snapshot?.ledger ?? null;
    this.define("omerofs_filesets", "Filesets (imports) in the ledger by state", "gauge", () =>
      Object.entries(l()?.filesets ?? {}).map(([state, value]) => ({ labels: { state }, value })),
    );
    this.define("omerofs_files", "Files in the ledger by state", "gauge", () =>
      Object.entries(l()?.files ?? {}).map(([state, value]) => ({ labels: { state }, value })),
    );
    this.define(
      "omerofs_imports_total",
      "Importer runs finished since the ledger was created, by result",
      "counter",
      () => {
        const a = l()?.attempts ?? { succeeded: 0, failed: 0 };
        return [
          { labels: { result: "succeeded" }, value: a.succeeded },
          { labels: { result: "failed" }, value: a.failed },
        ];
      },
    );
    this.define("omerofs_import_duration_seconds", "Duration of finished importer runs", "histogram", () => {
      const d = l()?.duration ?? { buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      const name = "omerofs_import_duration_seconds";
      return [
        ...DURATION_BUCKETS.map((le, i) => ({
          metricName: `${name}_bucket`,
          labels: { le },
          value: d.buckets[i] ?? 0,
        })),
        { metricName: `${name}_bucket`, labels: { le: "+Inf" }, value: d.count },
        { metricName: `${name}_sum`, value: d.sum },
        { metricName: `${name}_count`, value: d.count },
      ];
    });
    this.define("omerofs_import_queue_depth", "Filesets queued for import (state queued)", "gauge", () => [
      { value: l()?.filesets.queued ?? 0 },
    ]);
    this.define(
      "omerofs_oldest_waiting_seconds",
      "DEPRECATED (mixes filesets that legitimately wait with stuck ones; use omerofs_oldest_stuck_seconds and omerofs_oldest_legitimately_waiting_seconds): age of the oldest fileset waiting or queued; 0 when none",
      "gauge",
      () => {
        const t = l()?.oldestWaitingMs ?? null;
        const now = (this.src.now ?? Date.now)();
        return [{ value: t === null ? 0 : Math.max(0, (now - t) / 1000) }];
      },
    );
    const stuck = () => this.snapshot?.stuck ?? null;
    this.define(
      "omerofs_stuck_filesets",
      "Filesets past the time they should have moved on by (quiet period, incompleteWait, companionWait, their turn in a queue that does not move, importTimeout) plus a minute",
      "gauge",
      () => [{ value: stuck()?.stuck ?? 0 }],
    );
    this.define(
      "omerofs_oldest_stuck_seconds",
      "How long the most overdue stuck fileset is past its due time (0: none stuck)",
      "gauge",
      () => [{ value: stuck()?.oldestStuckSeconds ?? 0 }],
    );
    this.define(
      "omerofs_oldest_legitimately_waiting_seconds",
      "Age of the oldest fileset that waits within its time: files still to come (a plate, a companion), its quiet period, its turn in a moving queue, a running import",
      "gauge",
      () => [{ value: stuck()?.oldestWaitingSeconds ?? 0 }],
    );
    this.define("omerofs_server_up", "1 when the server runs (MonitorServer, DropBox), else 0", "gauge", () =>
      (this.snapshot?.servers ?? []).map((s) => ({ labels: { server: s.name }, value: s.state === "running" ? 1 : 0 })),
    );
    this.define(
      "omerofs_server_restarts_total",
      "Restarts of the server by the node since the node started",
      "counter",
      () => (this.snapshot?.servers ?? []).map((s) => ({ labels: { server: s.name }, value: s.restarts })),
    );
    const procs = () => this.snapshot?.processes ?? [];
    const perProcess = (f: (p: ProcessStats) => number | null) => () =>
      procs().flatMap((p) => {
        const v = f(p);
        return v === null ? [] : [{ labels: { server: p.server }, value: v }];
      });
    this.define(
      "omerofs_process_cpu_seconds_total",
      "CPU time (user and system) of each process: Node, MonitorServer, DropBox",
      "counter",
      perProcess((p) => p.cpuSeconds),
    );
    this.define(
      "omerofs_process_resident_memory_bytes",
      "Resident memory of each process",
      "gauge",
      perProcess((p) => p.residentBytes),
    );
    this.define(
      "omerofs_process_open_fds",
      "Open file descriptors of each process",
      "gauge",
      perProcess((p) => p.openFds),
    );
    this.define(
      "omerofs_process_start_time_seconds",
      "Start time of each process (Unix time)",
      "gauge",
      perProcess((p) => p.startTimeSeconds),
    );
    this.define(
      "omerofs_process_inotify_watches",
      "Inotify watches each process holds",
      "gauge",
      perProcess((p) => p.inotifyWatches),
    );
    this.define(
      "omerofs_inotify_max_user_watches",
      "The kernel's fs.inotify.max_user_watches (for all programs of this user)",
      "gauge",
      () => {
        const v = this.src.maxUserWatches?.() ?? null;
        return v === null ? [] : [{ value: v }];
      },
    );
    this.define(
      "omerofs_monitors",
      "The MonitorServer's monitors by backend (native: inotify; poll) and state",
      "gauge",
      () => {
        const n = new Map<string, number>();
        for (const m of this.snapshot?.monitor.monitors ?? [])
          n.set(`${m.backend}\0${m.state}`, (n.get(`${m.backend}\0${m.state}`) ?? 0) + 1);
        return [...n].map(([k, value]) => {
          const [backend, state] = k.split("\0");
          return { labels: { backend: backend!, state: state! }, value };
        });
      },
    );
    this.define(
      "omerofs_monitors_without_inotify",
      "Monitors polling because native (inotify) watching failed (out of watches, an unsupported file system), not by choice",
      "gauge",
      () => [{ value: this.snapshot?.monitor.withoutInotify ?? 0 }],
    );
    const health = () => this.snapshot?.health ?? null;
    this.define(
      "omerofs_ledger_writable",
      "1 unless the DropBox reports that it cannot write its ledger (disk full, read-only, I/O errors)",
      "gauge",
      () => [{ value: health()?.ledger === undefined ? 1 : 0 }],
    );
    this.define(
      "omerofs_watch_up",
      "1 when the watch's folder is there and watched, 0 when the DropBox reports a problem with it (missing folder, a monitor that cannot start)",
      "gauge",
      () =>
        health() === null
          ? []
          : (this.src.watches?.() ?? []).map((w) => ({
              labels: { watch: String(w.n), user: w.user },
              value: health()?.[`watch:${w.n}`] === undefined ? 1 : 0,
            })),
    );
    this.define(
      "omerofs_monitor_events_total",
      "File system events the MonitorServer published (since it started)",
      "counter",
      () => [{ value: this.snapshot?.monitor.events ?? 0 }],
    );
    this.define(
      "omerofs_monitor_rescans_total",
      "Rescan notices the MonitorServer published (since it started)",
      "counter",
      () => [{ value: this.snapshot?.monitor.rescans ?? 0 }],
    );
    const remote = () => this.snapshot?.remote ?? [];
    this.define(
      "omerofs_remote_monitor_up",
      "1 when the DropBox's remote MonitorServer (on a storage host) answers, else 0",
      "gauge",
      () => remote().map((r) => ({ labels: { control: r.control }, value: r.state === "connected" ? 1 : 0 })),
    );
    this.define(
      "omerofs_remote_monitor_last_contact_timestamp_seconds",
      "Unix time of the remote MonitorServer's last answer to the DropBox (0: never)",
      "gauge",
      () =>
        remote().map((r) => ({
          labels: { control: r.control },
          value: r.lastContact ? Date.parse(r.lastContact) / 1000 : 0,
        })),
    );
    this.define(
      "omerofs_omero_up",
      "1 when OMERO answers the DropBox (omero importer), 0 while its imports are paused for an OMERO outage",
      "gauge",
      () => {
        const up = this.src.omeroUp?.() ?? null;
        return up === null ? [] : [{ value: up }];
      },
    );
    const perChannel = (k: keyof NotifyStats) => () =>
      Object.entries(this.snapshot?.notify?.[k] ?? {}).map(([channel, value]) => ({ labels: { channel }, value }));
    this.define(
      "omerofs_notifications_pending",
      "Notifications waiting for delivery, by channel",
      "gauge",
      perChannel("pending"),
    );
    this.define(
      "omerofs_notifications_sent_total",
      "Notifications delivered since the node started, by channel",
      "counter",
      perChannel("sent"),
    );
    this.define(
      "omerofs_notification_failures_total",
      "Failed delivery tries since the node started, by channel (each is retried)",
      "counter",
      perChannel("failures"),
    );
  }

  private define(name: string, help: string, type: "gauge" | "counter" | "histogram", values: () => Value[]): void {
    this.registry.registerMetric({
      name,
      help,
      type,
      aggregator: "sum",
      get: async () => ({ name, help, type, aggregator: "sum", values: values() }),
    } as never);
  }

  /** The Prometheus text of every metric, from one consistent read of the sources. */
  async render(): Promise<{ contentType: string; body: string }> {
    const [m, remote] = await Promise.all([
      this.src.monitor().catch(() => null),
      (this.src.remoteMonitors?.() ?? Promise.resolve(undefined)).catch(() => undefined),
    ]);
    if (m) this.lastMonitor = m;
    const now = (this.src.now ?? Date.now)();
    const p = this.src.pending?.() ?? null;
    this.snapshot = {
      ledger: this.src.ledger(),
      stuck:
        p && this.src.rules
          ? summarize(p.pending, this.src.rules(), now, p.lastRunMs, this.src.omeroUp?.() === 0)
          : null,
      servers: this.src.servers(),
      processes: this.src.processes?.() ?? [],
      monitor: this.lastMonitor,
      notify: this.src.notify(),
      remote: remote ?? [],
      health: this.src.health?.() ?? null,
    };
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.snapshot = null;
    }
  }
}
