import { z } from "zod";

/** `--json` output shapes of the CLI (docs/ARCHITECTURE.md, "CLI contracts"): a stable contract, shared by the
 * implementation and the tests. */

export const SERVER_NAMES = ["MonitorServer", "DropBox"] as const;
export const ServerNameSchema = z.enum(SERVER_NAMES);
export type ServerName = z.infer<typeof ServerNameSchema>;

/**
 * A server's state. `orphaned`: no node runs, but the process the last node started is still alive
 * (the node was killed with -9); `pid` is that process, `reason` says so; the next `admin start`
 * or `admin stop` stops it. `degraded`: running, but not doing all of its job (e.g. a watch
 * directory is missing); `reason` says why. Both come with a `reason` string.
 */
export const SERVER_STATES = ["running", "stopped", "starting", "failed", "orphaned", "degraded"] as const;

export const ServerStatusJsonSchema = z.object({
  name: ServerNameSchema,
  enabled: z.boolean(),
  state: z.enum(SERVER_STATES),
  pid: z.number().int().nullable(),
  restarts: z.number().int().min(0),
  log: z.string(),
  /** Why the server is failed, orphaned, degraded or restarting (null when running fine). */
  reason: z.string().nullable().optional(),
});
export type ServerStatusJson = z.infer<typeof ServerStatusJsonSchema>;

/** A remote MonitorServer as the DropBox sees it: `status` and `admin status --json` (`remoteMonitors`). */
export const RemoteMonitorSchema = z.object({
  control: z.string(),
  events: z.string(),
  state: z.enum(["connected", "unreachable"]),
  /** ISO time of its last answer; null: it never answered. */
  lastContact: z.string().nullable(),
  /** 1-based numbers of the watches it serves. */
  watches: z.array(z.number().int()),
  /** When unreachable: what may be wrong (down, network, a wrong omero.fs.monitorServerKey). */
  hint: z.string().optional(),
});
export type RemoteMonitor = z.infer<typeof RemoteMonitorSchema>;

/**
 * `admin status --json` and `admin ice server list --json`. `remoteMonitors`: the remote
 * MonitorServers the DropBox uses (per-watch omero.fs.monitorControl), absent when there are none
 * or the DropBox does not answer.
 */
export const AdminStatusJsonSchema = z.object({
  node: z.object({ pid: z.number().int().nullable(), running: z.boolean() }),
  servers: z.array(ServerStatusJsonSchema),
  remoteMonitors: z.array(RemoteMonitorSchema).optional(),
  /**
   * Files the ledger records as `existing`: already there at a watch's first walk and not imported
   * (omero.fs.existingFiles=skip). Absent when there is no readable ledger.
   */
  existingFiles: z.number().int().min(0).optional(),
});
export type AdminStatusJson = z.infer<typeof AdminStatusJsonSchema>;

/**
 * `incomplete`: its entry (a plate index) lists files still missing omero.fs.incompleteWait after the
 * last one arrived; never imported half. A late file puts it back to `waiting`; `omero-fs imports
 * release ID` imports it as it is.
 *
 * `cancelled`: stopped by hand (`omero-fs imports cancel ID`; a running import is ended), never
 * imported unless queued again with `omero-fs imports retry ID`.
 */
export const IMPORT_STATES = [
  "waiting",
  "queued",
  "importing",
  "imported",
  "failed",
  "incomplete",
  "cancelled",
] as const;
export const ImportStateSchema = z.enum(IMPORT_STATES);
export type ImportState = z.infer<typeof ImportStateSchema>;

export const ImageJsonSchema = z.object({
  name: z.string(),
  sizeX: z.number().int(),
  sizeY: z.number().int(),
  sizeZ: z.number().int(),
  sizeC: z.number().int(),
  sizeT: z.number().int(),
  pixelType: z.string(),
});
/**
 * OME-style description of one image (series): the one image-info type. The readers' TIFF parser
 * returns it, the importers record it, `imports show --json` prints it.
 */
export type ImageInfo = z.infer<typeof ImageJsonSchema>;
/** The same type under its `--json` name. */
export type ImageJson = ImageInfo;

/**
 * An HCS plate as its index describes it (readers' PlateSummary) and how much of it is there:
 * `wells` x `fields` x `channels` x `timepoints` (x `zSteps`) = `expectedImages` image files listed,
 * `presentImages` found, `missing` the first 20 missing image paths (`missingImages` counts all).
 * Counts are 0 when the index does not say (Cellomics has no index: `expectedImages` 0).
 */
