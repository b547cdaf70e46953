/**
 * The status page's health bar (issue 21): one item per part a facility manager asks about (the
 * node, each server, OMERO when the omero importer is used, the ledger, each watch, each storage
 * host), each ok, warn, bad or off with one sentence. Pure: facts the node has, and `now`.
 */

export type Level = "ok" | "warn" | "bad" | "off";

export interface HealthItem {
  key: string;
  label: string;
  level: Level;
  text: string;
}

/** OMERO as the DropBox sees it (its `status` control result, field `omero`). */
export interface OmeroHealth {
  up: boolean;
  /** Since when it has been up or down (ms). */
  since: number;
  reason: string | null;
  /** Last check (ms). */
  checkedAt: number;
  /** What is wrong while down (absent from an older DropBox: shown as unreachable). */
  kind?: "unreachable" | "login-refused" | "server-error" | null;
  /** While down: when the DropBox asks OMERO again (ms; absent from an older DropBox). */
  nextProbeAt?: number | null;
}

export interface ServerFacts {
  name: string;
  enabled: boolean;
  state: string;
  pid: number | null;
  reason?: string | null;
}

export interface HealthFacts {
  node: { pid: number; startedMs: number };
  servers: ServerFacts[];
  importer: string;
  /**
   * The DropBox's view of OMERO: undefined when the DropBox was not asked or did not answer; null
   * when it has not checked yet.
   */
  omero: OmeroHealth | null | undefined;
  ledger: { path: string; exists: boolean };
  /** The DropBox's problems by key (`ledger`, `watch:N`); null when it does not run. */
  checks: Record<string, string> | null;
  watches: { n: number; user: string; watchDir: string }[];
  remote: { control: string; state: string; lastContact: string | null; watches: number[] }[];
}

const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;
const hhmmss = (ms: number) => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

const OMERO_DOWN = { unreachable: "unreachable", "login-refused": "login refused", "server-error": "server error" };

/** OMERO down: what, since when, why, that the queue is paused (not failing) and when it is asked again. */
function omeroDownText(o: OmeroHealth, now: number): string {
  const next =
    o.nextProbeAt == null
      ? ""
      : o.nextProbeAt > now
        ? `; asked again at ${hhmmss(o.nextProbeAt)}`
        : "; being asked now";
  return `${OMERO_DOWN[o.kind ?? "unreachable"]} since ${hhmm(o.since)}${o.reason ? `: ${o.reason}` : ""}; imports paused (none counted as failed)${next}`;
}

function serverItem(s: ServerFacts): HealthItem {
  const base = { key: `server:${s.name}`, label: s.name };
  const why = s.reason ? `: ${s.reason}` : "";
  if (!s.enabled) return { ...base, level: "off", text: "disabled (omero-fs admin ice server enable)" };
  switch (s.state) {
    case "running":
      return { ...base, level: "ok", text: `running (pid ${s.pid})` };
    case "degraded":
      return { ...base, level: "warn", text: `running, degraded${why}` };
    case "starting":
      return { ...base, level: "warn", text: `starting${why}` };
    case "stopped":
      return {
        ...base,
        level: "bad",
        text:
          s.name === "DropBox"
            ? "stopped: nothing is imported until it runs (omero-fs admin ice server start DropBox)"
            : "stopped: no file events (omero-fs admin ice server start MonitorServer)",
      };
    default:
      return { ...base, level: "bad", text: `${s.state}${why}` };
  }
}

/** The health bar, in order: node, servers, OMERO, ledger, watches, storage hosts. */
export function healthItems(f: HealthFacts, now: number): HealthItem[] {
  const items: HealthItem[] = [
    { key: "node", label: "Node", level: "ok", text: `running since ${hhmm(f.node.startedMs)} (pid ${f.node.pid})` },
    ...f.servers.map(serverItem),
  ];
  const dropbox = f.servers.find((s) => s.name === "DropBox");
  const dropboxRuns = dropbox?.state === "running" || dropbox?.state === "degraded";
  if (f.importer === "omero") {
    const o = f.omero;
    items.push(
      o === undefined
        ? { key: "omero", label: "OMERO", level: "warn", text: "unknown: the DropBox does not answer" }
        : o === null
          ? { key: "omero", label: "OMERO", level: "warn", text: "not checked yet" }
          : o.up
            ? { key: "omero", label: "OMERO", level: "ok", text: `reachable (checked ${hhmm(o.checkedAt)})` }
            : { key: "omero", label: "OMERO", level: "bad", text: omeroDownText(o, now) },
    );
  }
  const ledgerProblem = f.checks?.ledger;
  items.push(
    ledgerProblem
      ? { key: "ledger", label: "Ledger", level: "bad", text: ledgerProblem }
      : !f.ledger.exists
        ? { key: "ledger", label: "Ledger", level: "warn", text: `not created yet (${f.ledger.path})` }
        : dropboxRuns
          ? { key: "ledger", label: "Ledger", level: "ok", text: "written" }
          : { key: "ledger", label: "Ledger", level: "warn", text: "not written: the DropBox is not running" },
  );
  for (const w of f.watches) {
    const key = `watch:${w.n}`;
    const label = `Watch ${w.n} (${w.user})`;
    const problem = f.checks?.[key];
    items.push(
      problem
        ? { key, label, level: "bad", text: problem }
        : dropboxRuns
          ? { key, label, level: "ok", text: `watching ${w.watchDir}` }
          : { key, label, level: "bad", text: `not watched: the DropBox is not running (${w.watchDir})` },
    );
  }
  for (const r of f.remote) {
    const seen = r.lastContact ? Date.parse(r.lastContact) : null;
    items.push({
      key: `remote:${r.control}`,
      label: `Storage host ${r.control}`,
      level: r.state === "connected" ? "ok" : "bad",
      text:
        r.state === "connected"
          ? `connected (watch ${r.watches.join(", ")})`
          : `unreachable${seen ? ` since ${hhmm(seen)} (${Math.round((now - seen) / 60_000)} min)` : ", never answered"}: files written there are found by rescans, late`,
    });
  }
  return items;
}
