import { z } from "zod";
import { RemoteMonitorSchema } from "./cli-json";

/** Wire protocol version carried by every message (docs/ARCHITECTURE.md, "Wire protocol"). */
export const PROTOCOL_VERSION = 1;

export const ERROR_CODES = [
  "BAD_FRAME",
  "BAD_VERSION",
  "UNKNOWN_METHOD",
  "BAD_PARAMS",
  "UNKNOWN_MONITOR",
  "BAD_DIRECTORY",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const WatchEventTypeSchema = z.enum(["Creation", "Modification", "Deletion"]);
export type WatchEventType = z.infer<typeof WatchEventTypeSchema>;
export const PathModeSchema = z.enum(["Flat", "Recurse", "Follow"]);
export type PathMode = z.infer<typeof PathModeSchema>;
export const EventTypeSchema = z.enum(["Create", "Modify", "Delete"]);
export type EventType = z.infer<typeof EventTypeSchema>;
export const MonitorStateNameSchema = z.enum(["stopped", "started", "failed"]);
export type MonitorStateName = z.infer<typeof MonitorStateNameSchema>;
export const BackendSchema = z.enum(["native", "poll"]);
export type Backend = z.infer<typeof BackendSchema>;

const absolutePath = z
  .string()
  .min(1)
  .refine((p) => p.startsWith("/"), { message: "must be an absolute path" });
const nonNegativeInt = z.number().int().min(0);

/** createMonitor params as sent: every key but watchDir optional. */
export const CreateMonitorParamsSchema = z.strictObject({
  watchDir: absolutePath,
  eventTypes: z.array(WatchEventTypeSchema).optional(),
  pathMode: PathModeSchema.optional(),
  whitelist: z.array(z.string()).optional(),
  blacklist: z.array(z.string().min(1)).optional(),
  // 2^31-1 ms: a longer Node timer fires at once (config caps omero.fs.timeout the same way).
  timeout: z.number().min(0).max(2147483.647, "at most 2147483.647 s (about 24.8 days)").optional(),
  blockSize: nonNegativeInt.optional(),
  ignoreSysFiles: z.boolean().optional(),
  ignoreDirEvents: z.boolean().optional(),
  snapshotKey: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, "letters, digits, '.', '_' or '-', at most 128")
    .optional(),
});
export type CreateMonitorParams = z.infer<typeof CreateMonitorParamsSchema>;

/**
 * The most events in one published block, whatever blockSize says (blockSize 0 = everything
 * pending, cut into blocks of at most this many). A wire contract: subscribers size buffers by it.
 */
export const MAX_BLOCK_EVENTS = 5000;

/**
 * OMERO's defaults for the optional createMonitor keys (templates.xml values). The one definition:
 * the omero.fs.* property defaults of packages/config are derived from it.
 */
export const MONITOR_DEFAULTS = {
  eventTypes: ["Creation", "Modification"] as WatchEventType[],
  pathMode: "Follow" as PathMode,
  whitelist: [] as string[],
  blacklist: [] as string[],
  timeout: 0,
  blockSize: 0,
  ignoreSysFiles: true,
  ignoreDirEvents: true,
};

/** createMonitor params with every default applied, as the MonitorServer stores and reports them. */
export const MonitorParamsSchema = z.object({
  watchDir: absolutePath,
  eventTypes: z.array(WatchEventTypeSchema),
  pathMode: PathModeSchema,
  whitelist: z.array(z.string()),
  blacklist: z.array(z.string()),
  timeout: z.number().min(0),
  blockSize: nonNegativeInt,
  ignoreSysFiles: z.boolean(),
  ignoreDirEvents: z.boolean(),
  snapshotKey: z.string().optional(),
});
export type MonitorParams = z.infer<typeof MonitorParamsSchema>;

export function withMonitorDefaults(p: CreateMonitorParams): MonitorParams {
  return {
    watchDir: p.watchDir,
    eventTypes: p.eventTypes ?? [...MONITOR_DEFAULTS.eventTypes],
    pathMode: p.pathMode ?? MONITOR_DEFAULTS.pathMode,
    whitelist: p.whitelist ?? [],
    blacklist: p.blacklist ?? [],
    timeout: p.timeout ?? MONITOR_DEFAULTS.timeout,
    blockSize: p.blockSize ?? MONITOR_DEFAULTS.blockSize,
    ignoreSysFiles: p.ignoreSysFiles ?? MONITOR_DEFAULTS.ignoreSysFiles,
    ignoreDirEvents: p.ignoreDirEvents ?? MONITOR_DEFAULTS.ignoreDirEvents,
    ...(p.snapshotKey !== undefined ? { snapshotKey: p.snapshotKey } : {}),
  };
}

