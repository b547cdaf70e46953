import { z } from "zod";

/** One watch: one slot of the `omero.fs.*` `;` lists (one entry of importUsers). */
export const WatchConfigSchema = z.object({
  /** 0-based slot number in the `;` lists. */
  index: z.number().int().min(0),
  /** "default" (each top-level folder under watchDir names a user) or one OMERO user name. */
  user: z.string().min(1),
  /** Absolute path. For "default" with an empty slot: <dataDir>/<defaultDropBoxDir>. */
  watchDir: z.string().min(1),
  eventTypes: z.array(z.enum(["Creation", "Modification", "Deletion"])).min(1),
  pathMode: z.enum(["Flat", "Recurse", "Follow"]),
  whitelist: z.array(z.string()),
  blacklist: z.array(z.string()),
  timeout: z.number().min(0),
  blockSize: z.number().int().min(0),
  ignoreSysFiles: z.boolean(),
  ignoreDirEvents: z.boolean(),
  /** Seconds of quiet before a fileset is imported. */
  dirImportWait: z.number().min(0),
  fileBatch: z.number().int().min(1),
  /** Minimum seconds between import starts of this watch. */
  throttleImport: z.number().min(0),
  /** Absolute path of a readers.txt-format file, or "" for the site default catalogue. */
  readers: z.string(),
  /** Raw importArgs string (split like a POSIX shell when used). */
  importArgs: z.string(),
  /** omero importer: OMERO's --transfer (upload, or an in-place mode). */
  transfer: z.enum(["upload", "ln_s", "ln", "ln_rm", "cp", "cp_rm", "upload_rm"]),
  /** Seconds a member's size and mtime must stay unchanged (and closed for writing) before import. */
  settleTime: z.number().min(0),
  /** Import a proven-complete fileset after settleTime instead of dirImportWait. */
  importWhenComplete: z.boolean(),
  /** Seconds a file a companion could still claim (Micro-Manager, MetaMorph) waits for it. */
  companionWait: z.number().min(0),
  /** Seconds a fileset with listed members still missing waits after its last file arrived (then incomplete). */
  incompleteWait: z.number().min(0),
  /** File name declaring a folder's filesets complete ("" = none). */
  completeMarker: z.string(),
  /** Control endpoint of the MonitorServer of this watch; "" = the one this node runs (monitorBindControl). */
  monitorControl: z.string(),
  /** Event endpoint of that MonitorServer; "" exactly when monitorControl is "". */
  monitorEvents: z.string(),
  /** The remote MonitorServer's Z85 public key, or an absolute path to its .pub ("" = none). */
  monitorServerKey: z.string(),
  /** The remote MonitorServer's path (remote) for this host's path (local); null = the same paths. */
  monitorPathMap: z.object({ remote: z.string(), local: z.string() }).nullable(),
});
export type WatchConfig = z.infer<typeof WatchConfigSchema>;

export const ImporterKindSchema = z.enum(["local", "omero", "exec"]);
export type ImporterKind = z.infer<typeof ImporterKindSchema>;

export const LogLevelSchema = z.enum(["error", "warn", "info", "debug"]);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** Settings that are not per-watch. */
export const GlobalConfigSchema = z.object({
  home: z.string(),
  /** omero.data.dir: default <home>/data. */
  dataDir: z.string(),
  defaultDropBoxDir: z.string(),
  importer: ImporterKindSchema,
  importConcurrency: z.number().int().min(1),
  importRetries: z.number().int().min(0),
  /** Seconds one importer run may take before it is killed and counted as failed. */
  importTimeout: z.number().min(1),
  /** Bytes; a larger fileset is not imported (0: no limit). */
  maxFilesetSize: z.number().int().min(0),
  /** Seconds between safety-net reconciliations; 0 disables. */
  rescanInterval: z.number().min(0),
  /** What a change after import does (omero.fs.changedAfterImport; reimportModified=true is its alias for reimport). */
  changedAfterImport: z.enum(["log", "ignore", "reimport"]),
  /** Files already present at the first walk of a watch: skip (state `existing`) or import. */
  existingFiles: z.enum(["skip", "import"]),
  /** Deprecated: read into changedAfterImport by resolveConfig. */
  reimportModified: z.boolean(),
  /** Where the MonitorServer this node runs binds (control ROUTER, event PUB). */
  monitorBindControl: z.string(),
  monitorBindEvents: z.string(),
  /** Folders the MonitorServer this node runs may watch and list; [] = this home's watch folders. */
  monitorRoots: z.array(z.string()),
  dropboxControl: z.string(),
  nodeControl: z.string(),
  insecureTcp: z.boolean(),
  watchBackend: z.enum(["auto", "native", "poll"]),
  pollInterval: z.number().min(0.1),
  logLevel: LogLevelSchema,
  logMaxSize: z.number().int().min(1024),
  logMaxFiles: z.number().int().min(1),
  logConsoleFormat: z.enum(["text", "json"]),
  omeroBin: z.string(),
  omeroServer: z.string(),
  omeroPort: z.number().int().min(1).max(65535),
  omeroAdmin: z.string(),
  omeroPasswordFile: z.string(),
  /** omero importer: confirm each fileset with `omero import -f` before importing it. */
  confirmFilesets: z.boolean(),
  /** exec importer: argv template, split like a shell; {entry} {user} {files} placeholders. */
  execCommand: z.string(),
  /** host:port of the node's HTTP server, or "off". */
  httpAddress: z.string(),
  httpToken: z.string(),
  notifyOn: z.enum(["failed", "all"]),
  /** Mail the OMERO user who dropped the files (off, failed: failed and incomplete, all: also imported). */
  notifyUsers: z.enum(["off", "failed", "all"]),
  /** OMERO.web webclient URL ("" = no links). */
  webUrl: z.string(),
  notifyWebhook: z.string(),
  notifySmtp: z.string(),
  notifyEmail: z.array(z.string()),
  notifyEmailFrom: z.string(),
  notifySmtpUser: z.string(),
  notifySmtpPasswordFile: z.string(),
});
export type GlobalConfig = z.infer<typeof GlobalConfigSchema>;

export const OmeroFsConfigSchema = z.object({
  global: GlobalConfigSchema,
  watches: z.array(WatchConfigSchema).min(1),
});
/** The one fully defaulted, validated configuration object every process uses. */
export type OmeroFsConfig = z.infer<typeof OmeroFsConfigSchema>;

/** A configuration problem: names the property, the slot (watch number / user) and what is allowed. */
export interface ConfigProblem {
  property: string;
  /** 0-based slot, or null for a global property / whole-file problem. */
  slot: number | null;
  message: string;
}
