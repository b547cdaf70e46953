/**
 * The DropBox's settings, resolved once from the config and the test hooks: every duration in
 * milliseconds (the config speaks OMERO's seconds), every default here. Nothing else in the
 * package multiplies by 1000 or reads process.env.
 */
import type { ChangedAfterImport } from "./core/file-identity";
import { type OmeroFsConfig, testHookJson, testHookNumber, type WatchConfig } from "@omero-fs/config";
import { z } from "zod";
import { normaliseWhitelist } from "./core/paths";
import type { ExistingFiles } from "./core/reconcile";
import { DEFAULT_RETRY, type RetryPolicy } from "./core/retry";

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
  /** Test hook: while this file exists, ledger writes fail with SQLITE_FULL (null in production). */
  ledgerFullWhile: string | null;
  /** Test hook: event blocks to discard on receipt, as if lost in transit (0 in production). */
  dropBlocks: number;
}

/**
 * Test hooks (docs/ARCHITECTURE.md, "Test hooks"), read once here:
 * - OMERO_FS_TEST_RETRY_BASE_MS: first retry backoff (default 5000), so retry tests run fast;
 * - OMERO_FS_TEST_DROPBOX_HEALTH_MS: MonitorServer health-check period (default 1000);
 * - OMERO_FS_TEST_DROPBOX_BACKLOG: event paths waiting before a rescan replaces them (default 5000);
 * - OMERO_FS_TEST_DROPBOX_DROP_BLOCKS: event blocks discarded on receipt, as if lost in transit (default 0);
 * - OMERO_FS_TEST_LEDGER_PROBE_MS: how often a ledger that cannot be written is tried again (default 5000);
 * - OMERO_FS_TEST_LEDGER_FULL_WHILE: a JSON string, a flag file: while it exists, ledger writes fail
 *   with SQLITE_FULL (ledger/schema.ts; a full disk cannot be made here without root).
 */
function hook(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  return testHookNumber(env, name, dflt, { min: 1, integer: true });
}

export function resolveOptions(config: OmeroFsConfig, env: NodeJS.ProcessEnv = process.env): DropBoxOptions {
  const g = config.global;
  return {
    watches: config.watches.map((w) => ({
      index: w.index,
      user: w.user,
      watchDir: w.watchDir,
      quietMs: w.dirImportWait * 1000,
      settleMs: w.settleTime * 1000,
      importWhenComplete: w.importWhenComplete,
      companionWaitMs: w.companionWait * 1000,
      completeMarker: w.completeMarker,
      throttleMs: w.throttleImport * 1000,
      fileBatch: w.fileBatch,
      whitelist: normaliseWhitelist(w.whitelist),
      config: w,
    })),
    importer: g.importer,
    concurrency: g.importConcurrency,
    retry: {
      retries: g.importRetries,
      baseMs: hook(env, "OMERO_FS_TEST_RETRY_BASE_MS", DEFAULT_RETRY.baseMs),
      maxMs: DEFAULT_RETRY.maxMs,
    },
    importTimeoutMs: g.importTimeout * 1000,
    rescanIntervalMs: g.rescanInterval * 1000,
    changedAfterImport: g.changedAfterImport,
    existingFiles: g.existingFiles,
    healthMs: hook(env, "OMERO_FS_TEST_DROPBOX_HEALTH_MS", 1000),
    backlogPaths: hook(env, "OMERO_FS_TEST_DROPBOX_BACKLOG", 5000),
    dropBlocks: testHookNumber(env, "OMERO_FS_TEST_DROPBOX_DROP_BLOCKS", 0, { min: 0, integer: true }),
    ledgerProbeMs: hook(env, "OMERO_FS_TEST_LEDGER_PROBE_MS", 5000),
    ledgerFullWhile:
      testHookJson(env, "OMERO_FS_TEST_LEDGER_FULL_WHILE", z.string().min(1), "a JSON string: a flag file's path") ??
      null,
  };
}

/** What a reload does: the options to run with, and the changed properties (applied live or needing a restart). */
export interface ReloadPlan {
  opts: DropBoxOptions;
  applied: string[];
  restart: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pure: merge the re-resolved options into the running ones. Durations, throttles, batches,
 * concurrency, retries and timeouts apply live; anything the running monitors, importer or timers
 * were built from (watch dirs, users, whitelists, readers, importer, rescan interval) keeps its
 * running value and is reported as needing a restart.
 */
export function planReload(before: DropBoxOptions, after: DropBoxOptions): ReloadPlan {
  const applied: string[] = [];
  const restart: string[] = [];
  const live = <K extends keyof DropBoxOptions>(k: K, name: string): DropBoxOptions[K] => {
    if (same(before[k], after[k])) return before[k];
    applied.push(name);
    return after[k];
  };
  const fixed = (changed: boolean, name: string) => changed && restart.push(name);
  fixed(before.importer !== after.importer, "omero.fs.importer");
  fixed(before.rescanIntervalMs !== after.rescanIntervalMs, "omero.fs.rescanInterval");
  const shape = (o: DropBoxOptions) =>
    o.watches.map((w) => ({
      ...w.config,
      dirImportWait: 0,
      throttleImport: 0,
      fileBatch: 0,
      settleTime: 0,
      importWhenComplete: true,
      companionWait: 0,
      completeMarker: "",
    }));
  const watchesFixed = !same(shape(before), shape(after));
  fixed(watchesFixed, "omero.fs.watches (watchDir, user, whitelist, readers, ...)");
  const watches = before.watches.map((w) => {
    const n = after.watches[w.index];
    if (watchesFixed || !n) return w;
    // One watch: the plain property name; several (semicolon lists): which watch, 0-based.
    const name = (k: string) => `omero.fs.${k}${before.watches.length > 1 ? `[${w.index}]` : ""}`;
    if (w.quietMs !== n.quietMs) applied.push(name("dirImportWait"));
    if (w.throttleMs !== n.throttleMs) applied.push(name("throttleImport"));
    if (w.fileBatch !== n.fileBatch) applied.push(name("fileBatch"));
    if (w.settleMs !== n.settleMs) applied.push(name("settleTime"));
    if (w.importWhenComplete !== n.importWhenComplete) applied.push(name("importWhenComplete"));
    if (w.companionWaitMs !== n.companionWaitMs) applied.push(name("companionWait"));
    if (w.completeMarker !== n.completeMarker) applied.push(name("completeMarker"));
    return { ...n };
  });
  const opts: DropBoxOptions = {
    ...after,
    watches,
    importer: before.importer,
    rescanIntervalMs: before.rescanIntervalMs,
    concurrency: live("concurrency", "omero.fs.importConcurrency"),
    retry: live("retry", "omero.fs.importRetries"),
    importTimeoutMs: live("importTimeoutMs", "omero.fs.importTimeout"),
    changedAfterImport: live("changedAfterImport", "omero.fs.changedAfterImport"),
    existingFiles: live("existingFiles", "omero.fs.existingFiles"),
  };
  return { opts, applied, restart };
}