export const PlateJsonSchema = z.object({
  format: z.string(),
  name: z.string(),
  reader: z.string().nullable(),
  wells: z.number().int(),
  fields: z.number().int(),
  channels: z.number().int(),
  timepoints: z.number().int(),
  zSteps: z.number().int(),
  expectedImages: z.number().int(),
  presentImages: z.number().int(),
  missingImages: z.number().int(),
  missing: z.array(z.string()),
});
export type PlateJson = z.infer<typeof PlateJsonSchema>;

/** One fileset in `imports list --json` (oldest first) and `imports show ID --json`. */
export const ImportJsonSchema = z.object({
  id: z.number().int(),
  user: z.string(),
  watch: z.number().int(),
  state: ImportStateSchema,
  reader: z.string().nullable(),
  entry: z.string(),
  files: z.array(z.string()),
  attempts: z.number().int().min(0),
  error: z.string().nullable(),
  importer: z.enum(["local", "omero", "exec"]),
  createdAt: z.string(),
  importedAt: z.string().nullable(),
  target: z.string().nullable(),
  images: z.array(ImageJsonSchema).nullable(),
  /** Why a waiting fileset waits ("37 of 40 present; missing: ...", "still open for writing by pid N"), or why it is incomplete. */
  waitingFor: z.string().nullable().optional(),
  /** Members (also in `files`) that another import holds: Bio-Formats puts them in both (a raw `x.dv.log`
   * with `x_D3D.dv`, MetaXpress `_thumb` files with every plate). Absent when none. */
  shared: z.array(z.string()).optional(),
  /** HCS plates only (absent otherwise). */
  plate: PlateJsonSchema.optional(),
  /** Its images in OMERO.web (omero.fs.webUrl set, imported, ids in its target); absent without a webUrl. */
  webLink: z.string().nullable().optional(),
  /** `imports show` only: what happened to it besides its runs (a reimport by hand, OMERO's importer answering differently). */
  notes: z.array(z.object({ at: z.string(), kind: z.string(), text: z.string() })).optional(),
});
export type ImportJson = z.infer<typeof ImportJsonSchema>;

/** `existing`: already in the DropBox at the first walk of its watch, not imported (omero.fs.existingFiles). */
export const FILE_STATES = ["pending", "grouped", "imported", "ignored", "refused", "existing"] as const;
export const FileStateSchema = z.enum(FILE_STATES);
export type FileState = z.infer<typeof FileStateSchema>;

/** One file in `files list --json`. */
export const FileJsonSchema = z.object({
  path: z.string(),
  user: z.string(),
  size: z.number(),
  mtime: z.string(),
  state: FileStateSchema,
  reason: z.string().nullable(),
  fileset: z.number().int().nullable(),
});
export type FileJson = z.infer<typeof FileJsonSchema>;

/** `config check --json`. Each watch carries every omero.fs property by its short name. */
export const ConfigCheckJsonSchema = z.object({
  watches: z.array(z.looseObject({ user: z.string(), watchDir: z.string() })),
  problems: z.array(z.object({ property: z.string(), slot: z.number().int().nullable(), message: z.string() })),
});
export type ConfigCheckJson = z.infer<typeof ConfigCheckJsonSchema>;

/** One importer run of a fileset (`files show` history). */
export const AttemptJsonSchema = z.object({
  attempt: z.number().int().min(1),
  importer: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  result: z.enum(["running", "succeeded", "failed"]),
  error: z.string().nullable(),
  target: z.string().nullable(),
});
export type AttemptJson = z.infer<typeof AttemptJsonSchema>;

/**
 * `files show PATH --json`: the file as `files list` shows it (at its current path), the path that
 * was asked for when the ledger found it through a rename, its import, the import's target and
 * every importer run.
 */
export const FileShowJsonSchema = FileJsonSchema.extend({
  renamedFrom: z.string().nullable(),
  import: ImportJsonSchema.nullable(),
  /** Other imports that use this file too (Bio-Formats puts it in both filesets); absent when none. */
  alsoIn: z.array(ImportJsonSchema).optional(),
  target: z.string().nullable(),
  history: z.array(AttemptJsonSchema),
});
export type FileShowJson = z.infer<typeof FileShowJsonSchema>;