const MonitorIdParamsSchema = z.strictObject({ monitorId: z.string().min(1) });
const NoParamsSchema = z.strictObject({});

/**
 * `list`: a monitor's tree as the MonitorServer sees it, with the monitor's filters (whitelist,
 * blacklist, ignoreSysFiles; cookies never), so a client on another host reconciles without walking
 * a network mount. Paged: the first call (no `cursor`) starts a walk the server holds; each answer
 * carries up to `limit` files (at most MAX_BLOCK_EVENTS) grouped by directory and the `cursor` for
 * the next page, `null` once the walk is done. A cursor not used for 60 s expires
 * (`UNKNOWN_MONITOR`-style error `BAD_PARAMS` naming the cursor): start again.
 */
const ListParamsSchema = z.strictObject({
  monitorId: z.string().min(1),
  cursor: z.string().min(1).optional(),
  limit: z.number().int().min(1).optional(),
});

/** Request params per MonitorServer control method. */
export const MonitorMethodParams = {
  ping: NoParamsSchema,
  createMonitor: CreateMonitorParamsSchema,
  startMonitor: MonitorIdParamsSchema,
  stopMonitor: MonitorIdParamsSchema,
  destroyMonitor: MonitorIdParamsSchema,
  getMonitorState: MonitorIdParamsSchema,
  listMonitors: NoParamsSchema,
  sync: MonitorIdParamsSchema,
  list: ListParamsSchema,
} as const;
export type MonitorMethod = keyof typeof MonitorMethodParams;
export const MONITOR_METHODS = Object.keys(MonitorMethodParams) as MonitorMethod[];

export const MonitorStateSchema = z.object({
  monitorId: z.string(),
  state: MonitorStateNameSchema,
  params: MonitorParamsSchema,
  seq: nonNegativeInt,
  /** Additions beyond OMERO's minimum; clients must tolerate unknown keys. */
  backend: BackendSchema.optional(),
  reason: z.string().nullable().optional(),
  /** Counters since the monitor was created (never reset, also across stop/start): events in blocks, rescan notices. */
  eventsPublished: nonNegativeInt.optional(),
  rescansPublished: nonNegativeInt.optional(),
  /**
   * Parts of the tree the monitor does not watch, with why (a folder too deep, one that cannot be
   * listed): each also logged once and announced by a rescan notice. At most 100, oldest first.
   */
  refused: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
});
export type MonitorState = z.infer<typeof MonitorStateSchema>;

/** One directory of a `list` page: `more` means the same directory continues on the next page. */
export const ListedDirSchema = z.object({
  /** Absolute path on the MonitorServer's host. */
  dir: z.string(),
  files: z.array(z.object({ name: z.string(), size: nonNegativeInt, mtimeMs: z.number(), ino: z.number().optional() })),
  more: z.boolean(),
});
export const ListResultSchema = z.object({
  /** false: the monitor's root does not exist (or is not a directory). */
  present: z.boolean(),
  dirs: z.array(ListedDirSchema),
  /** Directories that could not be listed (permissions), absolute paths. */
  unreadable: z.array(z.string()),
  cursor: z.string().nullable(),
});
export type ListResult = z.infer<typeof ListResultSchema>;

/** Result schema per MonitorServer control method. */
export const MonitorMethodResults = {
  ping: z.object({ pid: z.number().int(), version: z.string() }),
  createMonitor: z.object({ monitorId: z.string() }),
  startMonitor: MonitorStateSchema,
  stopMonitor: MonitorStateSchema,
  destroyMonitor: MonitorStateSchema,
  getMonitorState: MonitorStateSchema,
  listMonitors: z.array(MonitorStateSchema),
  sync: z.object({ seq: nonNegativeInt }),
  list: ListResultSchema,
} as const;

