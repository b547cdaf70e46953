import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Metrics } from "../../packages/cli/src/node/http/metrics";
import { promtool } from "../helpers/promtool";
import { REPO_ROOT, tempDir } from "../helpers/wait";

/**
 * docs/monitoring (issue 21): the alert rules load and their unit tests pass (promtool), the
 * example Prometheus configuration loads, and the Grafana dashboard is current, every query parses
 * and every metric it or a rule names is one /metrics serves.
 */

const DIR = path.join(REPO_ROOT, "docs", "monitoring");
const RULES = path.join(DIR, "omero-fs-alerts.yml");

/** Names not served by this build: `up` is Prometheus' own. */
const NOT_OURS = new Set(["up"]);

/** Every metric name /metrics serves (from the node's own Metrics class, with nothing to report). */
async function servedNames(): Promise<Set<string>> {
  const m = new Metrics({
    ledger: () => null,
    servers: () => [],
    monitor: async () => null,
    notify: () => null,
    omeroUp: () => 1,
  } as ConstructorParameters<typeof Metrics>[0]);
  const text = (await m.render()).body;
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const t = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!t) continue;
    names.add(t[1]!);
    if (t[2] === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(`${t[1]}${s}`);
  }
  return names;
}

const referenced = (expr: string) => [...expr.matchAll(/\b(omerofs_[a-z_]+|up)\b(?!\s*\()/g)].map((m) => m[1]!);

test("the alert rules load, and their unit tests pass", () => {
  const check = promtool(["check", "rules", RULES]);
  expect({ code: check.code, out: check.out }).toEqual({
    code: 0,
    out: expect.stringContaining("SUCCESS: 11 rules found"),
  });
  const t = promtool(["test", "rules", path.join(DIR, "omero-fs-alerts.test.yml")]);
  expect({ code: t.code, out: t.out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
  const cfg = promtool(["check", "config", path.join(DIR, "prometheus.yml")]);
  expect({ code: cfg.code, out: cfg.out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
});

test("the dashboard is current, its queries parse, and every metric named is served", async () => {
  const gen = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "monitoring", "dashboard.js"), "--check"], {
    encoding: "utf8",
  });
  expect({ code: gen.status, err: gen.stderr }).toEqual({ code: 0, err: "" });
  const dash = JSON.parse(fs.readFileSync(path.join(DIR, "omero-fs-dashboard.json"), "utf8")) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
  expect(exprs.length).toBeGreaterThan(20);
  // Grafana's variables as Prometheus sees them, then each query as a recording rule: promtool
  // parses it.
  const t = tempDir("omero-fs-dashboard-");
  try {
    const rules = [
      "groups:",
      "  - name: dashboard",
      "    rules:",
      ...exprs.flatMap((e, i) => [
        `      - record: dashboard:q${i}`,
        `        expr: ${JSON.stringify(e.expr.replaceAll("$instance", ".*").replaceAll("$__rate_interval", "5m"))}`,
      ]),
    ].join("\n");
    fs.writeFileSync(path.join(t.dir, "dashboard.yml"), `${rules}\n`);
    const r = promtool(["check", "rules", path.join(t.dir, "dashboard.yml")]);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
  } finally {
    t.cleanup();
  }
  const served = await servedNames();
  const ruleExprs = [...fs.readFileSync(RULES, "utf8").matchAll(/expr: (.+)/g)].map((m) => m[1]!);
  const unknown = [...exprs.map((e) => e.expr), ...ruleExprs]
    .flatMap(referenced)
    .filter((n) => !served.has(n) && !NOT_OURS.has(n));
  expect([...new Set(unknown)]).toEqual([]);
});
