/**
 * The DropBox's settings, resolved once from the config and the test hooks: every duration in
 * milliseconds (the config speaks OMERO's seconds), every default here. Nothing else in the
 * package multiplies by 1000 or reads process.env.
 */
import * as path from "node:path";
import type { ChangedAfterImport } from "./core/file-identity";
import { type OmeroFsConfig, testHookJson, testHookNumber, type WatchConfig } from "@omero-fs/config";
import { z } from "zod";
import { normaliseWhitelist } from "./core/paths";
import { planWatches, type WatchChange } from "./core/watch-plan";
import type { ExistingFiles } from "./core/reconcile";
import { DEFAULT_PROBE, type ProbePolicy } from "./core/omero-health";
import { DEFAULT_RETRY, type RetryPolicy } from "./core/retry";
import { MANAGED_REPOSITORY } from "./importers/layout";

export interface WatchOptions {
  index: number;
  /** "default" (each top-level folder names a user) or the one user of this watch. */
  user: string;
  watchDir: string;
  /** omero.fs.dirImportWait. */
  quietMs: number;
  /** omero.fs.settleTime: a member unchanged (and closed for writing) this long is finished. */
  settleMs: number;
  /** omero.fs.importWhenComplete. */
  importWhenComplete: boolean;
  /** omero.fs.companionWait: the longest a held fileset waits for its companion. */
  companionWaitMs: number;
  /** omero.fs.incompleteWait: how long a fileset with listed members missing waits after its last file arrived. */
  incompleteWaitMs: number;
  /** omero.fs.completeMarker ("" = none). */
  completeMarker: string;
  /** omero.fs.throttleImport: minimum time between two import starts of this watch. */
  throttleMs: number;
  fileBatch: number;
  /** The whitelist, normalised once. */
  whitelist: string[];
  /** The watch as configured (the importers, the MonitorServer link and the walk use it). */
  config: WatchConfig;
}

export interface DropBoxOptions {
  watches: WatchOptions[];
  importer: OmeroFsConfig["global"]["importer"];
  concurrency: number;
  retry: RetryPolicy;
  importTimeoutMs: number;
  /** omero.fs.maxFilesetSize in bytes; 0: no limit. */
  maxFilesetSize: number;
  /** Where the local importer writes (its free space is checked before each import); null for the other importers. */
  localRepository: string | null;
  /** 0: no periodic reconciliation. */
  rescanIntervalMs: number;
  /** omero.fs.changedAfterImport (reimportModified=true already read as reimport by the config). */
  changedAfterImport: ChangedAfterImport;
  /** omero.fs.existingFiles: files present at a watch's first walk are skipped (`existing`) or imported. */
  existingFiles: ExistingFiles;
  /** MonitorServer health-check period. */
  healthMs: number;
  /** Event paths waiting to be applied beyond which the queued blocks are dropped for a rescan. */
  backlogPaths: number;
  /** While the ledger cannot be written (disk full, read-only), a write is tried this often. */
  ledgerProbeMs: number;
  /** The write-ahead log is copied into dropbox.sqlite this often (a PASSIVE checkpoint). */
  checkpointMs: number;
  /** Test hook: while this file exists, ledger writes fail with SQLITE_FULL (null in production). */
  ledgerFullWhile: string | null;
  /** Test hook: event blocks to discard on receipt, as if lost in transit (0 in production). */
  dropBlocks: number;
  /** Test hook: each directory of a reconciliation walk takes at least this long (0 in production). */
  walkDirDelayMs: number;
  /** Test hook: a gate file holding the reconciliation walk (reconciler.ts, walkGate); null: none. */
  walkGate: string | null;
  /** Test hook: applying each event block takes at least this long (0 in production). */
  applyBlockDelayMs: number;
  /** While OMERO cannot be used, how often it is asked again (core/omero-health.ts). */
  probe: ProbePolicy;
  /** omero importer with omero.fs.confirmFilesets: each fileset is confirmed with `omero import -f` first. */
  confirmFilesets: boolean;
  /** omero importer: while the start's OMERO check fails, it runs again this often. */
  omeroCheckMs: number;
}

