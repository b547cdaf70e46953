#!/usr/bin/env node
/*
 * Writes docs/monitoring/omero-fs-dashboard.json, the Grafana dashboard, from the panel list below
 * (one place to edit; the JSON is generated so its ids and grid positions stay consistent).
 * test/monitoring/monitoring.test.ts checks that the file is current, that every query parses
 * (promtool) and that every metric it names is one /metrics serves.
 *
 *   node scripts/monitoring/dashboard.js            # write the file
 *   node scripts/monitoring/dashboard.js --check    # exit 1 when the file is stale
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const OUT = path.join(__dirname, "..", "..", "docs", "monitoring", "omero-fs-dashboard.json");
const I = '{instance=~"$instance"}';
// Grafana's variable syntax, not a JavaScript template.
const DS = { type: "prometheus", uid: ["$", "{datasource}"].join("") };
const sel = (labels) => `{instance=~"$instance"${labels ? `, ${labels}` : ""}}`;

const upDown = [{ type: "value", options: { 0: { text: "DOWN", color: "red" }, 1: { text: "UP", color: "green" } } }];
/** [title, kind, width, [[expr, legend]], unit, extra] per row. */
const ROWS = [
  [
    "Health",
    [
      ["Servers", "stat", 6, [[`omerofs_server_up${I}`, "{{server}}"]], "none", { mappings: upDown }],
      [
        "Node answers scrapes",
        "stat",
        3,
        [[`up{job="omero-fs", instance=~"$instance"}`, "{{instance}}"]],
        "none",
        { mappings: upDown },
      ],
      ["OMERO (omero importer)", "stat", 3, [[`omerofs_omero_up${I}`, "OMERO"]], "none", { mappings: upDown }],
      ["Ledger writable", "stat", 3, [[`omerofs_ledger_writable${I}`, "ledger"]], "none", { mappings: upDown }],
      ["Watches", "stat", 3, [[`omerofs_watch_up${I}`, "{{watch}} {{user}}"]], "none", { mappings: upDown }],
      ["Storage hosts", "stat", 3, [[`omerofs_remote_monitor_up${I}`, "{{control}}"]], "none", { mappings: upDown }],
      [
        "Watches without inotify",
        "stat",
        3,
        [[`omerofs_monitors_without_inotify${I}`, "polling"]],
        "none",
        {
          thresholds: [
            { color: "green", value: null },
            { color: "red", value: 1 },
          ],
        },
      ],
    ],
  ],
  [
    "Imports",
    [
      ["Filesets by state", "timeseries", 12, [[`omerofs_filesets${I}`, "{{state}}"]], "none"],
      [
        "Importer runs per hour",
        "timeseries",
        12,
        [[`sum by (result) (increase(omerofs_imports_total${I}[1h]))`, "{{result}}"]],
        "none",
      ],
      [
        "Import duration",
        "timeseries",
        8,
        [
          [
            `histogram_quantile(0.5, sum by (le) (rate(omerofs_import_duration_seconds_bucket${I}[$__rate_interval])))`,
            "median",
          ],
          [
            `histogram_quantile(0.95, sum by (le) (rate(omerofs_import_duration_seconds_bucket${I}[$__rate_interval])))`,
            "95th percentile",
          ],
        ],
        "s",
      ],
      [
        "Stuck versus waiting",
        "timeseries",
        8,
        [
          [`omerofs_oldest_stuck_seconds${I}`, "most overdue stuck fileset, past its wait"],
          [`omerofs_oldest_legitimately_waiting_seconds${I}`, "oldest fileset waiting within its time"],
        ],
        "s",
      ],
      [
        "Queue and stuck filesets",
        "timeseries",
        8,
        [
          [`omerofs_import_queue_depth${I}`, "queued"],
          [`omerofs_stuck_filesets${I}`, "stuck"],
        ],
        "none",
      ],
      ["Files by state", "timeseries", 12, [[`omerofs_files${I}`, "{{state}}"]], "none"],
      [
        "Server restarts per hour",
        "timeseries",
        12,
        [[`increase(omerofs_server_restarts_total${I}[1h])`, "{{server}}"]],
        "none",
      ],
    ],
  ],
  [
    "Processes",
    [
      [
        "CPU",
        "timeseries",
        6,
        [[`rate(omerofs_process_cpu_seconds_total${I}[$__rate_interval])`, "{{server}}"]],
        "percentunit",
      ],
      ["Resident memory", "timeseries", 6, [[`omerofs_process_resident_memory_bytes${I}`, "{{server}}"]], "bytes"],
      ["Open files", "timeseries", 6, [[`omerofs_process_open_fds${I}`, "{{server}}"]], "none"],
      [
        "Inotify watches",
        "timeseries",
        6,
        [
          [`omerofs_process_inotify_watches${sel('server="MonitorServer"')}`, "MonitorServer"],
          [`omerofs_inotify_max_user_watches${I}`, "fs.inotify.max_user_watches"],
        ],
        "none",
      ],
    ],
  ],
  [
    "Events and notifications",
    [
      [
        "File events per second",
        "timeseries",
        8,
        [[`rate(omerofs_monitor_events_total${I}[$__rate_interval])`, "events"]],
        "none",
      ],
      ["Rescans per hour", "timeseries", 8, [[`increase(omerofs_monitor_rescans_total${I}[1h])`, "rescans"]], "none"],
      [
        "Notifications",
        "timeseries",
        8,
        [
          [`omerofs_notifications_pending${I}`, "pending {{channel}}"],
          [`increase(omerofs_notification_failures_total${I}[1h])`, "failed tries per hour {{channel}}"],
        ],
        "none",
      ],
    ],
  ],
];

