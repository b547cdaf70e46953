import * as path from "node:path";
import { MAX_BLOCK_EVENTS, MONITOR_DEFAULTS as M } from "@omero-fs/protocol";
import { defaultEndpoints } from "./home";

/** templates.xml spells booleans the Python way. */
const pyBool = (b: boolean) => (b ? "True" : "False");

/**
 * The one table of configuration properties. The loader, `config list|get|set|check`, the
 * did-you-mean suggestions and the README reference are all generated from it. Pure.
 */

/** How a raw string value is read. Per-watch properties apply the kind to each `;` slot. */
export type PropertyKind =
  | "users" // importUsers: `;` list of names
  | "dir" // an absolute directory ("" allowed where the default is computed)
  | "file" // an absolute file path or ""
  | "list" // `,` separated items, trimmed, empty items dropped
  | "eventTypes" // `,` list of Creation|Modification|Deletion, or All
  | "enum"
  | "bool"
  | "int"
  | "number"
  | "size" // bytes, optional K/M/G (KiB/MiB/GiB) suffix
  | "endpoint" // ipc://path or tcp://host:port
  | "listen" // host:port to listen on, or `off`
  | "curveKey" // a Z85 CURVE public key (40 characters) or an absolute path to a .pub file
  | "pathMap" // REMOTE=LOCAL, two absolute paths
  | "string";

export type PropertyScope = "watch" | "global";

export interface PropertyDef {
  /** Full name, e.g. "omero.fs.dirImportWait". */
  name: string;
  /** Short name: the key in WatchConfig / GlobalConfig, e.g. "dirImportWait". */
  short: string;
  scope: PropertyScope;
  kind: PropertyKind;
  /** The default as a raw string; a function where it depends on the home. */
  default: string | ((home: string) => string);
  /** One-line description for `config list` and the README. */
  description: string;
  /** Allowed values (enum, eventTypes). */
  allowed?: readonly string[];
  /** Inclusive lower bound for numbers. */
  min?: number;
  /** Inclusive upper bound for numbers. */
  max?: number;
  /** A duration in seconds: at most MAX_TIMER_SECONDS, the longest a Node timer waits. */
  seconds?: true;
  /** A duration where 0 means "never" and anything else must be at least this (no busy loop). */
  minUnlessZero?: number;
}

/** The longest delay a Node timer holds (2^31-1 ms); a longer one fires at once, every time. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** MAX_TIMER_MS in seconds (2147483.647 s, about 24.8 days): the maximum of every duration. */
export const MAX_TIMER_SECONDS = MAX_TIMER_MS / 1000;

export const EVENT_TYPES = ["Creation", "Modification", "Deletion"] as const;
export const PATH_MODES = ["Flat", "Recurse", "Follow"] as const;

