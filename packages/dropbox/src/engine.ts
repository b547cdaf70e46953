/**
 * The DropBox engine: event intake, grouping, quiet periods, queueing, scheduling and import
 * bookkeeping over the ledger. The decisions live in pure modules (paths, filesets, quiet,
 * scheduler, retry, reconcile); this is the I/O shell that feeds them and writes their results.
 *
 * Every ledger write runs on one serial chain (`serial`), so intake, grouping, queueing and
 * import completions never interleave; imports themselves run outside it, so event intake never
 * waits for an import.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger, OmeroFsConfig, WatchConfig } from "@omero-fs/config";
import type { EventBlock, FsEvent } from "@omero-fs/protocol";
import {
  type Catalogue,
  type CandidateFile,
  type FileProbe,
  groupFilesets,
  needsHeader,
  probeFile,
  wantsWholeFile,
} from "@omero-fs/readers";
import type { Db } from "./ledger";
import { applyGrouping, type ExistingFileset, type GroupingLike } from "./filesets";
import type { Importer, ImportOutcome, ImportRequest } from "./importers/types";
import {
  containmentProblem,
  groupingPartition,
  isUnder,
  matchesWhitelist,
  normaliseWhitelist,
  userOfPath,
} from "./paths";
import { groupingDueAt, readyAt, stability } from "./quiet";
import { diffFiles, underAny, watchAlarm } from "./reconcile";
import { afterFailure, DEFAULT_RETRY, type RetryPolicy } from "./retry";
import { newSchedState, pickJobs, type SchedJob } from "./scheduler";
import { walkWatchDirs } from "./walk";

/** Reason of an imported file that is no longer where it was imported from. */
export const GONE_AFTER_IMPORT = "deleted or moved away after import";

/** Reason of a pending file not yet through a grouping run (a fraction of a second, normally). */
export const NOT_GROUPED = "seen; not grouped yet";

const STAT_CONCURRENCY = 32;
/** Rows per ledger transaction or page during a reconciliation: bounded memory, few commits. */
const RECONCILE_BATCH = 2000;
/** Per-fileset lines logged for one burst before they are summarised (see logBurst). */
const BURST_LINES = 50;
const PROBE_CONCURRENCY = 16;
/** Probes kept between grouping runs: enough for the folders being written to, a few MiB at most. */
const PROBE_CACHE_ENTRIES = 5000;
const PROBE_CACHE_BYTES = 8 * 1024 * 1024;
/** Ready filesets re-stat'ed and queued per tick; then imports start and events get a turn. */
const READY_BATCH = 2000;
/** Bytes of a probe head kept in memory between grouping runs (content rules look at <= 8 KiB). */
const KEEP_HEAD = 8192;

interface FileRow {
  id: number;
  path: string;
  watch: number;
  user: string;
  size: number;
  mtime_ms: number;
  dev: number | null;
  ino: number | null;
  state: string;
  reason: string | null;
  fileset: number | null;
  last_event_ms: number;
}

interface Seen {
  path: string;
  /** null: the path is gone (or a dangling link). */
  st: { size: number; mtimeMs: number; dev: number; ino: number } | null;
  isFile: boolean;
  refusal: string | null;
}

export interface EngineOptions {
  config: OmeroFsConfig;
  db: Db;
  log: Logger;
  importer: Importer;
  catalogues: Catalogue[];
  retry?: Partial<Omit<RetryPolicy, "retries">>;
  now?: () => number;
}

export class Engine {
  private readonly cfg: OmeroFsConfig;
  private readonly db: Db;
  private readonly log: Logger;
  private readonly importer: Importer;
  private readonly catalogues: Catalogue[];
  private readonly whitelists: string[][];
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  /** (watch, user) -> what waits for a grouping run: the partitions (first folders) that changed. */
  private readonly dirty = new Map<
    string,
    // left: filesets a file left (deleted, now ignored): cancelled if nothing is left in them.
    { watch: number; user: string; first: number; paths: number; parts: Set<string>; left: Set<number> }
  >();
  private readonly probes = new ProbeCache(PROBE_CACHE_ENTRIES, PROBE_CACHE_BYTES);
  private readonly running = new Map<number, { ctrl: AbortController; done: Promise<void> }>();
  private readonly sched = newSchedState();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private tickQueued = false;
  /** While > 0 (the first reconciliation), ticks are deferred: see pauseTicks. */
  private ticksPaused = 0;
  private tickDeferred = false;
  /** Readiness is re-scanned only after a change (event, regroup, requeue) or at the earliest ready time. */
  private readinessStale = true;
  private nextReadyAt = 0;
  /** A stale readiness scan waits until then (see tick). */
  private scanNotBefore = 0;
  private stopping = false;
  private closed = false;
  private readonly loggedOnce = new Set<string>();
  private readonly reconciling = new Map<number, { again: boolean; done: Promise<number> }>();
  private readonly st: Record<string, import("better-sqlite3").Statement>;

