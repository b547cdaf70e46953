/**
 * A monitor's options, resolved once: the server's settings (config, in seconds as OMERO's
 * properties are) and the createMonitor params (timeout in seconds) become milliseconds here and
 * nowhere else. Defaults are not defined here: createMonitor's come from @omero-fs/protocol
 * (withMonitorDefaults), the server's from @omero-fs/config, the pipeline's from DEFAULT_TIMINGS.
 */
import type { MonitorParams } from "@omero-fs/protocol";
import type { PipelineTimings } from "./policy";

/** What the server passes every monitor (config values, as configured). */
export interface ServerSettings {
  watchBackend: "auto" | "native" | "poll";
  /** The native watcher (core/policy.ts chooseWatcher). */
  watcher: "dirs" | "parcel";
  /** omero.fs.pollInterval, seconds. */
  pollInterval: number;
  timings: PipelineTimings;
}

export interface MonitorOptions {
  watchBackend: "auto" | "native" | "poll";
  watcher: "dirs" | "parcel";
  pollIntervalMs: number;
  /** One-shot monitor: stop this long after the start; 0 = never. */
  timeoutMs: number;
  /** How often a watch directory that vanished is looked for. */
  rootCheckMs: number;
  timings: PipelineTimings;
}

/** A missing watch directory is looked for at least this often (or every poll, when faster). */
export const ROOT_CHECK_MS = 500;

export function resolveMonitorOptions(s: ServerSettings, params: Pick<MonitorParams, "timeout">): MonitorOptions {
  const pollIntervalMs = Math.round(s.pollInterval * 1000);
  return {
    watchBackend: s.watchBackend,
    watcher: s.watcher,
    pollIntervalMs,
    timeoutMs: Math.round(params.timeout * 1000),
    rootCheckMs: Math.min(ROOT_CHECK_MS, pollIntervalMs),
    timings: s.timings,
  };
}