/**
 * Test hooks (docs/ARCHITECTURE.md, "Test hooks"), read once here:
 * - OMERO_FS_TEST_RETRY_BASE_MS: first retry backoff (default 5000), so retry tests run fast;
 * - OMERO_FS_TEST_DROPBOX_HEALTH_MS: MonitorServer health-check period (default 1000);
 * - OMERO_FS_TEST_DROPBOX_BACKLOG: event paths waiting before a rescan replaces them (default 5000);
 * - OMERO_FS_TEST_DROPBOX_DROP_BLOCKS: event blocks discarded on receipt, as if lost in transit (default 0);
 * - OMERO_FS_TEST_DROPBOX_WALK_DIR_MS: each directory of a reconciliation walk (not of a partition
 *   walked ahead) takes at least this long, so a small tree walks like a million files (default 0);
 * - OMERO_FS_TEST_DROPBOX_WALK_GATE: a JSON string, a gate file: while it exists, the reconciliation
 *   walk (not a partition walked ahead) enters no more folders than the number the file holds (empty: 0),
 *   so a test decides when a walk moves on instead of guessing how long it takes;
 * - OMERO_FS_TEST_DROPBOX_APPLY_MS: applying each event block takes at least this long, so blocks
 *   queue as behind a busy ledger (default 0);
 * - OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MS, OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MAX_MS: the first probe of a
 *   paused OMERO and the cap of its backoff (default 5000, 60000);
 * - OMERO_FS_TEST_DROPBOX_OMERO_CHECK_MS: while the start's OMERO check fails, how often it runs again (default 600000);
 * - OMERO_FS_TEST_LEDGER_PROBE_MS: how often a ledger that cannot be written is tried again (default 5000);
 * - OMERO_FS_TEST_DROPBOX_CHECKPOINT_MS: how often the ledger's write-ahead log is checkpointed (default 60000);
 * - OMERO_FS_TEST_LEDGER_FULL_WHILE: a JSON string, a flag file: while it exists, ledger writes fail
 *   with SQLITE_FULL (ledger/schema.ts; a full disk cannot be made here without root).
 */
function hook(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  return testHookNumber(env, name, dflt, { min: 1, integer: true });
}

/** One watch's options, from its configuration. */
export function watchOptionsOf(w: WatchConfig): WatchOptions {
  return {
    index: w.index,
    user: w.user,
    watchDir: w.watchDir,
    quietMs: w.dirImportWait * 1000,
    settleMs: w.settleTime * 1000,
    importWhenComplete: w.importWhenComplete,
    companionWaitMs: w.companionWait * 1000,
    incompleteWaitMs: w.incompleteWait * 1000,
    completeMarker: w.completeMarker,
    throttleMs: w.throttleImport * 1000,
    fileBatch: w.fileBatch,
    whitelist: normaliseWhitelist(w.whitelist),
    config: w,
  };
}

