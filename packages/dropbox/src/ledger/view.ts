/**
 * The read-only view of the ledger for the CLI (`imports`, `files`, `admin status`). Lists come two ways: as objects (listImports, listFiles) and as the JSON text of each
 * element (importsJson, filesJson) written by SQLite itself (json_object), so that `imports list
 * --json` on 100,000 filesets builds no JavaScript object per row and can stream its output. Both
 * give the same text: JSON.stringify(listImports(f)[k]) === [...importsJson(f)][k] (a test checks).
 */
import {
  type AttemptJson,
  FILE_STATES,
  type FileJson,
  IMPORT_STATES,
  type ImageJson,
  type ImportJson,
} from "@omero-fs/protocol";
import { hasPlateColumns, plateJson, plateLine } from "./plate";
import { type Db, LedgerError, openExisting, SCHEMA_VERSION } from "./schema";
import { type FilesetNote, lastOmeroEvent, notesOf, type OmeroEvent, omeroEventsAfter } from "./omero";
import * as show from "./show";
import { existingReasonSql } from "./show";

/** Counters by state: `files.<state>` and `imports.<state>`, every state present (0 when none). */
export function countsOf(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of FILE_STATES) out[`files.${s}`] = 0;
  for (const s of IMPORT_STATES) out[`imports.${s}`] = 0;
  for (const [state, n] of db.prepare("SELECT state, COUNT(*) FROM files GROUP BY state").raw().all() as [
    string,
    number,
  ][])
    out[`files.${state}`] = n;
  for (const [state, n] of db.prepare("SELECT state, COUNT(*) FROM filesets GROUP BY state").raw().all() as [
    string,
    number,
  ][])
    out[`imports.${state}`] = n;
  return out;
}

/** A filter on a list: one user, one state, or both. */
export interface ListFilter {
  user?: string;
  state?: string;
}

/** The columns of the `imports list` table: an import without its file list and images. */
export interface ImportRow {
  id: number;
  user: string;
  state: ImportJson["state"];
  attempts: number;
  /** How many files the fileset has. */
  fileCount: number;
  createdAt: string;
  importedAt: string | null;
  entry: string;
  error: string | null;
  /** HCS plates: "384 wells x 4 fields x 4 channels: 6,120 of 6,144 images" (null otherwise). */
  plate: string | null;
}

/** Read-only view of the ledger for the CLI (`imports`, `files`, `admin status`). */
export interface LedgerView {
  /** Imports (filesets) in id order, oldest first. */
  listImports(f?: ListFilter): ImportJson[];
  /** The JSON text of each element of listImports(f), in the same order, without building objects. */
  importsJson(f?: ListFilter): IterableIterator<string>;
  /** The `imports list` table columns of listImports(f), in the same order. */
  importRows(f?: ListFilter): IterableIterator<ImportRow>;
  /** listImports(f).length, without listing. */
  countImports(f?: ListFilter): number;
  getImport(id: number): ImportJson | null;
  /** Files in path order. */
  listFiles(f?: ListFilter): FileJson[];
  /** listFiles(f), one at a time. */
  iterateFiles(f?: ListFilter): IterableIterator<FileJson>;
  /** The JSON text of each element of listFiles(f), in the same order, without building objects. */
  filesJson(f?: ListFilter): IterableIterator<string>;
  /** listFiles(f).length, without listing. */
  countFiles(f?: ListFilter): number;
  counts(): Record<string, number>;
  /** `files show`: the first of these paths the ledger knows (or knew before a rename). */
  findFile(candidates: string[]): show.FoundFile | null;
  /** The imports that use `path` besides its own (a file Bio-Formats puts in two filesets), in id order. */
  sharedBy(path: string): number[];
  /** Every importer run of a fileset, oldest first. */
  attempts(fileset: number): AttemptJson[];
  /** What /metrics reads from the ledger. */
  metrics(): show.LedgerMetrics;
  /** What the status page shows. */
  page(opts?: { q?: string; recent?: number }): show.PageData;
  /** Every fileset not finished, with what tells a wait from a stuck one; the last importer run (ms). */
  pending(): show.PendingFileset[];
  /** The page's rows of these filesets, in the order given. */
  pageFilesets(ids: number[]): show.PageFileset[];
  lastRunMs(): number | null;
  /** The notifier's reads: finished importer runs above an id, the first one still going, the last id. */
  finishedRunsAfter(afterId: number, limit: number): show.FinishedAttempt[];
  firstRunningAfter(afterId: number): number | null;
  lastRunId(): number;
  /** What happened to a fileset besides its runs: a reimport by hand, OMERO's importer answering differently. */
  notes(fileset: number): FilesetNote[];
  /** OMERO paused or resumed the queue, after event `afterId` (the notifier; /metrics reads the last). */
  omeroEventsAfter(afterId: number): OmeroEvent[];
  lastOmeroEvent(): OmeroEvent | null;
  close(): void;
}