  constructor(o: EngineOptions) {
    this.cfg = o.config;
    this.db = o.db;
    this.log = o.log;
    this.importer = o.importer;
    this.catalogues = o.catalogues;
    this.whitelists = o.config.watches.map((w) => normaliseWhitelist(w.whitelist));
    this.now = o.now ?? Date.now;
    const envBase = Number(process.env.OMERO_FS_RETRY_BASE_MS);
    this.retry = {
      retries: o.config.global.importRetries,
      baseMs: o.retry?.baseMs ?? (Number.isFinite(envBase) && envBase > 0 ? envBase : DEFAULT_RETRY.baseMs),
      maxMs: o.retry?.maxMs ?? DEFAULT_RETRY.maxMs,
    };
    const db = this.db;
    this.st = {
      fileByPath: db.prepare("SELECT * FROM files WHERE path = ?"),
      insertFile: db.prepare(
        `INSERT INTO files(path, watch, user, size, mtime_ms, dev, ino, state, reason, fileset, last_event_ms, seen_at)
         VALUES (@path, @watch, @user, @size, @mtime_ms, @dev, @ino, @state, @reason, @fileset, @last_event_ms, @seen_at)`,
      ),
      updateStat: db.prepare(
        "UPDATE files SET size = ?, mtime_ms = ?, dev = ?, ino = ?, last_event_ms = ? WHERE id = ?",
      ),
      setState: db.prepare("UPDATE files SET state = ?, reason = ?, fileset = ? WHERE id = ?"),
      setReason: db.prepare("UPDATE files SET reason = ? WHERE id = ?"),
      deleteFile: db.prepare("DELETE FROM files WHERE id = ?"),
      importedByInode: db.prepare("SELECT * FROM files WHERE dev = ? AND ino = ? AND state = 'imported'"),
      importedVersion: db.prepare(
        `SELECT ff.fileset AS fileset FROM fileset_files ff JOIN filesets f ON f.id = ff.fileset
         WHERE ff.path = ? AND ff.size = ? AND ff.mtime_ms = ? AND f.state = 'imported' LIMIT 1`,
      ),
      fileset: db.prepare("SELECT * FROM filesets WHERE id = ?"),
      setFilesetState: db.prepare("UPDATE filesets SET state = ? WHERE id = ?"),
      members: db.prepare("SELECT * FROM files WHERE fileset = ? ORDER BY path"),
      memberPaths: db.prepare("SELECT path FROM fileset_files WHERE fileset = ? ORDER BY ord"),
      snapshot: db.prepare("SELECT path, size, mtime_ms FROM fileset_files WHERE fileset = ? ORDER BY ord"),
      // `+column` keeps SQLite off the (watch, user, state) index for these ranged reads: the path
      // index visits only the range, the other would scan every file of the watch per call.
      pathsAfter: db.prepare("SELECT path FROM files WHERE +watch = ? AND path > ? AND path < ? ORDER BY path LIMIT ?"),
      partitionRows: db.prepare(
        `SELECT fi.path, fi.size, fi.mtime_ms, fi.fileset, fi.state, fi.id FROM files fi
         LEFT JOIN filesets f ON f.id = fi.fileset
         WHERE +fi.watch = ? AND +fi.user = ? AND fi.path >= ? AND fi.path < ? AND +fi.state IN ('pending','grouped')
           AND (fi.fileset IS NULL OR f.state = 'waiting')`,
      ),
      partitionIgnored: db.prepare(
        `SELECT path, size, mtime_ms, id FROM files
         WHERE +watch = ? AND +user = ? AND path >= ? AND path < ? AND +state = 'ignored'`,
      ),
      insertFileset: db.prepare(
        `INSERT INTO filesets(watch, user, key, reader, entry, state, importer, created_at)
         VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?)`,
      ),
      updateFileset: db.prepare("UPDATE filesets SET key = ?, reader = ?, entry = ? WHERE id = ?"),
      clearMembers: db.prepare("DELETE FROM fileset_files WHERE fileset = ?"),
      addMember: db.prepare("INSERT INTO fileset_files(fileset, ord, path) VALUES (?, ?, ?)"),
      readyPage: db.prepare(
        `SELECT f.id, f.user FROM filesets f JOIN files fi ON fi.fileset = f.id
         WHERE f.state = 'waiting' AND f.watch = ? AND f.id > ?
         GROUP BY f.id HAVING MAX(fi.last_event_ms) <= ? ORDER BY f.id LIMIT ?`,
      ),
      addSnapshotMember: db.prepare(
        "INSERT INTO fileset_files(fileset, ord, path, size, mtime_ms, dev, ino) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      queueJob: db.prepare(
        `INSERT INTO jobs(fileset, queued_at, not_before_ms, base_attempts) VALUES (?, ?, 0, ?)
         ON CONFLICT(fileset) DO UPDATE SET queued_at = excluded.queued_at, not_before_ms = 0`,
      ),
      firstQueuedPair: db.prepare(
        "SELECT watch, user FROM filesets WHERE state = 'queued' ORDER BY state, watch, user LIMIT 1",
      ),
      // Two plain range seeks: SQLite walks the index for an OR or a row-value bound.
      nextQueuedUser: db.prepare(
        "SELECT watch, user FROM filesets WHERE state = 'queued' AND watch = ? AND user > ? ORDER BY user LIMIT 1",
      ),
      nextQueuedWatch: db.prepare(
        "SELECT watch, user FROM filesets WHERE state = 'queued' AND watch > ? ORDER BY watch, user LIMIT 1",
      ),
      queuedHead: db.prepare(
        `SELECT f.id FROM filesets f JOIN jobs j ON j.fileset = f.id
         WHERE f.state = 'queued' AND f.watch = ? AND f.user = ? AND j.not_before_ms <= ? ORDER BY f.id LIMIT 1`,
      ),
      nextBackoff: db.prepare(
        // CROSS JOIN: jobs first, by the not_before_ms index (else SQLite scans every queued fileset).
        `SELECT j.not_before_ms FROM jobs j CROSS JOIN filesets f ON f.id = j.fileset
         WHERE j.not_before_ms > ? AND f.state = 'queued' ORDER BY j.not_before_ms LIMIT 1`,
      ),
      nextReady: db.prepare(
        `SELECT MIN(last) AS at FROM (SELECT MAX(fi.last_event_ms) AS last FROM filesets f
         JOIN files fi ON fi.fileset = f.id WHERE f.state = 'waiting' AND f.watch = ? GROUP BY f.id)
         WHERE last > ?`,
      ),
    };
  }

  // ---------------------------------------------------------------- plumbing

  /** Run `fn` after every earlier ledger task. */
  serial<T>(fn: () => Promise<T> | T): Promise<T> {
    // After stop() the ledger is closed: later tasks (a tick requested by a finishing import) are dropped.
    const p = this.chain.then(() => (this.closed ? (undefined as T) : fn()));
    this.chain = p.catch((e: unknown) => {
      this.log.error(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    return p;
  }

  /** Resolves once everything queued so far on the serial chain is done. */
  drain(): Promise<void> {
    return this.serial(() => undefined);
  }

  private once(key: string, level: "warn" | "error" | "info", msg: string): void {
    if (this.loggedOnce.has(key)) {
      this.log.debug(msg);
      return;
    }
    this.loggedOnce.add(key);
    this.log.log(level, msg);
  }

  /**
   * Log the lines of one burst (new filesets, queued filesets): each line up to BURST_LINES, then
   * one summary. A 100,000-file drop must not queue 200,000 lines in the logger (hundreds of MiB),
   * nor build them first: a Burst keeps BURST_LINES lines and the last one.
   */
  private logBurst(b: Burst, summary: (n: number, first: string, last: string) => string): void {
    if (b.n <= BURST_LINES) {
      for (const l of b.lines) this.log.info(l);
      return;
    }
    this.log.info(summary(b.n, b.lines[0]!, b.last));
  }

  private wake(at: number): void {
    if (this.stopping) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.requestTick();
      },
      Math.max(0, at - this.now()),
    );
  }

  /**
   * Defer grouping and readiness until resumeTicks (a reconciliation: regrouping and re-scanning
   * readiness between every directory of a 100,000-file walk made a cold start take minutes).
   * Imports keep being scheduled; what became dirty meanwhile is grouped once per folder by the
   * first tick after resumeTicks.
   */
  pauseTicks(): void {
    this.ticksPaused += 1;
  }

  resumeTicks(): void {
    if (this.ticksPaused > 0) this.ticksPaused -= 1;
    if (this.ticksPaused === 0 && this.tickDeferred) {
      this.tickDeferred = false;
      this.requestTick();
    }
  }

  requestTick(): void {
    if (this.ticksPaused > 0) this.tickDeferred = true;
    if (this.tickQueued || this.stopping) return;
    this.tickQueued = true;
    void this.serial(async () => {
      this.tickQueued = false;
      await this.tick();
    });
  }

  private markDirty(watch: number, user: string, p: string, now: number, leftFileset: number | null = null): void {
    const k = `${watch}\0${user}`;
    const part = groupingPartition(this.userRootOf(watch, user), p);
    const d = this.dirty.get(k);
    if (d) {
      d.paths += 1;
      d.parts.add(part);
      if (leftFileset !== null) d.left.add(leftFileset);
    } else
      this.dirty.set(k, {
        watch,
        user,
        first: now,
        paths: 1,
        parts: new Set([part]),
        left: new Set(leftFileset === null ? [] : [leftFileset]),
      });
    this.readinessStale = true;
    // Whoever made it dirty (an event, a re-stat, an import completion), the next tick plans its grouping.
    this.requestTick();
  }

  private userRootOf(watch: number, user: string): string {
    const w = this.watchOf(watch);
    return w.user === "default" ? path.join(path.resolve(w.watchDir), user) : path.resolve(w.watchDir);
  }

  private watchOf(i: number): WatchConfig {
    return this.cfg.watches[i]!;
  }

  // ---------------------------------------------------------------- intake

  /** Apply one event block to the ledger (on the serial chain). */
  async applyBlock(watch: number, block: EventBlock): Promise<void> {
    const files: string[] = [];
    const dirDeletes: string[] = [];
    for (const e of block.events) {
      if (e.isDir) {
        if (e.type === "Delete") dirDeletes.push(e.path);
        continue;
      }
      files.push(e.path);
    }
    await this.observePaths(watch, files);
    for (const d of dirDeletes) await this.observeDirGone(watch, d);
    this.requestTick();
  }

  /** Stat each path (gone = Delete) and record what is there now. */
  async observePaths(watch: number, paths: string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < paths.length; i += 512) {
      const chunk = paths.slice(i, i + 512);
      const seen: Seen[] = [];
      const rootCache = new Map<string, Promise<string | null>>();
      for (let j = 0; j < chunk.length; j += STAT_CONCURRENCY) {
        const part = chunk.slice(j, j + STAT_CONCURRENCY);
        seen.push(...(await Promise.all(part.map((p) => this.look(watch, p, rootCache)))));
      }
      const now = this.now();
      this.db.transaction(() => {
        for (const s of seen) if (this.observe(watch, s, now)) n += 1;
      })();
    }
    return n;
  }

