/**
 * Read queries for `files show`, the node's /metrics, its status page and its notifier. Each takes a
 * better-sqlite3 Database opened read-only (the LedgerView's); none writes. LedgerView exposes them
 * as methods.
 */
import { type AttemptJson, FILE_STATES, type FileJson, IMPORT_STATES } from "@omero-fs/protocol";
import type Database from "better-sqlite3";
import { hasPlateColumns, plateJson, plateLine } from "./plate";

import { EXISTING_REASON } from "../core/reconcile";

type Db = Database.Database;

/** core/reconcile.ts existingReason in SQL (table alias `t`): the stored reason and the command. */
export function existingReasonSql(t: string): string {
  return `coalesce(${t}.reason, '${EXISTING_REASON}') || '; import it with: omero-fs dropbox import-existing ' || ${t}.path`;
}

/** DropBox records a rename after import in the file's reason with exactly this text. */
const RENAMED_PREFIX = "renamed after import from ";
const RENAMED_SUFFIX = "; not reimported";

type FileRaw = [string, string, number, number, FileJson["state"], string | null, number | null];
const FILE_COLUMNS = `path, user, size, mtime_ms, state, CASE WHEN state = 'existing' THEN ${existingReasonSql("files")} ELSE reason END, fileset`;
const toFileJson = ([path, user, size, mtimeMs, state, reason, fileset]: FileRaw): FileJson => ({
  path,
  user,
  size,
  mtime: new Date(mtimeMs).toISOString(),
  state,
  reason,
  fileset,
});

/** A file found for `files show`: by its current path, or through a rename the ledger recorded. */
export interface FoundFile {
  file: FileJson;
  /** The path that was asked for when the file is now elsewhere (renamed or moved), else null. */
  renamedFrom: string | null;
}

/**
 * The first candidate path the ledger knows, by current path first, then as the old path of a
 * rename after import (the ledger keeps the last rename of each file in its reason).
 */
export function findFile(db: Db, candidates: string[]): FoundFile | null {
  const byPath = db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE path = ?`).raw();
  for (const p of candidates) {
    const r = byPath.get(p) as FileRaw | undefined;
    if (r) return { file: toFileJson(r), renamedFrom: null };
  }
  const byOld = db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE reason = ? ORDER BY id DESC LIMIT 1`).raw();
  for (const p of candidates) {
    const r = byOld.get(`${RENAMED_PREFIX}${p}${RENAMED_SUFFIX}`) as FileRaw | undefined;
    if (r) return { file: toFileJson(r), renamedFrom: p };
  }
  return null;
}

/** Every importer run of a fileset, oldest first. */
export function attemptsOf(db: Db, fileset: number): AttemptJson[] {
  const rows = db
    .prepare(
      "SELECT n, importer, started_at, finished_at, ok, error, target FROM attempts WHERE fileset = ? ORDER BY id",
    )
    .raw()
    .all(fileset) as [number, string, string, string | null, number | null, string | null, string | null][];
  return rows.map(([n, importer, startedAt, finishedAt, ok, error, target]) => ({
    attempt: n,
    importer,
    startedAt,
    finishedAt,
    result: finishedAt === null ? "running" : ok === 1 ? "succeeded" : "failed",
    error,
    target,
  }));
}

/** Upper bounds (seconds) of the import duration histogram's buckets. */
export const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200] as const;

/** What /metrics reads from the ledger at scrape time. */
export interface LedgerMetrics {
  filesets: Record<string, number>;
  files: Record<string, number>;
  /** created_at (ms) of the oldest fileset still waiting or queued, or null. */
  oldestWaitingMs: number | null;
  /** Finished importer runs by result, since the ledger was created. */
  attempts: { succeeded: number; failed: number };
  /** Durations of finished runs: cumulative counts per DURATION_BUCKETS bound, sum (s), count. */
  duration: { buckets: number[]; sum: number; count: number };
}

