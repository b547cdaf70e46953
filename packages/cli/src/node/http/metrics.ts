/**
 * GET /metrics: Prometheus text (prom-client). Ledger figures are read at scrape time through the
 * read-only view; counters that come from the ledger (imports_total, import_duration_seconds) count
 * every importer run since the ledger was created, so they only grow. Server figures come from the
 * supervisor, monitor counters from the MonitorServer's listMonitors, remote MonitorServers from
 * the DropBox's `status`.
 */
import { ledgerShow } from "@omero-fs/dropbox/ledger";
import type { RemoteMonitor } from "@omero-fs/protocol";
import type { NodeServerStatus } from "../methods";
import type { NotifyStats } from "../notify/notifier";

type PromClient = typeof import("prom-client");

export interface MetricsSources {
  ledger: () => LedgerMetrics | null;
  servers: () => NodeServerStatus[];
  /** Sum over the MonitorServer's monitors of eventsPublished / rescansPublished; null: unknown. */
  monitor: () => Promise<{ events: number; rescans: number } | null>;
  notify: () => NotifyStats | null;
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
    servers: NodeServerStatus[];
    monitor: { events: number; rescans: number };
    notify: NotifyStats | null;
    remote: RemoteMonitor[];
  } | null = null;
  /** Last monitor counters seen: kept while the MonitorServer does not answer. */
  private lastMonitor = { events: 0, rescans: 0 };

  constructor(private readonly src: MetricsSources) {
    this.prom.collectDefaultMetrics({ register: this.registry, prefix: "omerofs_node_" });
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
      "Age of the oldest fileset waiting for its import (state waiting or queued); 0 when none",
      "gauge",
      () => {
        const t = l()?.oldestWaitingMs ?? null;
        const now = (this.src.now ?? Date.now)();
        return [{ value: t === null ? 0 : Math.max(0, (now - t) / 1000) }];
      },
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
    this.snapshot = {
      ledger: this.src.ledger(),
      servers: this.src.servers(),
      monitor: this.lastMonitor,
      notify: this.src.notify(),
      remote: remote ?? [],
    };
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.snapshot = null;
    }
  }
}