  private async observeDirGone(watch: number, dir: string): Promise<void> {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    const hi = `${prefix.slice(0, -1)}0`;
    // Paged by path: a deleted folder of 100,000 files is never read into one array.
    let after = prefix;
    for (;;) {
      const rows = this.st.pathsAfter.raw().all(watch, after, hi, RECONCILE_BATCH) as [string][];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]![0];
      await this.observePaths(
        watch,
        rows.map((r) => r[0]),
      );
    }
  }

  private async look(watch: number, p: string, rootCache: Map<string, Promise<string | null>>): Promise<Seen> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return { path: p, st: null, isFile: false, refusal: null };
      return { path: p, st: null, isFile: true, refusal: `unreadable: ${code ?? String(e)}` };
    }
    const info = { size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
    if (!st.isFile()) return { path: p, st: info, isFile: false, refusal: null };
    const d = userOfPath(this.watchOf(watch), p);
    if (d.kind !== "user") return { path: p, st: info, isFile: true, refusal: null };
    let root = rootCache.get(d.userRoot);
    if (!root) {
      root = fs.promises.realpath(d.userRoot).catch(() => null);
      rootCache.set(d.userRoot, root);
    }
    const [realRoot, realFile] = await Promise.all([root, fs.promises.realpath(p).catch(() => null)]);
    if (!realRoot || !realFile) return { path: p, st: info, isFile: true, refusal: "cannot resolve its real path" };
    return { path: p, st: info, isFile: true, refusal: containmentProblem(realRoot, realFile, p) };
  }

  /** Record one observation (sync, inside a transaction). Returns true when the ledger changed. */
  private observe(watch: number, s: Seen, now: number): boolean {
    const row = this.st.fileByPath.get(s.path) as FileRow | undefined;
    if (s.st === null && !(s.isFile && s.refusal)) return row ? this.gone(row, now) : false;
    if (s.st && !s.isFile) return row ? this.gone(row, now) : false;
    const w = this.watchOf(watch);
    const d = userOfPath(w, s.path);
    if (d.kind === "outside") return false;
    const user = d.kind === "user" ? d.user : (d.user ?? "");
    const stat = s.st ?? { size: 0, mtimeMs: 0, dev: null as unknown as number, ino: null as unknown as number };
    let refusal = d.kind === "refused" ? d.reason : s.refusal;
    if (!refusal && s.st) {
      const name = s.path.slice(s.path.lastIndexOf("/") + 1);
      if (!matchesWhitelist(name, this.whitelists[watch]!)) {
        return this.upsertSimple(row, watch, user, s, stat, "ignored", "excluded by the watch's whitelist", now);
      }
    }
    if (refusal) {
      if (d.kind === "refused")
        this.once(`outside:${s.path}`, "error", `File added outside user directories: ${s.path}`);
      else this.once(`refused:${s.path}:${refusal}`, "warn", `refused ${s.path}: ${refusal}`);
      if (row && row.state === "imported") return false;
      refusal = refusal.slice(0, 500);
      return this.upsertSimple(row, watch, user, s, stat, "refused", refusal, now);
    }
    const st = s.st!;
    if (!row) {
      // Same content as an imported file whose path is gone: a rename or move, not a new file.
      for (const cand of this.st.importedByInode.all(st.dev, st.ino) as FileRow[]) {
        // Same inode and size: the same content (a touch on the way does not make it new, as below).
        if (cand.size !== st.size || cand.user !== user) continue;
        let oldStillThere = false;
        try {
          const o = fs.statSync(cand.path);
          oldStillThere = o.ino === st.ino && o.dev === st.dev;
        } catch {
          oldStillThere = false;
        }
        if (!oldStillThere) {
          this.db
            .prepare("UPDATE files SET path = ?, watch = ?, mtime_ms = ?, reason = ? WHERE id = ?")
            .run(s.path, watch, st.mtimeMs, `renamed after import from ${cand.path}; not reimported`, cand.id);
          this.db
            .prepare("UPDATE fileset_files SET path = ? WHERE fileset = ? AND path = ?")
            .run(s.path, cand.fileset, cand.path);
          this.log.info(`[fileset ${cand.fileset}] ${cand.path} renamed to ${s.path} after import: not reimported`);
          return true;
        }
        this.insert(
          watch,
          user,
          s.path,
          st,
          "imported",
          `hard link of ${cand.path}, already imported`,
          cand.fileset,
          now,
        );
        return true;
      }
      const prev = this.st.importedVersion.get(s.path, st.size, st.mtimeMs) as { fileset: number } | undefined;
      if (prev) {
        this.insert(
          watch,
          user,
          s.path,
          st,
          "imported",
          `already imported (same path, size and mtime)`,
          prev.fileset,
          now,
        );
        return true;
      }
      this.insert(watch, user, s.path, st, "pending", NOT_GROUPED, null, now);
      this.markDirty(watch, user, s.path, now);
      return true;
    }
    if (row.state === "imported") return this.importedSeenAgain(row, st, now);
    const changedStat = row.size !== st.size || row.mtime_ms !== st.mtimeMs || row.dev !== st.dev || row.ino !== st.ino;
    if (row.state === "ignored" || row.state === "refused") {
      if (!changedStat && row.state === "ignored" && row.reason !== "excluded by the watch's whitelist") return false;
      this.st.updateStat.run(st.size, st.mtimeMs, st.dev, st.ino, now, row.id);
      this.st.setState.run("pending", NOT_GROUPED, null, row.id);
      this.markDirty(row.watch, row.user, row.path, now);
      return true;
    }
    // pending or grouped: any event restarts the quiet period of its fileset.
    this.st.updateStat.run(st.size, st.mtimeMs, st.dev, st.ino, now, row.id);
    if (row.fileset !== null) this.unqueue(row.fileset, `${row.path} changed`);
    this.markDirty(row.watch, row.user, row.path, now);
    return true;
  }

  private upsertSimple(
    row: FileRow | undefined,
    watch: number,
    user: string,
    s: Seen,
    stat: { size: number; mtimeMs: number; dev: number; ino: number },
    state: "refused" | "ignored",
    reason: string,
    now: number,
  ): boolean {
    if (!row) {
      this.insert(watch, user, s.path, stat, state, reason, null, now);
      return true;
    }
    if (row.state === state && row.reason === reason && row.size === stat.size && row.mtime_ms === stat.mtimeMs)
      return false;
    this.st.updateStat.run(stat.size, stat.mtimeMs, stat.dev, stat.ino, now, row.id);
    this.st.setState.run(state, reason, null, row.id);
    if (row.fileset !== null && row.state === "grouped") {
      this.unqueue(row.fileset, `${row.path} is now ${state}`);
      this.markDirty(row.watch, row.user, row.path, now, row.fileset);
    }
    return true;
  }

  private insert(
    watch: number,
    user: string,
    p: string,
    st: { size: number; mtimeMs: number; dev: number | null; ino: number | null },
    state: string,
    reason: string | null,
    fileset: number | null,
    now: number,
  ): void {
    this.st.insertFile.run({
      path: p,
      watch,
      user,
      size: st.size,
      mtime_ms: st.mtimeMs,
      dev: st.dev,
      ino: st.ino,
      state,
      reason,
      fileset,
      last_event_ms: now,
      seen_at: new Date(now).toISOString(),
    });
  }

  /** An event for a file already imported: touch, rename back, or a real modification. */
  private importedSeenAgain(row: FileRow, st: NonNullable<Seen["st"]>, now: number): boolean {
    if (row.size === st.size && row.mtime_ms === st.mtimeMs) {
      if (row.reason === GONE_AFTER_IMPORT || row.dev !== st.dev || row.ino !== st.ino) {
        this.db.prepare("UPDATE files SET dev = ?, ino = ?, reason = NULL WHERE id = ?").run(st.dev, st.ino, row.id);
        return true;
      }
      return false;
    }
    if (row.size === st.size && row.dev === st.dev && row.ino === st.ino) {
      // Same inode, same size, new mtime: a touch (or a chmod that rewrote nothing). Not new content.
      this.db.prepare("UPDATE files SET mtime_ms = ?, reason = NULL WHERE id = ?").run(st.mtimeMs, row.id);
      this.log.debug(`[fileset ${row.fileset}] ${row.path} touched after import: not reimported`);
      return true;
    }
    const was = `${row.size} bytes, mtime ${new Date(row.mtime_ms).toISOString()}`;
    const is = `${st.size} bytes, mtime ${new Date(st.mtimeMs).toISOString()}`;
    if (this.cfg.global.reimportModified) {
      this.st.updateStat.run(st.size, st.mtimeMs, st.dev, st.ino, now, row.id);
      this.st.setState.run("pending", NOT_GROUPED, null, row.id);
      this.log.warn(
        `[fileset ${row.fileset}] ${row.path} modified after import (was ${was}, now ${is}): reimporting (omero.fs.reimportModified=true)`,
      );
      this.markDirty(row.watch, row.user, row.path, now);
      return true;
    }
    const reason = `modified after import (imported ${was}; now ${is}): not reimported (set omero.fs.reimportModified=true to reimport)`;
    if (row.reason === reason) return false;
    this.st.setReason.run(reason, row.id);
    this.log.warn(`[fileset ${row.fileset}] ${row.path} ${reason}`);
    return true;
  }

  /** The path is gone from disk. */
  private gone(row: FileRow, now: number): boolean {
    if (row.state === "imported") {
      if (row.reason === GONE_AFTER_IMPORT) return false;
      this.st.setReason.run(GONE_AFTER_IMPORT, row.id);
      return true;
    }
    this.st.deleteFile.run(row.id);
    this.probes.delete(row.path);
    if (row.fileset !== null && row.state === "grouped") {
      this.unqueue(row.fileset, `${row.path} was deleted`);
      this.markDirty(row.watch, row.user, row.path, now, row.fileset);
    } else if (row.state === "pending") {
      this.markDirty(row.watch, row.user, row.path, now);
    }
    this.log.debug(`${row.path} deleted before import`);
    return true;
  }

  /** A member of a queued fileset changed: back to waiting (it must be quiet and regrouped again). */
  private unqueue(fileset: number, why: string): void {
    const f = this.st.fileset.get(fileset) as { state: string } | undefined;
    if (f?.state !== "queued") return;
    this.st.setFilesetState.run("waiting", fileset);
    this.db.prepare("DELETE FROM jobs WHERE fileset = ?").run(fileset);
    this.readinessStale = true;
    this.log.info(`[fileset ${fileset}] back to waiting: ${why}`);
  }

  // ---------------------------------------------------------------- grouping

  /**
   * Regroup the partitions (first folders below the user's folder) of one (watch, user) that
   * changed since the last run, one at a time: filesets never span two partitions, so each run
   * reads only its own folder's files from the ledger and the working memory is bounded by the
   * largest folder, not by the whole drop.
   */
  private async regroup(watch: number, user: string): Promise<void> {
    const k = `${watch}\0${user}`;
    const d = this.dirty.get(k);
    this.dirty.delete(k);
    this.readinessStale = true;
    const userRoot = this.userRootOf(watch, user);
    const created = new Burst();
    for (const part of d?.parts ?? []) await this.regroupPartition(watch, user, userRoot, part, created);
    this.cancelEmpty(watch, user, d?.left ?? new Set());
    this.logBurst(created, (n, first, last) => `${n} new filesets waiting for ${user} (${first} ... ${last})`);
  }

  private async regroupPartition(
    watch: number,
    user: string,
    userRoot: string,
    part: string,
    created: Burst,
  ): Promise<void> {
    // The root partition ("") is the files directly in the user's folder plus the companion
    // folders Bio-Formats pairs with them: read the user's range and keep what belongs to it.
    const lo = part === "" ? `${userRoot}/` : `${userRoot}/${part}/`;
    const hi = part === "" ? `${userRoot}0` : `${userRoot}/${part}0`;
    const inPart = part === "" ? (p: string) => groupingPartition(userRoot, p) === "" : () => true;
    const rows: [string, number, number, number | null, string, number][] = [];
    for (const r of this.st.partitionRows.raw().iterate(watch, user, lo, hi) as Iterable<
      [string, number, number, number | null, string, number]
    >)
      if (inPart(r[0])) rows.push(r);
    if (rows.length === 0) return;
    // Ignored files of the same folders take part too: a companion can turn an ignored name into a member.
    const dirs = new Set(rows.map((r) => r[0].slice(0, r[0].lastIndexOf("/"))));
    const ignored: [string, number, number, number][] = [];
    for (const r of this.st.partitionIgnored.raw().iterate(watch, user, lo, hi) as Iterable<
      [string, number, number, number]
    >)
      if (dirs.has(r[0].slice(0, r[0].lastIndexOf("/"))) && inPart(r[0])) ignored.push(r);
    const catalogue = this.catalogues[watch]!;
    const input: CandidateFile[] = [];
    const ids = new Map<string, number>();
    const current = new Map<string, number | null>();
    const toProbe: { c: CandidateFile; mtimeMs: number }[] = [];
    for (const [p, size, mtimeMs, fileset, , id] of rows) {
      const c: CandidateFile = { path: p, size };
      input.push(c);
      ids.set(p, id);
      current.set(p, fileset);
      if (needsHeader(p, catalogue)) {
        const cached = this.probes.get(p, size, mtimeMs);
        if (cached) c.probe = cached;
        else toProbe.push({ c, mtimeMs });
      }
    }
    for (const [p, size, , id] of ignored) {
      input.push({ path: p, size });
      ids.set(p, id);
      current.set(p, null);
    }
    for (let i = 0; i < toProbe.length; i += PROBE_CONCURRENCY) {
      await Promise.all(
        toProbe.slice(i, i + PROBE_CONCURRENCY).map(async ({ c, mtimeMs }) => {
          try {
            const probe = trimProbe(c.path, await probeFile(c.path));
            c.probe = probe;
            this.probes.set(c.path, c.size, mtimeMs, probe);
          } catch {
            // Unreadable now (deleted, being replaced): decided without content; re-probed next time.
          }
        }),
      );
    }
    const g = groupFilesets(input, catalogue);
    const grouping: GroupingLike = { filesets: g.filesets, ignored: g.ignored, pending: g.pending };
    const existing = new Map<number, ExistingFileset>();
    for (const id of current.values()) {
      if (id === null || existing.has(id)) continue;
      const f = this.st.fileset.get(id) as { entry: string; reader: string | null } | undefined;
      if (!f) continue;
      const files = (this.st.memberPaths.raw().all(id) as [string][]).map((r) => r[0]);
      existing.set(id, { id, entry: f.entry, reader: f.reader, files });
    }
    // Waiting filesets left with no member at all (every file deleted) are cancelled by cancelEmpty.
    const ops = applyGrouping(grouping, current, existing);
    const stamp = new Date(this.now()).toISOString();
    this.db.transaction(() => {
      const newIds: number[] = [];
      const insertFs = this.st.insertFileset;
      const updateFs = this.st.updateFileset;
      const clearMembers = this.st.clearMembers;
      const addMember = this.st.addMember;
      for (const u of ops.upserts) {
        let id = u.id;
        if (id === null) {
          id = Number(
            insertFs.run(watch, user, u.key, u.reader, u.entry, this.cfg.global.importer, stamp).lastInsertRowid,
          );
          created.add(
            `[fileset ${id}] waiting: ${u.entry} (${u.files.length} file${u.files.length === 1 ? "" : "s"}, ${u.reader}) for ${user}`,
          );
        } else if (u.changed) {
          updateFs.run(u.key, u.reader, u.entry, id);
          this.log.info(`[fileset ${id}] regrouped: ${u.entry} (${u.files.length} files)`);
        }
        if (u.changed) {
          clearMembers.run(id);
          for (const [i, p] of u.files.entries()) addMember.run(id, i, p);
        }
        newIds.push(id);
      }
      for (const id of ops.cancelled) {
        clearMembers.run(id);
        this.db.prepare("DELETE FROM filesets WHERE id = ? AND state = 'waiting'").run(id);
        this.log.info(`[fileset ${id}] cancelled: its files were deleted or joined another fileset`);
      }
      for (const [p, a] of ops.files) {
        const id = ids.get(p);
        if (id === undefined) continue;
        if (a.state === "grouped") this.st.setState.run("grouped", null, newIds[a.upsert]!, id);
        else this.st.setState.run(a.state, a.reason.slice(0, 1000), null, id);
      }
    })();
    for (const [p, a] of ops.files) if (a.state === "ignored") this.probes.delete(p);
  }

  /**
   * Cancel waiting filesets with no file left: those in `ids` (filesets files left since the last
   * run), or with `ids` null every one of the user (at start, after a crash lost that memory).
   */
  private cancelEmpty(watch: number, user: string, ids: Set<number> | null): void {
    const empty =
      ids === null
        ? (
            this.db
              .prepare(
                `SELECT f.id FROM filesets f WHERE f.watch = ? AND f.user = ? AND f.state = 'waiting'
                 AND NOT EXISTS (SELECT 1 FROM files fi WHERE fi.fileset = f.id)`,
              )
              .raw()
              .all(watch, user) as [number][]
          ).map((r) => r[0])
        : [...ids].filter(
            (id) =>
              this.db
                .prepare(
                  `SELECT 1 FROM filesets f WHERE f.id = ? AND f.state = 'waiting'
                   AND NOT EXISTS (SELECT 1 FROM files fi WHERE fi.fileset = f.id)`,
                )
                .get(id) !== undefined,
          );
    for (const id of empty) {
      this.db.prepare("DELETE FROM fileset_files WHERE fileset = ?").run(id);
      this.db.prepare("DELETE FROM filesets WHERE id = ?").run(id);
      this.log.info(`[fileset ${id}] cancelled: its files were deleted before import`);
    }
  }

  // ---------------------------------------------------------------- the tick

  private async tick(): Promise<void> {
    if (this.stopping) return;
    if (this.ticksPaused > 0) {
      // Grouping and readiness wait for resumeTicks; imports already queued still start.
      this.tickDeferred = true;
      const at = this.schedule();
      if (Number.isFinite(at)) this.wake(at);
      return;
    }
    const now0 = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const d of [...this.dirty.values()]) {
      const w = this.watchOf(d.watch);
      const due = groupingDueAt(
        { firstDirtyMs: d.first, dirtyPaths: d.paths },
        {
          waitMs: w.dirImportWait * 1000,
          fileBatch: w.fileBatch,
        },
      );
      if (due <= now0) await this.regroup(d.watch, d.user);
      else next = Math.min(next, due);
    }
    const now = this.now();
    // The readiness scan runs only when something changed or the earliest quiet period ends, not
    // on every import completion (O(n^2) in a 10,000-file burst). It pages through the ready
    // filesets (never reading every waiting one at once) and queues at most READY_BATCH per tick,
    // so imports start and events get their turn during a 100,000-file drop.
    if (now >= this.nextReadyAt || (this.readinessStale && now >= this.scanNotBefore)) {
      const t0 = this.now();
      this.readinessStale = false;
      this.nextReadyAt = Number.POSITIVE_INFINITY;
      const queued = new Burst();
      let budget = READY_BATCH;
      for (const w of this.cfg.watches) {
        const waitMs = w.dirImportWait * 1000;
        const cutoff = now - waitMs;
        let after = 0;
        while (budget > 0) {
          const page = this.st.readyPage.raw().all(w.index, after, cutoff, Math.min(budget, 500)) as [number, string][];
          if (page.length === 0) break;
          for (const [id, user] of page) {
            after = id;
            budget -= 1;
            // New events for this user not yet grouped could belong to this fileset: group first.
            if (this.dirty.has(`${w.index}\0${user}`)) {
              await this.regroup(w.index, user);
              next = Math.min(next, this.now());
              continue;
            }
            if (await this.tryQueue(id)) queued.add(`[fileset ${id}] queued`);
          }
        }
        if (budget === 0) break;
        const at = (this.st.nextReady.get(w.index, cutoff) as { at: number | null }).at;
        if (at !== null) this.nextReadyAt = Math.min(this.nextReadyAt, readyAt(at, waitMs));
      }
      // A change makes the next scan due, but no sooner than ten times this one's cost: a
      // readiness scan over 90,000 waiting filesets per event would make intake quadratic, and a
      // fileset queued a little after its quiet period is still correct.
      this.scanNotBefore = this.now() + Math.min(1000, 9 * (this.now() - t0));
      // More may be ready: look again at once (after the imports this tick starts).
      if (budget === 0) {
        this.readinessStale = true;
        this.scanNotBefore = 0;
      }
      this.logBurst(
        queued,
        (n, first, last) => `${n} filesets queued (${first} ... ${last}); each logs when it starts and ends`,
      );
    }
    next = Math.min(next, this.nextReadyAt, this.readinessStale ? Math.max(this.now(), this.scanNotBefore) : next);
    next = Math.min(next, this.schedule());
    if (Number.isFinite(next)) this.wake(next);
  }

  /** Re-stat every member; queue the fileset if nothing moved since the last event. */
  private async tryQueue(id: number): Promise<boolean> {
    const members = this.st.members.all(id) as FileRow[];
    if (members.length === 0) return false;
    const stats = await Promise.all(members.map((m) => fs.promises.stat(m.path).catch(() => null)));
    const verdict = stability(
      members.map((m, i) => ({
        recorded: { size: m.size, mtimeMs: m.mtime_ms },
        now: stats[i] ? { size: stats[i]!.size, mtimeMs: stats[i]!.mtimeMs } : null,
      })),
    );
    const now = this.now();
    if (verdict !== "stable") {
      // A changed member is a new event (the quiet period restarts); a missing one a delete.
      await this.observePaths(
        members[0]!.watch,
        members.map((m) => m.path),
      );
      return false;
    }
    const f = this.st.fileset.get(id) as { state: string; entry: string; attempts: number };
    if (f.state !== "waiting") return false;
    const stamp = new Date(now).toISOString();
    this.db.transaction(() => {
      this.st.setFilesetState.run("queued", id);
      this.st.clearMembers.run(id);
      const add = this.st.addSnapshotMember;
      const ordered = [...members].sort((a, b) =>
        a.path === f.entry ? -1 : b.path === f.entry ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
      );
      for (const [i, m] of ordered.entries()) add.run(id, i, m.path, m.size, m.mtime_ms, m.dev, m.ino);
      this.st.queueJob.run(id, stamp, f.attempts);
    })();
    for (const m of members) this.probes.delete(m.path);
    return true;
  }

  // ---------------------------------------------------------------- scheduling and imports

  /** Start what the scheduler allows; returns when to look again (Infinity: on an event). */
  private schedule(): number {
    if (this.stopping) return Number.POSITIVE_INFINITY;
    const cfg = {
      concurrency: this.cfg.global.importConcurrency,
      throttleMs: (w: number) => this.watchOf(w).throttleImport * 1000,
    };
    // Only the head of each (watch, user) queue can start next (oldest first within a user), so
    // the scheduler sees one candidate per user instead of every queued job: the (watch, user)
    // pairs with queued filesets are found by skipping through the (state, watch, user, id) index
    // and each head by one indexed lookup, O(users x log n) per start rather than a scan of every
    // queued fileset (90,000 after a cold start).
    let wake = Number.POSITIVE_INFINITY;
    while (this.running.size < cfg.concurrency) {
      const now = this.now();
      const jobs: SchedJob[] = [];
      let key: [number, string] | null = (this.st.firstQueuedPair.raw().get() as [number, string] | undefined) ?? null;
      while (key) {
        const [watch, user] = key;
        const head = this.st.queuedHead.raw().get(watch, user, now) as [number] | undefined;
        if (head) jobs.push({ id: head[0], watch, user, notBefore: 0 });
        key =
          (this.st.nextQueuedUser.raw().get(watch, user) as [number, string] | undefined) ??
          (this.st.nextQueuedWatch.raw().get(watch) as [number, string] | undefined) ??
          null;
      }
      const d = pickJobs(jobs, this.running.size, this.sched, cfg, now);
      if (d.wakeAt !== null) wake = Math.min(wake, d.wakeAt);
      if (d.start.length === 0) break;
      for (const j of d.start) this.startJob(j.id);
    }
    const backoff = { at: (this.st.nextBackoff.raw().get(this.now()) as [number] | undefined)?.[0] ?? null };
    if (backoff.at !== null) wake = Math.min(wake, backoff.at);
    return wake;
  }

  private requestOf(id: number): ImportRequest {
    const f = this.st.fileset.get(id) as { watch: number; user: string; entry: string; reader: string | null };
    const files = (this.st.memberPaths.raw().all(id) as [string][]).map((r) => r[0]);
    return { filesetId: id, user: f.user, watch: this.watchOf(f.watch), entry: f.entry, files, reader: f.reader };
  }

  private startJob(id: number): void {
    const now = this.now();
    const stamp = new Date(now).toISOString();
    const f = this.st.fileset.get(id) as { attempts: number };
    const attempt = f.attempts + 1;
    this.db.transaction(() => {
      this.db.prepare("UPDATE filesets SET state = 'importing', attempts = ? WHERE id = ?").run(attempt, id);
      this.db.prepare("UPDATE jobs SET started_at = ? WHERE fileset = ?").run(stamp, id);
      this.db
        .prepare("INSERT INTO attempts(fileset, n, importer, started_at) VALUES (?, ?, ?, ?)")
        .run(id, attempt, this.importer.kind, stamp);
    })();
    const req = this.requestOf(id);
    const queuedAt = (
      this.db.prepare("SELECT queued_at FROM jobs WHERE fileset = ?").get(id) as { queued_at: string } | undefined
    )?.queued_at;
    this.log.info(
      `[fileset ${id}] started: attempt ${attempt}, ${this.importer.kind} importer, ${req.entry} (${req.files.length} file${req.files.length === 1 ? "" : "s"}) for ${req.user}, queued ${queuedAt ?? "?"}`,
    );
    const ctrl = new AbortController();
    const done = (async () => {
      let outcome: ImportOutcome;
      const verify = await this.verifySnapshot(id);
      if (verify) {
        outcome = { ok: false, retryable: true, target: null, images: null, error: verify };
      } else {
        try {
          outcome = await this.importer.run(req, {
            signal: ctrl.signal,
            timeoutMs: this.cfg.global.importTimeout * 1000,
          });
        } catch (e) {
          outcome = {
            ok: false,
            retryable: true,
            target: null,
            images: null,
            error: `importer error: ${e instanceof Error ? e.message : String(e)}`,
          };
        }
      }
      // Stopping: leave the job 'importing'; the next start asks the importer to recover it.
      if (this.stopping && ctrl.signal.aborted) return;
      await this.serial(() => this.record(id, attempt, outcome, verify !== null));
    })().finally(() => {
      this.running.delete(id);
      this.requestTick();
    });
    this.running.set(id, { ctrl, done });
  }

  /** Files changed or vanished since queueing: the import must not run on them. */
  private async verifySnapshot(id: number): Promise<string | null> {
    const snap = this.st.snapshot.all(id) as { path: string; size: number; mtime_ms: number }[];
    for (const m of snap) {
      const s = await fs.promises.stat(m.path).catch(() => null);
      if (!s) return `${m.path} disappeared before the import started`;
      if (s.size !== m.size || s.mtimeMs !== m.mtime_ms) return `${m.path} changed before the import started`;
    }
    return null;
  }

  private record(id: number, attempt: number, o: ImportOutcome, changedBeforeStart: boolean): void {
    const now = this.now();
    const stamp = new Date(now).toISOString();
    const images = o.images ? JSON.stringify(o.images) : null;
    if (changedBeforeStart) {
      // Not the importer's fault: back to waiting, the attempt does not count.
      this.db.transaction(() => {
        this.db.prepare("UPDATE filesets SET state = 'waiting', attempts = attempts - 1 WHERE id = ?").run(id);
        this.db.prepare("DELETE FROM jobs WHERE fileset = ?").run(id);
        this.db
          .prepare("UPDATE attempts SET finished_at = ?, ok = 0, error = ? WHERE fileset = ? AND n = ?")
          .run(stamp, o.error, id, attempt);
      })();
      this.log.info(`[fileset ${id}] back to waiting: ${o.error}`);
      const members = this.st.members.all(id) as FileRow[];
      if (members[0])
        void this.serial(() =>
          this.observePaths(
            members[0]!.watch,
            members.map((m) => m.path),
          ),
        );
      return;
    }
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE attempts SET finished_at = ?, ok = ?, error = ?, target = ? WHERE fileset = ? AND n = ?")
        .run(stamp, o.ok ? 1 : 0, o.error, o.target, id, attempt);
      this.db.prepare("UPDATE jobs SET finished_at = ? WHERE fileset = ?").run(stamp, id);
      if (o.ok) {
        this.db
          .prepare(
            "UPDATE filesets SET state = 'imported', imported_at = ?, target = ?, images = ?, error = NULL WHERE id = ?",
          )
          .run(stamp, o.target, images, id);
        this.db
          .prepare("UPDATE files SET state = 'imported', reason = NULL WHERE fileset = ? AND state = 'grouped'")
          .run(id);
        this.db.prepare("DELETE FROM jobs WHERE fileset = ?").run(id);
        return;
      }
      const base =
        (
          this.db.prepare("SELECT base_attempts FROM jobs WHERE fileset = ?").get(id) as
            | { base_attempts: number }
            | undefined
        )?.base_attempts ?? 0;
      const d = afterFailure(attempt - base, o.retryable, this.retry, now);
      if (d.state === "queued") {
        this.db.prepare("UPDATE filesets SET state = 'queued', error = ? WHERE id = ?").run(o.error, id);
        this.db.prepare("UPDATE jobs SET not_before_ms = ? WHERE fileset = ?").run(d.at, id);
        this.log.warn(
          `[fileset ${id}] failed (attempt ${attempt}): ${o.error}; retry in ${Math.round(d.delayMs / 1000)} s`,
        );
      } else {
        this.db
          .prepare("UPDATE filesets SET state = 'failed', error = ?, target = ? WHERE id = ?")
          .run(o.error, o.target, id);
        this.log.error(
          `[fileset ${id}] failed: ${o.error} (attempt ${attempt}; not retried: ${o.retryable ? "retries used up" : "not retryable"}; \`omero-fs imports retry ${id}\` requeues it)`,
        );
      }
    })();
    if (o.ok) {
      this.log.info(`[fileset ${id}] imported${o.target ? ` -> ${o.target}` : ""}`);
      // A member changed while it was being imported: what was imported is the old content.
      const snap = this.st.snapshot.all(id) as { path: string }[];
      const watch = (this.st.fileset.get(id) as { watch: number }).watch;
      void this.serial(() =>
        this.observePaths(
          watch,
          snap.map((s) => s.path),
        ),
      );
    }
  }

  /** Crash recovery: jobs found 'importing' at start are finished or redone (never imported twice). */
  async recover(): Promise<void> {
    for (const [watch, user] of this.db
      .prepare("SELECT DISTINCT watch, user FROM filesets WHERE state = 'waiting'")
      .raw()
      .all() as [number, string][])
      this.cancelEmpty(watch, user, null);
    const ids = (this.db.prepare("SELECT id FROM filesets WHERE state = 'importing'").raw().all() as [number][]).map(
      (r) => r[0],
    );
    for (const id of ids) {
      const req = this.requestOf(id);
      const last = this.db
        .prepare("SELECT n, target FROM attempts WHERE fileset = ? ORDER BY n DESC LIMIT 1")
        .get(id) as { n: number; target: string | null } | undefined;
      let r: Awaited<ReturnType<Importer["recover"]>>;
      try {
        r = await this.importer.recover(req, last?.target ?? null);
      } catch (e) {
        this.log.warn(
          `[fileset ${id}] recovery check failed (${e instanceof Error ? e.message : String(e)}): redoing it`,
        );
        r = { state: "redo" };
      }
      if (r.state === "done") {
        this.log.info(`[fileset ${id}] was importing when DropBox stopped; the importer finished it`);
        this.record(id, last?.n ?? 1, r.outcome, false);
      } else {
        const stamp = new Date(this.now()).toISOString();
        this.db.transaction(() => {
          this.db
            .prepare("UPDATE attempts SET finished_at = ?, ok = 0, error = ? WHERE fileset = ? AND finished_at IS NULL")
            .run(stamp, "interrupted: DropBox stopped during the import", id);
          this.db.prepare("UPDATE filesets SET state = 'queued' WHERE id = ?").run(id);
          // The interrupted run does not use up a retry.
          this.db
            .prepare(
              `INSERT INTO jobs(fileset, queued_at, not_before_ms, base_attempts) VALUES (?, ?, 0, 1)
               ON CONFLICT(fileset) DO UPDATE SET not_before_ms = 0, base_attempts = base_attempts + 1`,
            )
            .run(id, stamp);
        })();
        this.log.info(`[fileset ${id}] was importing when DropBox stopped: requeued`);
      }
    }
  }

  /** Requeue one fileset (control method `retry`). */
  retryNow(id: number, requeue: (now: number) => { id: number; state: string }): { id: number; state: string } {
    const r = requeue(this.now());
    this.log.info(`[fileset ${id}] requeued by hand`);
    this.requestTick();
    return r;
  }

  // ---------------------------------------------------------------- reconciliation

  /** Walk one watch tree and feed what the ledger does not know (coalesces concurrent requests). */
  reconcileWatch(watch: number, why: string): Promise<number> {
    const cur = this.reconciling.get(watch);
    if (cur) {
      cur.again = true;
      return cur.done;
    }
    const entry = { again: false, done: Promise.resolve(0) };
    entry.done = (async () => {
      let total = 0;
      try {
        this.pauseTicks();
        do {
          entry.again = false;
          total += await this.reconcileOnce(watch, why);
        } while (entry.again && !this.stopping);
      } finally {
        this.reconciling.delete(watch);
        this.resumeTicks();
      }
      return total;
    })();
    this.reconciling.set(watch, entry);
    return entry.done;
  }

  /**
   * One reconciliation, streamed: each directory's files are compared with the ledger rows
   * directly in it (one ranged query) and the differences observed, on the serial chain, a
   * directory at a time; known files whose directory was not walked at all are found by paging
   * through the ledger at the end. Nothing proportional to the tree is held in memory but the set
   * of walked directories.
   */
  private async reconcileOnce(watch: number, why: string): Promise<number> {
    const w = this.watchOf(watch);
    const t0 = this.now();
    const visited = new Set<string>();
    // Gone files are held back until the walk has found a file: a tree that walks empty while the
    // ledger knows files in it is an alarm (unmounted share), never a mass delete.
    let heldGone: string[] = [];
    let walkedFiles = 0;
    let changed = 0;
    let gone = 0;
    const observe = async (paths: string[]) => {
      for (let i = 0; i < paths.length; i += RECONCILE_BATCH) {
        const part = paths.slice(i, i + RECONCILE_BATCH);
        await this.serial(() => this.observePaths(watch, part));
      }
    };
    const children = this.db.prepare(
      `SELECT path, size, mtime_ms, state, reason FROM files
       WHERE +watch = ? AND path >= ? AND path < ? AND instr(substr(path, ?), '/') = 0`,
    );
    const summary = await walkWatchDirs(w, async (dir, files) => {
      visited.add(dir);
      walkedFiles += files.length;
      const prefix = `${dir}/`;
      const known = (
        children.raw().all(watch, prefix, `${dir}0`, prefix.length + 1) as [
          string,
          number,
          number,
          string,
          string | null,
        ][]
      ).map(([p, size, mtimeMs, state, reason]) => ({
        path: p,
        size,
        mtimeMs,
        state,
        goneAfterImport: state === "imported" && reason === GONE_AFTER_IMPORT,
      }));
      const d = diffFiles(files, known);
      changed += d.changed.length;
      gone += d.gone.length;
      if (walkedFiles > 0 && heldGone.length > 0) {
        const held = heldGone;
        heldGone = [];
        await observe(held);
      }
      if (walkedFiles > 0) await observe([...d.changed, ...d.gone]);
      else for (const g of d.gone) heldGone.push(g);
    });
    const knownPresent = (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM files WHERE watch = ? AND NOT (state = 'imported' AND reason IS ?)")
        .get(watch, GONE_AFTER_IMPORT) as { n: number }
    ).n;
    const alarm = watchAlarm({
      watchDir: w.watchDir,
      watchDirPresent: summary.present,
      walkedFiles,
      knownPresent,
      unreadableDirs: summary.unreadableDirs.length,
    });
    if (alarm) this.once(`alarm:${watch}:${alarm}`, "error", `watch ${watch}: ${alarm}`);
    else {
      for (const k of [...this.loggedOnce]) if (k.startsWith(`alarm:${watch}:`)) this.loggedOnce.delete(k);
      if (heldGone.length > 0) await observe(heldGone);
      heldGone = [];
      // Known files in directories the walk never listed (deleted folders, now blacklisted ones):
      // paged by path so the ledger is never read whole and writes can run in between.
      const page = this.db.prepare(
        "SELECT path, state, reason FROM files WHERE +watch = ? AND path > ? ORDER BY path LIMIT ?",
      );
      let after = "";
      for (;;) {
        const rows = page.raw().all(watch, after, RECONCILE_BATCH) as [string, string, string | null][];
        if (rows.length === 0) break;
        after = rows[rows.length - 1]![0];
        const lost: string[] = [];
        for (const [p, state, reason] of rows) {
          if (state === "imported" && reason === GONE_AFTER_IMPORT) continue;
          if (visited.has(p.slice(0, p.lastIndexOf("/")))) continue;
          if (underAny(p, summary.unreadableDirs)) continue;
          lost.push(p);
        }
        gone += lost.length;
        await observe(lost);
      }
    }
    for (const d of summary.unreadableDirs) this.once(`unreadable:${d}`, "warn", `watch ${watch}: cannot read ${d}`);
    this.requestTick();
    const n = changed + gone;
    this.log.log(
      n > 0 ? "info" : "debug",
      `watch ${watch}: reconciliation (${why}): ${summary.files} files on disk, ${changed} new or changed, ${gone} gone (${this.now() - t0} ms)`,
    );
    return n;
  }

  // ---------------------------------------------------------------- counters and stop

  fileCount(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM files").get() as { n: number }).n;
  }

  /** Stop scheduling; wait for in-flight imports up to `graceMs`, then abort (they stay resumable). */
  async stop(graceMs: number): Promise<void> {
    const inflight = [...this.running.values()];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopping = true;
    if (inflight.length > 0) {
      this.log.info(`stopping: waiting up to ${Math.round(graceMs / 1000)} s for ${inflight.length} import(s)`);
      const all = Promise.all(inflight.map((r) => r.done));
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((res) => setTimeout(() => res(true), graceMs).unref()),
      ]);
      if (timedOut) {
        for (const r of this.running.values()) r.ctrl.abort();
        await Promise.race([all, new Promise((res) => setTimeout(res, 1500).unref())]);
      }
    }
    await this.chain.catch(() => undefined);
    this.closed = true;
  }
}