/**
 * One fileset in `omero-fs files plan DIR --json` (an array, one per entry): what the DropBox would
 * make of a tree, by the same grouping and readiness code, without importing anything. `ready`:
 * it would be queued now; `waitingFor`: why not, one reason per line (empty when ready). Files in
 * no fileset (a companion waiting for its entry, files no reader takes) are not elements: the table
 * output lists them with why.
 */
export const FilesetPlanJsonSchema = z.object({
  entry: z.string(),
  reader: z.string(),
  files: z.array(z.string()),
  ready: z.boolean(),
  waitingFor: z.array(z.string()),
  /** Listed members not there (all of them). */
  missing: z.array(z.string()).optional(),
  /** Members (also in `files`) that another fileset uses too: Bio-Formats imports them in both (a raw
   * `x.dv.log` of a deconvolved `x_D3D.dv`, MetaXpress `_thumb` files). */
  shared: z.array(z.string()).optional(),
  /** Listed members still missing omero.fs.incompleteWait after the newest file's mtime: the DropBox would list it `incomplete`. */
  incomplete: z.boolean().optional(),
  plate: PlateJsonSchema.optional(),
});
export type FilesetPlanJson = z.infer<typeof FilesetPlanJsonSchema>;
export const FilesPlanJsonSchema = z.array(FilesetPlanJsonSchema);

/** One check of `omero-fs omero check`: ok true (passed), false (failed: `fix` says what to do), null (not run or not verifiable). */
export const OmeroCheckSchema = z.object({
  name: z.string(),
  /** 0-based watch slot for a per-watch check, else null. */
  watch: z.number().int().nullable(),
  ok: z.boolean().nullable(),
  detail: z.string(),
  fix: z.string().nullable(),
});
export type OmeroCheck = z.infer<typeof OmeroCheckSchema>;

/** `omero-fs omero check --json` (also under `omero` in `config check --connect --json`). `ok`: no check failed. */
export const OmeroCheckJsonSchema = z.object({
  ok: z.boolean(),
  server: z.string(),
  admin: z.string(),
  checks: z.array(OmeroCheckSchema),
});
export type OmeroCheckJson = z.infer<typeof OmeroCheckJsonSchema>;
/**
 * `admin start --json`: the status after the start (as `admin status --json`) and what to do next.
 * `started`: false when a node was already running (nothing was started).
 */
export const AdminStartJsonSchema = AdminStatusJsonSchema.extend({
  started: z.boolean(),
  home: z.string(),
  /** The status page's address (host:port), or null when off. */
  http: z.string().nullable(),
  /** Folders to drop files into (`<watchDir>/<user>/` for the default watches). */
  dropInto: z.array(z.string()),
  logDir: z.string(),
  /** Servers a node killed with -9 had left running, stopped by this start. */
  stoppedOrphans: z.array(z.object({ name: ServerNameSchema, pid: z.number().int() })),
});
export type AdminStartJson = z.infer<typeof AdminStartJsonSchema>;

/** `admin stop --json`. `pid`: the node that was stopped (null: none ran). */
export const AdminStopJsonSchema = z.object({
  stopped: z.boolean(),
  pid: z.number().int().nullable(),
  home: z.string(),
  /** Servers left running by a node killed with -9, stopped now. */
  stoppedOrphans: z.array(z.object({ name: ServerNameSchema, pid: z.number().int() })),
});
export type AdminStopJson = z.infer<typeof AdminStopJsonSchema>;

/** `admin restart --json`. */
export const AdminRestartJsonSchema = z.object({ stop: AdminStopJsonSchema, start: AdminStartJsonSchema });

/** `admin ice server start|stop|enable|disable NAME --json`: what was done, in words, and the server after it. */
export const ServerActionJsonSchema = z.object({
  message: z.string(),
  server: z.looseObject({ name: ServerNameSchema, enabled: z.boolean() }),
});
export type ServerActionJson = z.infer<typeof ServerActionJsonSchema>;

/** `imports retry ID --json`, `imports release ID --json`, `imports cancel ID --json`: the fileset's state after it, and who did it. */
export const ImportActionJsonSchema = z.object({
  id: z.number().int().min(1),
  state: z.string(),
  /** `DropBox`: the running DropBox did it; `ledger`: written to the ledger, done when the DropBox starts. */
  via: z.enum(["DropBox", "ledger"]),
});
export type ImportActionJson = z.infer<typeof ImportActionJsonSchema>;