export function resolveOptions(config: OmeroFsConfig, env: NodeJS.ProcessEnv = process.env): DropBoxOptions {
  const g = config.global;
  return {
    watches: config.watches.map(watchOptionsOf),
    importer: g.importer,
    concurrency: g.importConcurrency,
    retry: {
      retries: g.importRetries,
      baseMs: hook(env, "OMERO_FS_TEST_RETRY_BASE_MS", DEFAULT_RETRY.baseMs),
      maxMs: DEFAULT_RETRY.maxMs,
    },
    importTimeoutMs: g.importTimeout * 1000,
    maxFilesetSize: g.maxFilesetSize,
    localRepository: g.importer === "local" ? path.join(g.dataDir, MANAGED_REPOSITORY) : null,
    rescanIntervalMs: g.rescanInterval * 1000,
    changedAfterImport: g.changedAfterImport,
    existingFiles: g.existingFiles,
    healthMs: hook(env, "OMERO_FS_TEST_DROPBOX_HEALTH_MS", 1000),
    backlogPaths: hook(env, "OMERO_FS_TEST_DROPBOX_BACKLOG", 5000),
    dropBlocks: testHookNumber(env, "OMERO_FS_TEST_DROPBOX_DROP_BLOCKS", 0, { min: 0, integer: true }),
    walkDirDelayMs: testHookNumber(env, "OMERO_FS_TEST_DROPBOX_WALK_DIR_MS", 0, { min: 0, integer: true }),
    walkGate:
      testHookJson(env, "OMERO_FS_TEST_DROPBOX_WALK_GATE", z.string().min(1), "a JSON string: a gate file's path") ??
      null,
    applyBlockDelayMs: testHookNumber(env, "OMERO_FS_TEST_DROPBOX_APPLY_MS", 0, { min: 0, integer: true }),
    ledgerProbeMs: hook(env, "OMERO_FS_TEST_LEDGER_PROBE_MS", 5000),
    probe: {
      baseMs: hook(env, "OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MS", DEFAULT_PROBE.baseMs),
      maxMs: hook(env, "OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MAX_MS", DEFAULT_PROBE.maxMs),
    },
    confirmFilesets: g.importer === "omero" && g.confirmFilesets,
    omeroCheckMs: hook(env, "OMERO_FS_TEST_DROPBOX_OMERO_CHECK_MS", 600_000),
    checkpointMs: hook(env, "OMERO_FS_TEST_DROPBOX_CHECKPOINT_MS", 60_000),
    ledgerFullWhile:
      testHookJson(env, "OMERO_FS_TEST_LEDGER_FULL_WHILE", z.string().min(1), "a JSON string: a flag file's path") ??
      null,
  };
}

/** What a reload does: the options to run with, the watch changes, and the changed properties (applied live or needing a restart). */
export interface ReloadPlan {
  opts: DropBoxOptions;
  /** By slot: watches added, removed, whose monitor is re-created or whose files are regrouped. */
  watches: WatchChange[];
  applied: string[];
  restart: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pure: merge the re-resolved options into the running ones. Every per-watch property applies
 * live (core/watch-plan.ts says how: a new monitor, a regroup, or just the new value), and so do
 * concurrency, retries, timeouts and the rescan interval; the importer (the running importer was
 * built from it) keeps its running value and is reported as needing a restart.
 */
export function planReload(
  before: DropBoxOptions,
  after: DropBoxOptions,
  catalogueChanged: (index: number) => boolean = () => false,
): ReloadPlan {
  const applied: string[] = [];
  const restart: string[] = [];
  const live = <K extends keyof DropBoxOptions>(k: K, name: string): DropBoxOptions[K] => {
    if (same(before[k], after[k])) return before[k];
    applied.push(name);
    return after[k];
  };
  const fixed = (changed: boolean, name: string) => changed && restart.push(name);
  fixed(before.importer !== after.importer, "omero.fs.importer");
  const changes = planWatches(
    before.watches.map((w) => w.config),
    after.watches.map((w) => w.config),
    catalogueChanged,
  );
  const byIndex = new Map(changes.map((c) => [c.index, c]));
  const running = new Map(before.watches.map((w) => [w.index, w]));
  const watches = after.watches.map((w) => {
    const c = byIndex.get(w.index);
    if (!c) return running.get(w.index) ?? w;
    return watchOptionsOf(c.watch);
  });
  for (const c of changes) {
    applied.push(...c.applied);
    restart.push(...c.restart);
  }
  const opts: DropBoxOptions = {
    ...after,
    watches,
    importer: before.importer,
    rescanIntervalMs: live("rescanIntervalMs", "omero.fs.rescanInterval"),
    concurrency: live("concurrency", "omero.fs.importConcurrency"),
    retry: live("retry", "omero.fs.importRetries"),
    importTimeoutMs: live("importTimeoutMs", "omero.fs.importTimeout"),
    maxFilesetSize: live("maxFilesetSize", "omero.fs.maxFilesetSize"),
    localRepository: before.localRepository,
    changedAfterImport: live("changedAfterImport", "omero.fs.changedAfterImport"),
    existingFiles: live("existingFiles", "omero.fs.existingFiles"),
  };
  return { opts, watches: changes, applied, restart };
}