export function ledgerMetrics(db: Db): LedgerMetrics {
  const filesets: Record<string, number> = Object.fromEntries(IMPORT_STATES.map((s) => [s, 0]));
  for (const [s, n] of db.prepare("SELECT state, COUNT(*) FROM filesets GROUP BY state").raw().all() as [
    string,
    number,
  ][])
    filesets[s] = n;
  const files: Record<string, number> = Object.fromEntries(FILE_STATES.map((s) => [s, 0]));
  for (const [s, n] of db.prepare("SELECT state, COUNT(*) FROM files GROUP BY state").raw().all() as [string, number][])
    files[s] = n;
  const oldest = db
    .prepare("SELECT MIN(created_at) FROM filesets WHERE state IN ('waiting', 'queued')")
    .pluck()
    .get() as string | null;
  // Each duration computed once (MATERIALIZED): inlined into every bucket's SUM it costs 3x.
  const bucketSql = DURATION_BUCKETS.map((b) => `COALESCE(SUM(d <= ${b}), 0)`).join(", ");
  const row = db
    .prepare(
      `WITH r AS MATERIALIZED (
         SELECT ok, (julianday(finished_at) - julianday(started_at)) * 86400.0 AS d FROM attempts WHERE finished_at IS NOT NULL)
       SELECT COALESCE(SUM(ok = 1), 0), COALESCE(SUM(ok = 0), 0), COUNT(*), COALESCE(SUM(d), 0), ${bucketSql} FROM r`,
    )
    .raw()
    .get() as number[];
  return {
    filesets,
    files,
    oldestWaitingMs: oldest ? Date.parse(oldest) : null,
    attempts: { succeeded: row[0]!, failed: row[1]! },
    duration: { count: row[2]!, sum: row[3]!, buckets: row.slice(4) },
  };
}

/** A finished importer run, with its fileset's state now (for the notifier). */
export interface FinishedAttempt {
  id: number;
  fileset: number;
  n: number;
  ok: boolean;
  filesetState: string;
  /** The fileset's latest attempt number: a failure is final only when it is this one. */
  filesetAttempts: number;
}

/** Finished runs with an id above `afterId`, in id order, at most `limit`. */
export function finishedAttemptsAfter(db: Db, afterId: number, limit: number): FinishedAttempt[] {
  const rows = db
    .prepare(
      `SELECT a.id, a.fileset, a.n, a.ok, f.state, f.attempts FROM attempts a JOIN filesets f ON f.id = a.fileset
       WHERE a.id > ? AND a.finished_at IS NOT NULL ORDER BY a.id LIMIT ?`,
    )
    .raw()
    .all(afterId, limit) as [number, number, number, number | null, string, number][];
  return rows.map(([id, fileset, n, ok, filesetState, filesetAttempts]) => ({
    id,
    fileset,
    n,
    ok: ok === 1,
    filesetState,
    filesetAttempts,
  }));
}

/** The lowest id above `afterId` of a run not finished yet, or null. */
export function firstRunningAttemptAfter(db: Db, afterId: number): number | null {
  return (
    (db.prepare("SELECT MIN(id) FROM attempts WHERE id > ? AND finished_at IS NULL").pluck().get(afterId) as
      | number
      | null) ?? null
  );
}

/** The highest attempt id (0 for none). */
export function lastAttemptId(db: Db): number {
  return (db.prepare("SELECT COALESCE(MAX(id), 0) FROM attempts").pluck().get() as number) ?? 0;
}

/** One fileset as the status page shows it. */
export interface PageFileset {
  id: number;
  watch: number;
  user: string;
  state: string;
  entry: string;
  fileCount: number;
  attempts: number;
  error: string | null;
  target: string | null;
  createdAt: string;
  importedAt: string | null;
  /** Last event (ms) on any member: the quiet period counts from here. */
  lastEventMs: number | null;
  /** When a queued fileset may start (retry backoff), in ms; 0 = now. */
  notBeforeMs: number | null;
  /** When the running attempt started. */
  startedAt: string | null;
  /** HCS plates: "MetaXpress plate P1: 384 wells x 4 fields x 4 channels: 6,120 of 6,144 images". */
  plate: string | null;
  /** Why a waiting or incomplete fileset waits (readiness's last verdict). */
  waitingFor: string | null;
}

/** A file not in a fileset that the page explains (pending, refused, ignored). */
export interface PageFile {
  path: string;
  user: string;
  state: string;
  reason: string | null;
}