/** `config get KEY --json`. `source`: where the value comes from (`config.json`, `templates.xml:3`, an environment variable, `default`). */
export const ConfigGetJsonSchema = z.object({ property: z.string(), value: z.string(), source: z.string() });
export type ConfigGetJson = z.infer<typeof ConfigGetJsonSchema>;

/**
 * `config set KEY VALUE --json` and `config unset KEY --json`. `value`: what config.json now holds
 * (null after unset); `changed`: false when there was nothing to do; `notes`: the lines the text
 * output prints below the first (each watch's value, the environment winning, reload or restart).
 */
export const ConfigChangeJsonSchema = z.object({
  property: z.string(),
  value: z.string().nullable(),
  file: z.string(),
  changed: z.boolean(),
  notes: z.array(z.string()),
});
export type ConfigChangeJson = z.infer<typeof ConfigChangeJsonSchema>;

/**
 * `logs --json`: one JSON object per line (JSON lines, also with --follow). A line that is not one
 * of ours (a crash trace) has `time` and `level` null and the whole line as `message`.
 */
export const LogLineJsonSchema = z.object({
  time: z.string().nullable(),
  level: z.string().nullable(),
  component: z.string(),
  message: z.string(),
});
export type LogLineJson = z.infer<typeof LogLineJsonSchema>;

/** A disk (file system) holding one of the home's parts, for `admin diagnostics`. */
export const DiskJsonSchema = z.object({
  /** What lives there: `ledger`, `logs`, `repository`, `watch 1 (amy)`. */
  what: z.string(),
  path: z.string(),
  exists: z.boolean(),
  freeBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
});

/** An endpoint the configuration names, and who holds it now. */
export const PortJsonSchema = z.object({
  property: z.string(),
  endpoint: z.string(),
  /** `listening`: held by a process; `free`: nobody; `unknown`: cannot tell (a remote host). */
  state: z.enum(["listening", "free", "unknown"]),
  holders: z.array(z.object({ pid: z.number().int(), command: z.string(), ours: z.boolean() })),
});

/**
 * `admin diagnostics --json` (as `omero admin diagnostics`): everything an admin is asked for
 * when something does not work. `problems`: what looks wrong, one sentence each with the fix.
 */
export const DiagnosticsJsonSchema = z.object({
  home: z.string(),
  versions: z.record(z.string(), z.string().nullable()),
  node: z.object({ running: z.boolean(), pid: z.number().int().nullable() }),
  servers: z.array(ServerStatusJsonSchema),
  inotify: z.object({
    maxUserWatches: z.number().nullable(),
    maxUserInstances: z.number().nullable(),
    maxQueuedEvents: z.number().nullable(),
    /** Watches held by this user's processes now (every program, not only omero-fs). */
    watchesUsed: z.number().nullable(),
    instancesUsed: z.number().nullable(),
    /** Watches held by each omero-fs server. */
    servers: z.array(z.object({ name: z.string(), pid: z.number().int(), watches: z.number() })),
  }),
  disks: z.array(DiskJsonSchema),
  ports: z.array(PortJsonSchema),
  config: z.object({
    sources: z.array(z.object({ source: z.string(), path: z.string().nullable(), properties: z.number().int() })),
    problems: z.array(z.string()),
  }),
  omero: z
    .object({
      importer: z.string(),
      server: z.string(),
      port: z.number().int(),
      reachable: z.boolean(),
      error: z.string().nullable(),
      ms: z.number().nullable(),
    })
    .nullable(),
  problems: z.array(z.string()),
});
export type DiagnosticsJson = z.infer<typeof DiagnosticsJsonSchema>;

/**
 * `imports retry|release --state S ... --json` and `imports reimport ... --json`: how many the
 * selection held, those done, those refused (with why), and who did it.
 */
export const ImportsManyJsonSchema = z.object({
  selected: z.number().int().min(0),
  done: z.array(z.number().int()),
  refused: z.array(z.object({ id: z.number().int(), why: z.string() })),
  via: z.enum(["DropBox", "ledger"]),
});
export type ImportsManyJson = z.infer<typeof ImportsManyJsonSchema>;