function dashboard() {
  const panels = [];
  let id = 1;
  let y = 0;
  for (const [title, items] of ROWS) {
    panels.push({ id: id++, type: "row", title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    let rowH = 0;
    for (const [ptitle, type, w, targets, unit, extra = {}] of items) {
      const h = type === "stat" ? 4 : 8;
      if (x + w > 24) {
        x = 0;
        y += rowH;
        rowH = 0;
      }
      const thresholds = extra.thresholds ?? [
        { color: "red", value: null },
        { color: "green", value: 1 },
      ];
      panels.push({
        id: id++,
        type,
        title: ptitle,
        datasource: DS,
        gridPos: { h, w, x, y },
        fieldConfig: {
          defaults: {
            unit,
            ...(extra.mappings ? { mappings: extra.mappings } : {}),
            ...(type === "stat" ? { thresholds: { mode: "absolute", steps: thresholds } } : {}),
          },
          overrides: [],
        },
        options:
          type === "stat"
            ? {
                reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
                colorMode: "background",
                textMode: "value_and_name",
              }
            : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
        targets: targets.map(([expr, legend], i) => ({
          refId: String.fromCharCode(65 + i),
          datasource: DS,
          expr,
          legendFormat: legend,
        })),
      });
      x += w;
      rowH = Math.max(rowH, h);
    }
    y += rowH;
  }
  return {
    __inputs: [
      {
        name: "DS_PROMETHEUS",
        label: "Prometheus",
        type: "datasource",
        pluginId: "prometheus",
        pluginName: "Prometheus",
      },
    ],
    title: "omero-fs",
    uid: "omero-fs",
    description:
      "omero-fs (OMERO.dropbox and MonitorServer): health, imports, stuck versus waiting, processes. docs/monitoring/README.md",
    tags: ["omero", "omero-fs"],
    timezone: "utc",
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: "30s",
    time: { from: "now-24h", to: "now" },
    templating: {
      list: [
        { name: "datasource", type: "datasource", query: "prometheus", label: "Data source", current: {} },
        {
          name: "instance",
          type: "query",
          label: "Node",
          datasource: DS,
          query: { query: "label_values(omerofs_server_up, instance)", refId: "instance" },
          definition: "label_values(omerofs_server_up, instance)",
          includeAll: true,
          multi: true,
          refresh: 2,
          current: {},
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

const want = dashboard();
if (process.argv.includes("--check")) {
  // Compared as JSON: the file is laid out by the repository's formatter (biome).
  const now = fs.existsSync(OUT) ? JSON.parse(fs.readFileSync(OUT, "utf8")) : null;
  if (JSON.stringify(now) !== JSON.stringify(want)) {
    process.stderr.write(`${OUT} is stale: run node scripts/monitoring/dashboard.js\n`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(OUT, `${JSON.stringify(want, null, 2)}\n`);
  const biome = require.resolve("@biomejs/biome/bin/biome");
  spawnSync(process.execPath, [biome, "format", "--write", OUT], { stdio: "inherit" });
  process.stdout.write(`${OUT}\n`);
}