/** Lines of one burst: the first BURST_LINES and the last, and how many. */
class Burst {
  n = 0;
  readonly lines: string[] = [];
  last = "";
  add(line: string): void {
    this.n += 1;
    this.last = line;
    if (this.lines.length < BURST_LINES) this.lines.push(line);
  }
}

/**
 * Content probes by path, valid for one (size, mtime), so regrouping a folder that grows does not
 * re-read its files. Bounded (oldest entry dropped first): a miss only costs a re-read, and a
 * 100,000-file drop must not keep 100,000 probes.
 */
class ProbeCache {
  private readonly m = new Map<string, { size: number; mtimeMs: number; probe: FileProbe; bytes: number }>();
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get(p: string, size: number, mtimeMs: number): FileProbe | undefined {
    const e = this.m.get(p);
    return e && e.size === size && e.mtimeMs === mtimeMs ? e.probe : undefined;
  }

  set(p: string, size: number, mtimeMs: number, probe: FileProbe): void {
    this.delete(p);
    // TIFF heads are shared (trimProbe); other heads and descriptions are the probe's own.
    const own = probe.tiffDescription !== undefined ? 0 : (probe.head?.length ?? 0);
    const bytes = 100 + 2 * p.length + 2 * (probe.tiffDescription?.length ?? 0) + own;
    this.m.set(p, { size, mtimeMs, probe, bytes });
    this.bytes += bytes;
    while (this.m.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.m.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(p: string): void {
    const e = this.m.get(p);
    if (!e) return;
    this.bytes -= e.bytes;
    this.m.delete(p);
  }
}

const TIFF_HEADS = new Map<string, Buffer>();

/** Keep a small probe in memory: content rules read at most 8 KiB, index files need the whole text. */
function trimProbe(p: string, probe: FileProbe): FileProbe {
  if (wantsWholeFile(p) || !probe.head) return probe;
  if (probe.tiffDescription !== undefined) {
    // A TIFF is decided by its magic and ImageDescription: share one 8-byte head per byte order
    // instead of keeping a buffer per file (100,000 TIFFs).
    const magic = probe.head.subarray(0, 8);
    const key = magic.toString("hex");
    let head = TIFF_HEADS.get(key);
    if (!head) {
      head = Buffer.from(magic);
      if (TIFF_HEADS.size < 64) TIFF_HEADS.set(key, head);
    }
    return { head, tiffDescription: probe.tiffDescription };
  }
  if (probe.head.length <= KEEP_HEAD) return probe;
  const out: FileProbe = { head: Buffer.from(probe.head.subarray(0, KEEP_HEAD)) };
  if (probe.tiffDescription !== undefined) out.tiffDescription = probe.tiffDescription;
  return out;
}

export { isUnder };
export type { FsEvent };
