/**
 * Which properties `omero-fs admin reload` (SIGHUP to the node) applies to the running servers,
 * and which only take effect at `omero-fs admin restart`: the one classification the reload, its
 * report and `config set`/`config unset` use (docs/ARCHITECTURE.md, "Reload").
 */
import { findProperty } from "./property-lookup";

/** Global properties the DropBox applies live (it reports them itself in its reload answer). */
export const DROPBOX_LIVE_GLOBALS: ReadonlySet<string> = new Set([
  "importConcurrency",
  "importRetries",
  "importTimeout",
  "maxFilesetSize",
  "changedAfterImport",
  "reimportModified",
  "rescanInterval",
  "existingFiles",
  // Only the watchDir of default watches derives from it: the DropBox re-creates those watches.
  "defaultDropBoxDir",
]);

/** Per-watch properties that choose the watch's MonitorServer: its link is made at start. */
export const WATCH_RESTART_KEYS: ReadonlySet<string> = new Set([
  "monitorControl",
  "monitorEvents",
  "monitorServerKey",
  "monitorPathMap",
]);

/**
 * Global properties the node applies live itself (HTTP server, notifier, log levels; the
 * MonitorServer's log level and roots, which it re-reads on the SIGHUP the node sends it).
 */
export const NODE_LIVE_GLOBALS: ReadonlySet<string> = new Set([
  "logLevel",
  "monitorRoots",
  "httpAddress",
  "httpToken",
  "notifyOn",
  "notifyUsers",
  "webUrl",
  "notifyWebhook",
  "notifySmtp",
  "notifyEmail",
  "notifyEmailFrom",
  "notifySmtpUser",
  "notifySmtpPasswordFile",
]);

/** The notification properties (and the OMERO.web links the mails carry): a change rebuilds the node's notifier. */
export const NOTIFY_GLOBALS: readonly string[] = [...NODE_LIVE_GLOBALS].filter(
  (k) => k.startsWith("notify") || k === "webUrl",
);

/**
 * "live": `omero-fs admin reload` applies it to the running servers; "restart": only `omero-fs
 * admin restart` does (endpoints, the importer and its OMERO settings, the monitor backend, log
 * file sizes, the MonitorServer a watch uses). Every other per-watch property is live. `key`: a full or short name.
 */
export function reloadClass(key: string): "live" | "restart" {
  const def = findProperty(key);
  const short = def?.short ?? key.replace(/^omero\.fs\./, "");
  if (def?.scope === "watch") return WATCH_RESTART_KEYS.has(short) ? "restart" : "live";
  return DROPBOX_LIVE_GLOBALS.has(short) || NODE_LIVE_GLOBALS.has(short) ? "live" : "restart";
}