interface FilesetRow {
  id: number;
  watch: number;
  user: string;
  state: ImportJson["state"];
  reader: string | null;
  entry: string;
  attempts: number;
  error: string | null;
  importer: ImportJson["importer"];
  created_at: string;
  imported_at: string | null;
  target: string | null;
  images: string | null;
  waiting_for?: string | null;
  plate?: string | null;
}

/** The stored images column: a JSON array written by DropBox; anything unreadable is null. */
function parseImages(text: string | null): ImageJson[] | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as ImageJson[];
  } catch {
    return null;
  }
}

function toImportJson(r: FilesetRow, files: string[], shared?: string[]): ImportJson {
  const o: ImportJson = {
    id: r.id,
    user: r.user,
    watch: r.watch,
    state: r.state,
    reader: r.reader,
    entry: r.entry,
    files,
    attempts: r.attempts,
    error: r.error,
    importer: r.importer,
    createdAt: r.created_at,
    importedAt: r.imported_at,
    target: r.target,
    images: parseImages(r.images),
  };
  // Assigned, not spread: this runs once per row of a 100,000-fileset `imports list`.
  if ((r.state === "waiting" || r.state === "incomplete") && r.waiting_for) o.waitingFor = r.waiting_for;
  if (shared && shared.length > 0) o.shared = shared;
  if (r.plate) {
    const p = plateJson(r.plate, r.reader);
    if (p) o.plate = p;
  }
  return o;
}