export interface PageData {
  users: string[];
  /** Filesets not finished (waiting, queued, importing): every importing one, and the oldest
   * `recent * 2` waiting or queued of each user (a cold start can queue 100,000), oldest first. */
  active: PageFileset[];
  /** The latest failed filesets, newest first. */
  failed: PageFileset[];
  /** The latest imported filesets per user, newest first. */
  imported: PageFileset[];
  /** Count of filesets per user and state. */
  totals: { user: string; state: string; n: number }[];
  /** Pending and refused files (newest first, capped). */
  files: PageFile[];
  /** Ignored files per user (a count: usually notes, thumbnails). */
  ignored: { user: string; n: number }[];
  /** Refused files per user (a count: `files` holds only the newest). */
  refused: { user: string; n: number }[];
}

const pageFileset = (hasPlate: boolean) => `SELECT f.id, f.user, f.state, f.entry,
  (SELECT COUNT(*) FROM fileset_files ff WHERE ff.fileset = f.id), f.attempts, f.error, f.target, f.created_at,
  f.imported_at, (SELECT MAX(x.last_event_ms) FROM files x WHERE x.fileset = f.id),
  (SELECT j.not_before_ms FROM jobs j WHERE j.fileset = f.id),
  (SELECT a.started_at FROM attempts a WHERE a.fileset = f.id AND a.finished_at IS NULL ORDER BY a.id DESC LIMIT 1),
  f.watch, ${hasPlate ? "f.plate" : "NULL"}, f.reader, f.waiting_for
  FROM filesets f`;

type PageRaw = [
  number,
  string,
  string,
  string,
  number,
  number,
  string | null,
  string | null,
  string,
  string | null,
  number | null,
  number | null,
  string | null,
  number,
  string | null,
  string | null,
  string | null,
];
const plateOf = (text: string | null, reader: string | null): string | null => {
  const p = plateJson(text, reader);
  return p ? plateLine(p) : null;
};
const toPageFileset = (r: PageRaw): PageFileset => ({
  id: r[0],
  user: r[1],
  state: r[2],
  entry: r[3],
  fileCount: r[4],
  attempts: r[5],
  error: r[6],
  target: r[7],
  createdAt: r[8],
  importedAt: r[9],
  lastEventMs: r[10],
  notBeforeMs: r[11],
  startedAt: r[12],
  watch: r[13],
  plate: plateOf(r[14], r[15]),
  waitingFor: r[2] === "waiting" || r[2] === "incomplete" ? r[16] : null,
});

/**
 * What the status page shows: everything in progress, the latest failures and imports, files
 * waiting for companions or refused. `q` (a file name fragment, case-insensitive) narrows every
 * list to filesets with a matching member and files with a matching path.
 */