/** Every property omero-fs reads, in the order `config list` and the README show them. */
export const PROPERTIES: readonly PropertyDef[] = [
  // Per-watch: OMERO's names and templates.xml defaults.
  {
    name: "omero.fs.importUsers",
    short: "importUsers",
    scope: "watch",
    kind: "users",
    default: "default",
    description:
      "`;` list: one watch per entry. `default` = one watch for everyone (each top-level folder under watchDir names a user); any other name = every file in that watchDir is imported as that user",
  },
  {
    name: "omero.fs.watchDir",
    short: "watchDir",
    scope: "watch",
    kind: "dir",
    default: "",
    description:
      "Absolute directory to watch. Empty: <omero.data.dir>/<defaultDropBoxDir> for `default`, <omero.data.dir>/<defaultDropBoxDir>/<user> for a named user",
  },
  {
    name: "omero.fs.eventTypes",
    short: "eventTypes",
    scope: "watch",
    kind: "eventTypes",
    default: M.eventTypes.join(","),
    allowed: [...EVENT_TYPES, "All"],
    description: "`,` list of Creation, Modification, Deletion; All = every type",
  },
  {
    name: "omero.fs.pathMode",
    short: "pathMode",
    scope: "watch",
    kind: "enum",
    default: M.pathMode,
    allowed: PATH_MODES,
    description:
      "Flat: the directory only; Recurse: existing subdirectories only; Follow: all, including new subdirectories",
  },
  {
    name: "omero.fs.whitelist",
    short: "whitelist",
    scope: "watch",
    kind: "list",
    default: M.whitelist.join(","),
    description: "`,` list of file extensions to import (e.g. .tif); empty = all",
  },
  {
    name: "omero.fs.blacklist",
    short: "blacklist",
    scope: "watch",
    kind: "list",
    default: M.blacklist.join(","),
    description: "`,` list of subdirectories to ignore (absolute, or relative to watchDir)",
  },
  {
    name: "omero.fs.timeout",
    short: "timeout",
    scope: "watch",
    kind: "number",
    default: M.timeout.toFixed(1),
    min: 0,
    seconds: true,
    minUnlessZero: 60,
    description: "Seconds after which a one-shot monitor stops (0 = never, else at least 60)",
  },
  {
    name: "omero.fs.blockSize",
    short: "blockSize",
    scope: "watch",
    kind: "int",
    default: String(M.blockSize),
    min: 0,
    description: `Events per published block; 0 = everything pending, in blocks of at most ${MAX_BLOCK_EVENTS.toLocaleString("en-US")} (larger values are capped at ${MAX_BLOCK_EVENTS.toLocaleString("en-US")} too)`,
  },
  {
    name: "omero.fs.ignoreSysFiles",
    short: "ignoreSysFiles",
    scope: "watch",
    kind: "bool",
    default: pyBool(M.ignoreSysFiles),
    description:
      "Ignore dot files and editor/OS temporaries (.DS_Store, Thumbs.db, ~ backups, .nfs*, partial downloads)",
  },
  {
    name: "omero.fs.ignoreDirEvents",
    short: "ignoreDirEvents",
    scope: "watch",
    kind: "bool",
    default: pyBool(M.ignoreDirEvents),
    description: "Do not publish events for directories themselves",
  },
  {
    name: "omero.fs.dirImportWait",
    short: "dirImportWait",
    scope: "watch",
    kind: "number",
    default: "60",
    min: 0,
    seconds: true,
    description: "Seconds with no new event for any file of a fileset before it is imported",
  },
  {
    name: "omero.fs.fileBatch",
    short: "fileBatch",
    scope: "watch",
    kind: "int",
    default: "10",
    min: 1,
    description: "Most files one wait collects before it is flushed",
  },
  {
    name: "omero.fs.throttleImport",
    short: "throttleImport",
    scope: "watch",
    kind: "number",
    default: "10",
    min: 0,
    seconds: true,
    description: "Minimum seconds between two import starts of this watch",
  },
  {
    name: "omero.fs.readers",
    short: "readers",
    scope: "watch",
    kind: "file",
    default: "",
    description:
      "Absolute path of a readers.txt-format file (one Bio-Formats reader class per line) narrowing the formats; empty = the full catalogue",
  },
  {
    name: "omero.fs.importArgs",
    short: "importArgs",
    scope: "watch",
    kind: "string",
    default: "",
    description: 'Extra arguments for the omero importer, split like a POSIX shell (e.g. -T "regex:...")',
  },
  {
    name: "omero.fs.settleTime",
    short: "settleTime",
    scope: "watch",
    kind: "number",
    default: "2",
    min: 0,
    seconds: true,
    description: "Seconds a file must stay closed for writing with unchanged size and mtime before it is imported",
  },
  {
    name: "omero.fs.importWhenComplete",
    short: "importWhenComplete",
    scope: "watch",
    kind: "bool",
    default: "true",
    description:
      "Import a fileset proven complete (its entry lists every member) after settleTime instead of dirImportWait",
  },
  {
    name: "omero.fs.companionWait",
    short: "companionWait",
    scope: "watch",
    kind: "number",
    default: "600",
    min: 0,
    seconds: true,
    description:
      "Seconds a file a later companion could claim (Micro-Manager TIFF, MetaMorph plane) waits for it before it is imported as what it is",
  },
  {
    name: "omero.fs.incompleteWait",
    short: "incompleteWait",
    scope: "watch",
    kind: "number",
    default: "86400",
    min: 0,
    seconds: true,
    description:
      "Seconds a fileset whose entry lists members still missing (a plate) waits after its last file arrived; then it is incomplete, never imported half, until omero-fs imports release ID",
  },
  {
    name: "omero.fs.completeMarker",
    short: "completeMarker",
    scope: "watch",
    kind: "string",
    default: "",
    description:
      "File name (e.g. .done, COMPLETE) that, in a folder or as <entry><marker>, declares its filesets complete; never imported",
  },
  // Global: omero-fs's own settings (docs/ARCHITECTURE.md, "Processes" and "Wire protocol").
  {
    name: "omero.fs.monitorControl",
    short: "monitorControl",
    scope: "watch",
    kind: "endpoint",
    default: "",
    description:
      "`;` list: the control endpoint of the MonitorServer that watches this watchDir (tcp://storagehost:PORT); empty = the MonitorServer this node runs (omero.fs.monitorBindControl)",
  },
  {
    name: "omero.fs.monitorEvents",
    short: "monitorEvents",
    scope: "watch",
    kind: "endpoint",
    default: "",
    description:
      "`;` list: the event endpoint of that MonitorServer; set in the same slots as omero.fs.monitorControl (empty = the local one)",
  },
  {
    name: "omero.fs.monitorServerKey",
    short: "monitorServerKey",
    scope: "watch",
    kind: "curveKey",
    default: "",
    description:
      "`;` list: the remote MonitorServer's CURVE public key (40 Z85 characters, or the path of its server.pub from `omero-fs curve keygen server`: absolute, or relative to etc/curve); needed for a tcp:// monitorControl unless omero.fs.insecureTcp=true",
  },
  {
    name: "omero.fs.monitorPathMap",
    short: "monitorPathMap",
    scope: "watch",
    kind: "pathMap",
    default: "",
    description:
      "`;` list of REMOTE=LOCAL: the remote MonitorServer sees LOCAL (this host's path, where watchDir is) as REMOTE; monitors are created on REMOTE paths and event paths are mapped back; empty = same paths",
  },
  {
    name: "omero.data.dir",
    short: "dataDir",
    scope: "global",
    kind: "dir",
    default: (home) => path.join(home, "data"),
    description: "Data directory: holds the default DropBox and the embedded importer's ManagedRepository",
  },
  {
    name: "omero.fs.defaultDropBoxDir",
    short: "defaultDropBoxDir",
    scope: "global",
    kind: "string",
    default: "DropBox",
    description: "Folder under omero.data.dir watched by a `default` watch with an empty watchDir",
  },
  {
    name: "omero.fs.importer",
    short: "importer",
    scope: "global",
    kind: "enum",
    default: "local",
    allowed: ["local", "omero", "exec"],
    description:
      "local: embedded importer into <omero.data.dir>/ManagedRepository; omero: runs `omero import`; exec: runs execCommand",
  },
  {
    name: "omero.fs.importConcurrency",
    short: "importConcurrency",
    scope: "global",
    kind: "int",
    default: "1",
    min: 1,
    description: "Most imports running at once (fairly shared across users)",
  },
  {
    name: "omero.fs.importRetries",
    short: "importRetries",
    scope: "global",
    kind: "int",
    default: "3",
    min: 0,
    description: "Retries (with backoff) of a failed import before it stays failed",
  },
  {
    name: "omero.fs.importTimeout",
    short: "importTimeout",
    scope: "global",
    kind: "number",
    default: "3600",
    min: 1,
    seconds: true,
    description: "Seconds one importer run may take before it is killed and counted as failed",
  },
  {
    name: "omero.fs.rescanInterval",
    short: "rescanInterval",
    scope: "global",
    kind: "number",
    default: "3600",
    min: 0,
    seconds: true,
    minUnlessZero: 60,
    description: "Seconds between safety-net reconciliations of every watch tree (0 = never, else at least 60)",
  },
  {
    name: "omero.fs.changedAfterImport",
    short: "changedAfterImport",
    scope: "global",
    kind: "enum",
    default: "log",
    allowed: ["log", "ignore", "reimport"],
    description:
      "A file changed after its import, or a late member of an imported fileset: log (listed in `files list` and logged once), ignore (listed only), reimport (imported again as a new fileset)",
  },
  {
    name: "omero.fs.existingFiles",
    short: "existingFiles",
    scope: "global",
    kind: "enum",
    default: "skip",
    allowed: ["skip", "import"],
    description:
      "Files already in a watch folder when omero-fs first walks it (a new install, a new watch, a lost ledger): skip (recorded as `existing`, not imported; `omero-fs dropbox import-existing [PATH]` imports them) or import",
  },
  {
    name: "omero.fs.reimportModified",
    short: "reimportModified",
    scope: "global",
    kind: "bool",
    default: "false",
    description:
      "Deprecated alias: true = omero.fs.changedAfterImport=reimport (changedAfterImport wins when both are set)",
  },
  {
    name: "omero.fs.monitorBindControl",
    short: "monitorBindControl",
    scope: "global",
    kind: "endpoint",
    default: (home) => defaultEndpoints(home).monitorControl,
    description:
      "Where the MonitorServer this node runs binds its control ROUTER (watches with an empty omero.fs.monitorControl slot connect here); tcp://0.0.0.0:PORT on a storage host",
  },
  {
    name: "omero.fs.monitorBindEvents",
    short: "monitorBindEvents",
    scope: "global",
    kind: "endpoint",
    default: (home) => defaultEndpoints(home).monitorEvents,
    description: "Where the MonitorServer this node runs binds its event PUB (see monitorBindControl)",
  },
  {
    name: "omero.fs.dropboxControl",
    short: "dropboxControl",
    scope: "global",
    kind: "endpoint",
    default: (home) => defaultEndpoints(home).dropboxControl,
    description: "DropBox control endpoint",
  },
  {
    name: "omero.fs.nodeControl",
    short: "nodeControl",
    scope: "global",
    kind: "endpoint",
    default: (home) => defaultEndpoints(home).nodeControl,
    description: "Node (supervisor) control endpoint",
  },
  {
    name: "omero.fs.insecureTcp",
    short: "insecureTcp",
    scope: "global",
    kind: "bool",
    default: "false",
    description: "Allow tcp:// endpoints without CURVE encryption",
  },
  {
    name: "omero.fs.watchBackend",
    short: "watchBackend",
    scope: "global",
    kind: "enum",
    default: "auto",
    allowed: ["auto", "native", "poll"],
    description: "native: OS events; poll: snapshots every pollInterval; auto: native, poll where native cannot work",
  },
  {
    name: "omero.fs.pollInterval",
    short: "pollInterval",
    scope: "global",
    kind: "number",
    default: "2",
    min: 0.1,
    seconds: true,
    description: "Seconds between snapshots of the poll backend",
  },
  {
    name: "omero.fs.logLevel",
    short: "logLevel",
    scope: "global",
    kind: "enum",
    default: "info",
    allowed: ["error", "warn", "info", "debug"],
    description: "Log level of the servers' var/log files",
  },
  {
    name: "omero.fs.logMaxSize",
    short: "logMaxSize",
    scope: "global",
    kind: "size",
    default: "10M",
    min: 1024,
    description: "Rotate a log file at this size (bytes; K, M, G suffixes are powers of 1024)",
  },
  {
    name: "omero.fs.logMaxFiles",
    short: "logMaxFiles",
    scope: "global",
    kind: "int",
    default: "5",
    min: 1,
    description: "Rotated log files kept",
  },
  {
    name: "omero.fs.logConsoleFormat",
    short: "logConsoleFormat",
    scope: "global",
    kind: "enum",
    default: "text",
    allowed: ["text", "json"],
    description:
      "What `admin start --foreground` writes to stderr (journald, docker logs): the lines of all three servers as in var/log (text), or one JSON object per line for log shippers (json)",
  },
  {
    name: "omero.fs.omeroBin",
    short: "omeroBin",
    scope: "global",
    kind: "string",
    default: "omero",
    description: "omero importer: the OMERO CLI to run (name on PATH or absolute path)",
  },
  {
    name: "omero.fs.omeroServer",
    short: "omeroServer",
    scope: "global",
    kind: "string",
    default: "localhost",
    description: "omero importer: OMERO server host",
  },
  {
    name: "omero.fs.omeroPort",
    short: "omeroPort",
    scope: "global",
    kind: "int",
    default: "4064",
    min: 1,
    max: 65535,
    description: "omero importer: OMERO server port",
  },
  {
    name: "omero.fs.omeroAdmin",
    short: "omeroAdmin",
    scope: "global",
    kind: "string",
    default: "root",
    description: "omero importer: the admin user for --sudo",
  },
  {
    name: "omero.fs.omeroPasswordFile",
    short: "omeroPasswordFile",
    scope: "global",
    kind: "file",
    default: "",
    description:
      "omero importer: absolute path of a file holding the admin password (else $OMERO_FS_OMERO_PASSWORD; never in config.json)",
  },
  {
    name: "omero.fs.execCommand",
    short: "execCommand",
    scope: "global",
    kind: "string",
    default: "",
    description: "exec importer: argv template split like a shell (no shell runs); {entry} {user} {files} placeholders",
  },
  // The node's HTTP server and notifications (issue 12; packages/cli/README.md).
  {
    name: "omero.fs.httpAddress",
    short: "httpAddress",
    scope: "global",
    kind: "listen",
    default: "127.0.0.1:4095",
    description:
      "host:port of the node's read-only HTTP server (status page, /api, /metrics); `off` disables it. Anything but loopback needs httpToken",
  },
  {
    name: "omero.fs.httpToken",
    short: "httpToken",
    scope: "global",
    kind: "string",
    default: "",
    description:
      "Bearer token the HTTP server requires (Authorization: Bearer <token>); required unless httpAddress is loopback. Prefer $OMERO_FS_HTTP_TOKEN",
  },
  {
    name: "omero.fs.notifyOn",
    short: "notifyOn",
    scope: "global",
    kind: "enum",
    default: "failed",
    allowed: ["failed", "all"],
    description: "Notify when a fileset ends failed (after its retries), or also when one is imported (all)",
  },
  {
    name: "omero.fs.notifyWebhook",
    short: "notifyWebhook",
    scope: "global",
    kind: "string",
    default: "",
    description: 'http(s) URL that gets a POST {"event", "fileset"} per notification; empty = none',
  },
  {
    name: "omero.fs.notifySmtp",
    short: "notifySmtp",
    scope: "global",
    kind: "string",
    default: "",
    description:
      "Mail server for notifications: smtp://host:port (STARTTLS when offered) or smtps://host:port; empty = no e-mail",
  },
  {
    name: "omero.fs.notifyEmail",
    short: "notifyEmail",
    scope: "global",
    kind: "list",
    default: "",
    description: "`,` list of addresses notification e-mails go to (the facility's)",
  },
  {
    name: "omero.fs.notifyEmailFrom",
    short: "notifyEmailFrom",
    scope: "global",
    kind: "string",
    default: "",
    description: "From: address of notification e-mails; empty = omero-fs@<host name>",
  },
  {
    name: "omero.fs.notifySmtpUser",
    short: "notifySmtpUser",
    scope: "global",
    kind: "string",
    default: "",
    description: "User for SMTP authentication; empty = none",
  },
  {
    name: "omero.fs.notifySmtpPasswordFile",
    short: "notifySmtpPasswordFile",
    scope: "global",
    kind: "file",
    default: "",
    description: "Absolute path of a file holding the SMTP password (never in config.json)",
  },
];

/**
 * OMERO properties that exist in its templates.xml but mean nothing to omero-fs (Ice wiring, the
 * root session, the per-import session). Accepted so a whole OMERO file loads; listed as notes.
 */
export const OMERO_UNUSED_PROPERTIES: readonly string[] = [
  "omero.fs.host",
  "omero.fs.port",
  "omero.fs.maxRetries",
  "omero.fs.retryInterval",
  "omero.fs.timeToLive",
  "omero.fs.timeToIdle",
  "omero.fs.platformCheck",
  "omero.fs.serverIdString",
  "omero.fs.clientIdString",
  "omero.fs.clientAdapterName",
  "omero.fs.monitorServerIdString",
  "omero.fs.monitorServerAdapterName",
  "omero.fs.fileServerIdString",
  "omero.fs.fileServerAdapterName",
];

/** Never a property: the password is read from omeroPasswordFile or $OMERO_FS_OMERO_PASSWORD only. */
export const PASSWORD_PROPERTY = "omero.fs.omeroPassword";