export type MonitorParamsOf<M extends MonitorMethod> = z.infer<(typeof MonitorMethodParams)[M]>;
export type MonitorResultOf<M extends MonitorMethod> = z.infer<(typeof MonitorMethodResults)[M]>;

export const RequestEnvelopeSchema = z.object({
  v: z.number().int(),
  id: z.string(),
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelopeSchema>;

export const ErrorBodySchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const OkReplySchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  id: z.string(),
  ok: z.literal(true),
  result: z.unknown(),
});
export const ErrorReplySchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  id: z.string().nullable(),
  ok: z.literal(false),
  error: ErrorBodySchema,
});
export const ReplySchema = z.discriminatedUnion("ok", [OkReplySchema, ErrorReplySchema]);
export type Reply = z.infer<typeof ReplySchema>;

export const FsEventSchema = z.object({
  path: absolutePath,
  type: EventTypeSchema,
  isDir: z.boolean(),
  catchUp: z.boolean(),
});
export type FsEvent = z.infer<typeof FsEventSchema>;

export const RescanNoticeSchema = z.object({ reason: z.string(), path: absolutePath });
export type RescanNotice = z.infer<typeof RescanNoticeSchema>;

export const EventBlockSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  monitorId: z.string().min(1),
  seq: z.number().int().min(1),
  events: z.array(FsEventSchema),
  rescan: RescanNoticeSchema.nullable(),
});
export type EventBlock = z.infer<typeof EventBlockSchema>;

/**
 * DropBox's own control socket (not part of the MonitorServer contract; same envelope;
 * docs/ARCHITECTURE.md, "Wire protocol"). Used by `omero-fs dropbox scan|sync` and `omero-fs imports retry|release`.
 */
export const DropBoxMethodParams = {
  ping: NoParamsSchema,
  /** Walk every watch tree and feed what the ledger does not know. */
  scan: NoParamsSchema,
  /** Returns once every file changed before the call is in the ledger. */
  sync: NoParamsSchema,
  /** Requeue a failed (or any not-importing) fileset. */
  retry: z.strictObject({ id: z.number().int().min(1) }),
  /** Readiness and counters, for the supervisor and `admin status`. */
  status: NoParamsSchema,
  /** Import an incomplete (or still waiting) fileset as it is (`omero-fs imports release ID`). */
  release: z.strictObject({ id: z.number().int().min(1) }),
  /** Stop one fileset from being imported, ending its import if one runs (`omero-fs imports cancel ID`). */
  cancel: z.strictObject({ id: z.number().int().min(1) }),
  /**
   * `omero-fs dropbox import-existing [PATH]`: import the files recorded as `existing` (there at the
   * first walk, omero.fs.existingFiles=skip), all of them or those under `path` (absolute).
   */
  importExisting: z.strictObject({ path: absolutePath.optional() }),
  /** Re-read the config and apply what can change live (durations, throttles, retries, ...). */
  reload: NoParamsSchema,
  /** `omero-fs imports reimport ID`: import an imported fileset again, with the running importer (recorded in its history). */
  reimport: z.strictObject({ id: z.number().int().min(1) }),
  /**
   * `omero-fs dropbox check-ledger` with a DropBox running: walk every watch, group everything
   * seen, then judge the ledger's invariant.
   */
  checkLedger: NoParamsSchema,
} as const;
export type DropBoxMethod = keyof typeof DropBoxMethodParams;

/** The ledger's invariant, judged (`dropbox check-ledger`; the DropBox's `checkLedger`). */
export const LedgerInvariantSchema = z.object({
  ok: z.boolean(),
  /** What breaks it: the kind, how many rows, a few examples, and the message naming the fix. */
  problems: z.array(
    z.object({
      kind: z.enum(["not-grouped", "grouped-nowhere", "stray-fileset", "empty-fileset"]),
      count: nonNegativeInt,
      examples: z.array(z.string()),
      message: z.string(),
    }),
  ),
  /** What is right but worth saying (files seen and not grouped that the next start groups). */
  notes: z.array(z.string()),
});
export type LedgerInvariant = z.infer<typeof LedgerInvariantSchema>;

/**
 * OMERO as the DropBox with the omero importer knows it (issue 20): `up`, `since` (epoch ms of the
 * last change), `reason` (why it is down; null while up), `checkedAt` (epoch ms of the last answer:
 * an import, a probe, the start's check; 0: never asked), `kind` (what is wrong: unreachable, login
 * refused, a server error; null while up) and `nextProbeAt` (epoch ms of the next probe while paused;
 * null while up). `kind` and `nextProbeAt` are absent from a DropBox older than them.
 */