export function pageData(db: Db, opts: { q?: string; recent?: number } = {}): PageData {
  const recent = opts.recent ?? 20;
  const PAGE_FILESET = pageFileset(hasPlateColumns(db));
  const q = opts.q?.trim() ? `%${opts.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const match = q
    ? "AND EXISTS (SELECT 1 FROM fileset_files m WHERE m.fileset = f.id AND m.path LIKE @q ESCAPE '\\')"
    : "";
  const all = (sql: string, args: Record<string, unknown> = {}) =>
    (
      db
        .prepare(sql)
        .raw()
        .all({ ...(q ? { q } : {}), ...args }) as PageRaw[]
    ).map(toPageFileset);
  // Newest first (the oldest waiting one is in the page's "needs attention").
  const active = all(
    `${PAGE_FILESET} WHERE f.state = 'importing' ${match} OR f.id IN (SELECT id FROM (SELECT id,
       ROW_NUMBER() OVER (PARTITION BY user ORDER BY id DESC) AS k FROM filesets f WHERE f.state IN ('waiting', 'queued', 'incomplete') ${match})
       WHERE k <= @m) ORDER BY f.id DESC`,
    { m: recent * 2 },
  );
  const failed = all(`${PAGE_FILESET} WHERE f.state = 'failed' ${match} ORDER BY f.id DESC LIMIT @n`, {
    n: recent * 5,
  });
  // The latest imports of each user: a window over the (user, state) index.
  const imported = all(
    `${PAGE_FILESET} WHERE f.id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY user ORDER BY id DESC) AS k
       FROM filesets f WHERE f.state = 'imported' ${match}) WHERE k <= @n) ORDER BY f.id DESC`,
    { n: recent },
  );
  const totals = db
    .prepare(`SELECT user, state, COUNT(*) FROM filesets f WHERE 1 ${match} GROUP BY user, state`)
    .raw()
    .all(q ? { q } : {}) as [string, string, number][];
  const files = (
    db
      .prepare(
        `SELECT path, user, state, reason FROM files WHERE state IN ('pending', 'refused')
         ${q ? "AND path LIKE @q ESCAPE '\\'" : ""} ORDER BY id DESC LIMIT @n`,
      )
      .raw()
      .all({ ...(q ? { q } : {}), n: recent * 10 }) as [string, string, string, string | null][]
  ).map(([path, user, state, reason]) => ({ path, user, state, reason }));
  const countBy = (state: string) =>
    (
      db
        .prepare(
          `SELECT user, COUNT(*) FROM files WHERE state = '${state}' ${q ? "AND path LIKE @q ESCAPE '\\'" : ""} GROUP BY user`,
        )
        .raw()
        .all(q ? { q } : {}) as [string, number][]
    ).map(([user, n]) => ({ user, n }));
  const ignored = countBy("ignored");
  const refused = countBy("refused");
  const users = new Set<string>();
  for (const x of [...active, ...failed, ...imported, ...files]) users.add(x.user);
  for (const t of totals) users.add(t[0]);
  for (const t of ignored) users.add(t.user);
  return {
    users: [...users].sort(),
    active,
    failed,
    imported,
    totals: totals.map(([user, state, n]) => ({ user, state, n })),
    files,
    ignored,
    refused,
  };
}

/** The page's rows of these filesets (the stuck ones the node picked), in the order given. */
export function pageFilesetsById(db: Db, ids: number[]): PageFileset[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(`${pageFileset(hasPlateColumns(db))} WHERE f.id IN (${ids.map(() => "?").join(",")})`)
    .raw()
    .all(...ids) as PageRaw[];
  const byId = new Map(rows.map((r) => [r[0], toPageFileset(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A fileset not finished (waiting, queued, importing), with what tells a wait from a stuck one. */
export interface PendingFileset {
  id: number;
  state: "waiting" | "queued" | "importing";
  watch: number;
  createdMs: number;
  lastEventMs: number | null;
  missingCount: number;
  released: boolean;
  /** Held for a companion file up to omero.fs.companionWait (its waiting_for says so). */
  hold: boolean;
  /** Its watch was removed from the configuration: it waits for the watch to come back. */
  retired: boolean;
  notBeforeMs: number | null;
  startedMs: number | null;
}

/** Every fileset not finished, oldest first (the node judges which are stuck: cli core/stuck.ts). */
export function pendingFilesets(db: Db): PendingFileset[] {
  const rows = db
    .prepare(
      `SELECT f.id, f.state, f.watch, f.created_at,
         (SELECT MAX(x.last_event_ms) FROM files x WHERE x.fileset = f.id),
         f.missing_count, f.released_at IS NOT NULL, COALESCE(instr(f.waiting_for, 'omero.fs.companionWait') > 0, 0),
         COALESCE(instr(f.waiting_for, 'was removed from the configuration') > 0, 0),
         (SELECT j.not_before_ms FROM jobs j WHERE j.fileset = f.id),
         (SELECT a.started_at FROM attempts a WHERE a.fileset = f.id AND a.finished_at IS NULL ORDER BY a.id DESC LIMIT 1)
       FROM filesets f WHERE f.state IN ('waiting', 'queued', 'importing') ORDER BY f.id`,
    )
    .raw()
    .all() as [
    number,
    PendingFileset["state"],
    number,
    string,
    number | null,
    number,
    number,
    number,
    number,
    number | null,
    string | null,
  ][];
  return rows.map(([id, state, watch, created, last, missing, released, hold, retired, notBefore, started]) => ({
    id,
    state,
    watch,
    createdMs: Date.parse(created),
    lastEventMs: last,
    missingCount: missing,
    released: released === 1,
    hold: hold === 1,
    retired: retired === 1,
    notBeforeMs: notBefore || null,
    startedMs: started ? Date.parse(started) : null,
  }));
}

/** When the last importer run started or ended (ms), or null when none ever ran. */
export function lastRunMs(db: Db): number | null {
  const r = db.prepare("SELECT started_at, finished_at FROM attempts ORDER BY id DESC LIMIT 1").raw().get() as
    | [string, string | null]
    | undefined;
  return r ? Date.parse(r[1] ?? r[0]) : null;
}