function where(f: ListFilter | undefined, prefix = ""): { sql: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  if (f?.user !== undefined) {
    parts.push(`${prefix}user = ?`);
    args.push(f.user);
  }
  if (f?.state !== undefined) {
    parts.push(`${prefix}state = ?`);
    args.push(f.state);
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", args };
}

/**
 * One import as JSON text, keys in ImportJson order. Members through a correlated aggregate over the
 * (fileset, ord) primary key; images verbatim (minified) when the stored text is valid JSON, else
 * null, like parseImages. DropBox stores images as JSON.stringify output, which json() returns
 * unchanged.
 */
const importJsonSql = (hasPlate: boolean, hasShared: boolean) => {
  // json_patch drops null members (RFC 7396), so the plate (whose reader may be null) is set after it.
  const base = `json_patch(json_object(
  'id', f.id, 'user', f.user, 'watch', f.watch, 'state', f.state, 'reader', f.reader, 'entry', f.entry,
  'files', json(coalesce((SELECT json_group_array(ff.path ORDER BY ff.ord) FROM fileset_files ff WHERE ff.fileset = f.id), '[]')),
  'attempts', f.attempts, 'error', f.error, 'importer', f.importer, 'createdAt', f.created_at,
  'importedAt', f.imported_at, 'target', f.target,
  'images', CASE WHEN f.images <> '' AND json_valid(f.images) THEN json(f.images) END),
  json_object('waitingFor', CASE WHEN f.state IN ('waiting', 'incomplete') THEN f.waiting_for END${
    hasShared
      ? ",\n  'shared', json((SELECT json_group_array(s.path) FROM (SELECT path FROM fileset_shared WHERE fileset = f.id ORDER BY path) s HAVING COUNT(*) > 0))"
      : ""
  }))`;
  if (!hasPlate) return base;
  return `CASE WHEN f.plate <> '' AND json_valid(f.plate) THEN json_set(${base}, '$.plate', json_set(json(f.plate),
    '$.reader', f.reader, '$.missingImages',
    max(0, json_extract(f.plate, '$.expectedImages') - json_extract(f.plate, '$.presentImages')))) ELSE ${base} END`;
};

/**
 * mtime as new Date(mtime_ms).toISOString() does it (milliseconds truncated toward zero), for
 * 1970-01-01 to 9999-12-31; rows outside that range get NULL and are written by JavaScript.
 */
/** A file's reason as listed: a waiting fileset's verdict, and for `existing` files the command that imports them. */
const REASON = `CASE WHEN f.state = 'existing' THEN ${existingReasonSql("f")} ELSE coalesce(f.reason, (SELECT w.waiting_for FROM filesets w WHERE w.id = f.fileset AND w.state IN ('waiting', 'incomplete'))) END`;
const MTIME_IN_RANGE = "f.mtime_ms >= 0 AND f.mtime_ms < 253402300800000";
const FILE_JSON = `CASE WHEN ${MTIME_IN_RANGE} THEN json_object(
  'path', f.path, 'user', f.user, 'size', f.size,
  'mtime', strftime('%Y-%m-%dT%H:%M:%fZ', CAST(f.mtime_ms AS INTEGER) / 1000.0, 'unixepoch'),
  'state', f.state, 'reason', ${REASON}, 'fileset', f.fileset) END`;

const FILE_COLUMNS = `f.path, f.user, f.size, f.mtime_ms, f.state, ${REASON}, f.fileset`;
type FileRaw = [string, string, number, number, FileJson["state"], string | null, number | null];
const toFileJson = ([path, user, size, mtimeMs, state, reason, fileset]: FileRaw): FileJson => ({
  path,
  user,
  size,
  mtime: new Date(mtimeMs).toISOString(),
  state,
  reason,
  fileset,
});

/** Read-only access for the CLI; throws LedgerError(LEDGER_MISSING) when no DropBox ran in this home. */
export function openLedgerView(ledgerPath: string, opts: { requireCurrent?: boolean } = {}): LedgerView {
  const db: Db = openExisting(ledgerPath, true);
  // A long-lived reader (the node) waits for the DropBox to create or migrate the schema: a view
  // opened before that would ask for tables and columns that are not there yet.
  if (opts.requireCurrent && (db.pragma("user_version", { simple: true }) as number) < SCHEMA_VERSION) {
    db.close();
    throw new LedgerError("LEDGER_NOT_READY", `the ledger ${ledgerPath} is not created or migrated yet`);
  }
  // Files whose history ended (deleted after import, or a change reimported) stay listed, with
  // negative ids, beside the live file at the same path (a ledger not yet migrated has none).
  const hasHistory =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'files_history'").get() !== undefined;
  // A ledger the DropBox has not opened since the plates migration has no plate column yet.
  const hasPlate = hasPlateColumns(db);
  // Nor, before the "shared files" migration, a fileset_shared table.
  const hasShared =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fileset_shared'").get() !== undefined;
  const IMPORT_JSON = importJsonSql(hasPlate, hasShared);
  const sharedOf = (filter: { sql: string; args: string[] }): Map<number, string[]> => {
    const m = new Map<number, string[]>();
    if (!hasShared) return m;
    const rows = db
      .prepare(
        `SELECT fileset, path FROM fileset_shared
         ${filter.sql ? `WHERE fileset IN (SELECT id FROM filesets ${filter.sql})` : ""} ORDER BY fileset, path`,
      )
      .raw()
      .all(...filter.args) as [number, string][];
    for (const [id, p] of rows) {
      const list = m.get(id);
      if (list) list.push(p);
      else m.set(id, [p]);
    }
    return m;
  };
  const PLATE = hasPlate ? "plate" : "NULL AS plate";
  const FILES = hasHistory
    ? `(SELECT id, path, user, size, mtime_ms, state, reason, fileset FROM files UNION ALL
        SELECT -id, path, user, size, mtime_ms, state, reason, fileset FROM files_history)`
    : "files";
  const filesOf = (filter: { sql: string; args: string[] }): Map<number, string[]> => {
    // One grouped query for every fileset's members, not one per fileset.
    const rows = db
      .prepare(
        `SELECT ff.fileset AS fileset, ff.path AS path FROM fileset_files ff
         ${filter.sql ? `WHERE ff.fileset IN (SELECT id FROM filesets ${filter.sql})` : ""}
         ORDER BY ff.fileset, ff.ord`,
      )
      .raw()
      .all(...filter.args) as [number, string][];
    const m = new Map<number, string[]>();
    let cur: string[] = [];
    let curId = -1;
    for (const [id, p] of rows) {
      if (id !== curId) {
        cur = [];
        m.set(id, cur);
        curId = id;
      }
      cur.push(p);
    }
    return m;
  };
  const count = (table: string, f?: ListFilter): number => {
    const w = where(f);
    return db
      .prepare(`SELECT COUNT(*) FROM ${table} ${w.sql}`)
      .pluck()
      .get(...w.args) as number;
  };
  return {
    listImports(f) {
      const w = where(f);
      // Raw rows (arrays) and one grouped member query.
      const rows = db
        .prepare(
          `SELECT id, watch, user, state, reader, entry, attempts, error, importer, created_at, imported_at, target, images, waiting_for, ${PLATE}
           FROM filesets ${w.sql} ORDER BY id`,
        )
        .raw()
        .all(...w.args) as unknown[][];
      const files = filesOf(w);
      const shared = sharedOf(w);
      return rows.map((r) =>
        toImportJson(
          {
            id: r[0] as number,
            watch: r[1] as number,
            user: r[2] as string,
            state: r[3] as FilesetRow["state"],
            reader: r[4] as string | null,
            entry: r[5] as string,
            attempts: r[6] as number,
            error: r[7] as string | null,
            importer: r[8] as FilesetRow["importer"],
            created_at: r[9] as string,
            imported_at: r[10] as string | null,
            target: r[11] as string | null,
            images: r[12] as string | null,
            waiting_for: r[13] as string | null,
            plate: r[14] as string | null,
          },
          files.get(r[0] as number) ?? [],
          shared.get(r[0] as number),
        ),
      );
    },
    importsJson(f) {
      const w = where(f, "f.");
      return db
        .prepare(`SELECT ${IMPORT_JSON} FROM filesets f ${w.sql} ORDER BY f.id`)
        .pluck()
        .iterate(...w.args) as IterableIterator<string>;
    },
    *importRows(f) {
      const w = where(f, "f.");
      const rows = db
        .prepare(
          `SELECT f.id, f.user, f.state, f.attempts,
             (SELECT COUNT(*) FROM fileset_files ff WHERE ff.fileset = f.id),
             f.created_at, f.imported_at, f.entry, f.error, ${hasPlate ? "f.plate" : "NULL"}, f.reader
           FROM filesets f ${w.sql} ORDER BY f.id`,
        )
        .raw()
        .iterate(...w.args) as IterableIterator<
        [
          number,
          string,
          ImportJson["state"],
          number,
          number,
          string,
          string | null,
          string,
          string | null,
          string | null,
          string | null,
        ]
      >;
      for (const [id, user, state, attempts, fileCount, createdAt, importedAt, entry, error, plate, reader] of rows) {
        const p = plateJson(plate, reader);
        yield {
          id,
          user,
          state,
          attempts,
          fileCount,
          createdAt,
          importedAt,
          entry,
          error,
          plate: p ? plateLine(p) : null,
        };
      }
    },
    countImports(f) {
      return count("filesets", f);
    },
    getImport(id) {
      const r = db.prepare("SELECT * FROM filesets WHERE id = ?").get(id) as FilesetRow | undefined;
      if (!r) return null;
      const files = (
        db.prepare("SELECT path FROM fileset_files WHERE fileset = ? ORDER BY ord").raw().all(id) as [string][]
      ).map((x) => x[0]);
      return toImportJson(r, files, sharedOf({ sql: "WHERE id = ?", args: [String(id)] }).get(id));
    },
    listFiles(f) {
      const w = where(f, "f.");
      const rows = db
        .prepare(`SELECT ${FILE_COLUMNS} FROM ${FILES} f ${w.sql} ORDER BY f.path, f.id DESC`)
        .raw()
        .all(...w.args) as FileRaw[];
      return rows.map(toFileJson);
    },
    *iterateFiles(f) {
      const w = where(f, "f.");
      const rows = db
        .prepare(`SELECT ${FILE_COLUMNS} FROM ${FILES} f ${w.sql} ORDER BY f.path, f.id DESC`)
        .raw()
        .iterate(...w.args) as IterableIterator<FileRaw>;
      for (const r of rows) yield toFileJson(r);
    },
    *filesJson(f) {
      const w = where(f, "f.");
      const rows = db
        .prepare(`SELECT ${FILE_JSON}, f.id FROM ${FILES} f ${w.sql} ORDER BY f.path, f.id DESC`)
        .raw()
        .iterate(...w.args) as IterableIterator<[string | null, number]>;
      // Rows whose mtime SQLite does not format: read again by a second statement (reads may run
      // while the list's iterator is open).
      const one = db.prepare(`SELECT ${FILE_COLUMNS} FROM ${FILES} f WHERE f.id = ?`).raw();
      for (const [json, id] of rows) {
        yield json ?? JSON.stringify(toFileJson(one.get(id) as FileRaw));
      }
    },
    countFiles(f) {
      return count(FILES, f);
    },
    counts() {
      return countsOf(db);
    },
    findFile: (candidates) => show.findFile(db, candidates),
    sharedBy: (p) =>
      hasShared
        ? (db.prepare("SELECT fileset FROM fileset_shared WHERE path = ? ORDER BY fileset").pluck().all(p) as number[])
        : [],
    attempts: (fileset) => show.attemptsOf(db, fileset),
    metrics: () => show.ledgerMetrics(db),
    page: (opts) => show.pageData(db, opts),
    pending: () => show.pendingFilesets(db),
    pageFilesets: (ids) => show.pageFilesetsById(db, ids),
    lastRunMs: () => show.lastRunMs(db),
    finishedRunsAfter: (afterId, limit) => show.finishedAttemptsAfter(db, afterId, limit),
    firstRunningAfter: (afterId) => show.firstRunningAttemptAfter(db, afterId),
    lastRunId: () => show.lastAttemptId(db),
    notes: (fileset) => notesOf(db, fileset),
    omeroEventsAfter: (afterId) => omeroEventsAfter(db, afterId),
    lastOmeroEvent: () => lastOmeroEvent(db),
    close() {
      db.close();
    },
  };
}