export const OmeroStatusSchema = z.object({
  up: z.boolean(),
  since: z.number(),
  reason: z.string().nullable(),
  checkedAt: z.number(),
  kind: z.enum(["unreachable", "login-refused", "server-error"]).nullable().optional(),
  nextProbeAt: z.number().nullable().optional(),
});
export type OmeroStatus = z.infer<typeof OmeroStatusSchema>;

export const DropBoxMethodResults = {
  ping: z.object({ pid: z.number().int(), version: z.string() }),
  scan: z.object({ discovered: nonNegativeInt }),
  sync: z.object({ files: nonNegativeInt }),
  retry: z.object({ id: z.number().int(), state: z.string() }),
  /** state: "waiting" (released: queued as soon as its present files are settled and finished). */
  release: z.object({ id: z.number().int(), state: z.string() }),
  /** state: "cancelled". */
  cancel: z.object({ id: z.number().int(), state: z.string() }),
  status: z.object({
    ready: z.boolean(),
    watches: z.array(
      z.object({ index: z.number().int(), user: z.string(), watchDir: z.string(), monitorId: z.string().nullable() }),
    ),
    counts: z.record(z.string(), z.number()),
    /** What keeps the DropBox from doing all of its job (empty when healthy). */
    problems: z.array(z.string()),
    /** The remote MonitorServers (watches with their own omero.fs.monitorControl); absent when none. */
    remoteMonitors: z.array(RemoteMonitorSchema).optional(),
    /** OMERO with the omero importer; null with the other importers. */
    omero: OmeroStatusSchema.nullable().optional(),
  }),
  /** state: "queued". */
  reimport: z.object({ id: z.number().int(), state: z.string() }),
  /** How many `existing` files were released for import. */
  importExisting: z.object({ released: nonNegativeInt }),
  /**
   * applied: properties now in effect; restart: changed properties that need `omero-fs admin
   * restart`; notApplied: what could not be applied now, with why (a watch whose MonitorServer does
   * not answer): it is, by itself, once it can be.
   */
  reload: z.object({
    applied: z.array(z.string()),
    restart: z.array(z.string()),
    notApplied: z.array(z.string()).optional(),
  }),
  /** The invariant after a walk of every watch and the grouping of everything seen; `files`: rows in the ledger. */
  checkLedger: LedgerInvariantSchema.extend({ files: nonNegativeInt }),
} as const;
export type DropBoxParamsOf<M extends DropBoxMethod> = z.infer<(typeof DropBoxMethodParams)[M]>;
export type DropBoxResultOf<M extends DropBoxMethod> = z.infer<(typeof DropBoxMethodResults)[M]>;

/**
 * Exit code of a server that cannot start until a person acts (a damaged ledger, one from a newer
 * omero-fs): the supervisor marks it failed with its last words at once instead of restarting it
 * (restarts could not help; they would only flood the logs). 78 is sysexits' EX_CONFIG.
 */
export const EXIT_NEEDS_ADMIN = 78;

/**
 * Message a server sends its supervisor over the Node IPC channel (when it has one) once it is
 * ready: MonitorServer when its sockets are bound, DropBox when its monitors are started and the
 * first reconciliation is done.
 */
export const ReadyMessageSchema = z.object({ type: z.literal("ready"), server: z.enum(["MonitorServer", "DropBox"]) });
export type ReadyMessage = z.infer<typeof ReadyMessageSchema>;

/**
 * Message a running server sends its supervisor whenever what keeps it from doing all of its job
 * changes (a missing watch folder, a ledger it cannot write). Non-empty `problems`: the node shows
 * the server as `degraded` with these reasons; empty: healthy again.
 */
export const HealthMessageSchema = z.object({
  type: z.literal("health"),
  server: z.enum(["MonitorServer", "DropBox"]),
  problems: z.array(z.string()),
  /** The same problems by what they are about (`ledger`, `watch:N` with N from 1, `remote:...`): for metrics. */
  checks: z.record(z.string(), z.string()).optional(),
});
export type HealthMessage = z.infer<typeof HealthMessageSchema>;
