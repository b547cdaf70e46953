/**
 * The ledger's schema and how a database file is opened (var/db/dropbox.sqlite, or ":memory:" in
 * tests). WAL journal, so readers (the CLI) never block the writer (DropBox), and a kill -9 loses
 * at most the transaction in progress. The schema is versioned: `PRAGMA user_version` says which
 * of MIGRATIONS have run; a new column is a new entry at the end, never an edit of an old one.
 */
import * as fs from "node:fs";
import { restrictStore } from "@omero-fs/config/home";
import Database from "better-sqlite3";

export type Db = Database.Database;

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Every file the DropBox has seen: its current state. A file is in at most one fileset.
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  watch INTEGER NOT NULL,
  user TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  dev INTEGER,
  ino INTEGER,
  state TEXT NOT NULL CHECK (state IN ('pending','grouped','imported','ignored','refused')),
  reason TEXT,
  fileset INTEGER,
  last_event_ms INTEGER NOT NULL,
  seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_fileset ON files(fileset);
CREATE INDEX IF NOT EXISTS files_watch_user_state ON files(watch, user, state);
CREATE INDEX IF NOT EXISTS files_state_user ON files(state, user);
CREATE INDEX IF NOT EXISTS files_dev_ino ON files(dev, ino);
-- Filesets: waiting -> queued -> importing -> imported | failed (and waiting <-> incomplete, see
-- the plates migration, which rebuilds this table). Ids are never reused.
CREATE TABLE IF NOT EXISTS filesets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  watch INTEGER NOT NULL,
  user TEXT NOT NULL,
  key TEXT NOT NULL,
  reader TEXT,
  entry TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting','queued','importing','imported','failed')),
  importer TEXT NOT NULL,
  created_at TEXT NOT NULL,
  imported_at TEXT,
  target TEXT,
  images TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS filesets_state ON filesets(state);
CREATE INDEX IF NOT EXISTS filesets_user_state ON filesets(user, state);
-- The scheduler's queue heads: (watch, user) pairs with queued filesets, oldest first.
CREATE INDEX IF NOT EXISTS filesets_state_watch_user_id ON filesets(state, watch, user, id);
-- Members of each fileset in order (entry first), with the size/mtime/inode they had when queued.
CREATE TABLE IF NOT EXISTS fileset_files (
  fileset INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  path TEXT NOT NULL,
  size INTEGER,
  mtime_ms REAL,
  dev INTEGER,
  ino INTEGER,
  PRIMARY KEY (fileset, ord)
);
CREATE INDEX IF NOT EXISTS fileset_files_path ON fileset_files(path);
-- Import jobs (one per queued fileset): scheduling data.
CREATE TABLE IF NOT EXISTS jobs (
  fileset INTEGER PRIMARY KEY,
  queued_at TEXT NOT NULL,
  not_before_ms INTEGER NOT NULL DEFAULT 0,
  -- filesets.attempts when last (re)queued by hand: the retry budget counts from here.
  base_attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_not_before ON jobs(not_before_ms);
-- Every importer run.
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY,
  fileset INTEGER NOT NULL,
  n INTEGER NOT NULL,
  importer TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  ok INTEGER,
  error TEXT,
  target TEXT
);
CREATE INDEX IF NOT EXISTS attempts_fileset ON attempts(fileset);
`;

// Issue 9, file identity: a file's history ends with a recorded deletion (or a change reimported):
// its row moves to files_history (ended_at, why) and a new file at the path gets a new row, so
// `files list` still shows what was imported. Files the DropBox itself once ignored for the
// watch's whitelist (a per-file filter, now a per-fileset one) get an impossible mtime, so the
// first reconciliation sees them as changed and regroups them with their entry files.
const IDENTITY = `
CREATE TABLE IF NOT EXISTS files_history (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  watch INTEGER NOT NULL,
  user TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  dev INTEGER,
  ino INTEGER,
  state TEXT NOT NULL,
  reason TEXT,
  fileset INTEGER,
  seen_at TEXT NOT NULL,
  ended_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_history_path ON files_history(path);
UPDATE files SET mtime_ms = -1 WHERE state = 'ignored' AND reason = 'excluded by the watch''s whitelist';
`;

// Issue 10, plates: a fileset whose entry lists members still missing waits in the ledger with
// what is missing (missing: the first MISSING_KEPT paths as JSON, missing_count: all), the plate
// summary (plate: JSON) and the count of listed members (expected_count); after incompleteWait it
// is 'incomplete'; released_at: `imports release` imports it as it is. SQLite cannot change a CHECK,
// so the table is rebuilt (same ids; the AUTOINCREMENT counter is kept: ids are never reused).
const FILESET_COLS =
  "id, watch, user, key, reader, entry, state, importer, created_at, imported_at, target, images, error, attempts, waiting_for";
function plates(db: Db): void {
  rebuildFilesets(db, "filesets_v4", "'waiting','queued','importing','imported','failed','incomplete'", FILESET_COLS);
}

/**
 * The filesets table rebuilt as `tmp` with `states` in its CHECK (SQLite cannot change a CHECK),
 * `copy` columns carried over: same ids, same indexes, the AUTOINCREMENT counter kept.
 */
function rebuildFilesets(db: Db, tmp: string, states: string, copy: string): void {
  const seq = (
    db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'filesets'").get() as { seq: number } | undefined
  )?.seq;
  db.exec(`
CREATE TABLE ${tmp} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  watch INTEGER NOT NULL,
  user TEXT NOT NULL,
  key TEXT NOT NULL,
  reader TEXT,
  entry TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${states})),
  importer TEXT NOT NULL,
  created_at TEXT NOT NULL,
  imported_at TEXT,
  target TEXT,
  images TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  waiting_for TEXT,
  missing TEXT,
  missing_count INTEGER NOT NULL DEFAULT 0,
  expected_count INTEGER,
  plate TEXT,
  released_at TEXT
);
INSERT INTO ${tmp} (${copy}) SELECT ${copy} FROM filesets;
DROP TABLE filesets;
ALTER TABLE ${tmp} RENAME TO filesets;
CREATE INDEX IF NOT EXISTS filesets_state ON filesets(state);
CREATE INDEX IF NOT EXISTS filesets_user_state ON filesets(user, state);
CREATE INDEX IF NOT EXISTS filesets_state_watch_user_id ON filesets(state, watch, user, id);
`);
  if (seq !== undefined) {
    db.prepare("DELETE FROM sqlite_sequence WHERE name = 'filesets'").run();
    db.prepare("INSERT INTO sqlite_sequence(name, seq) VALUES ('filesets', ?)").run(seq);
  }
}
// Issue 11, pre-existing files: the `existing` file state (files there before the first walk of
// their watch; omero.fs.existingFiles), and a record per watch of its first completed walk. The
// CHECK of files.state can only change by rebuilding the table (same columns, same indexes).
const EXISTING = `
CREATE TABLE files_new (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  watch INTEGER NOT NULL,
  user TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  dev INTEGER,
  ino INTEGER,
  state TEXT NOT NULL CHECK (state IN ('pending','grouped','imported','ignored','refused','existing')),
  reason TEXT,
  fileset INTEGER,
  last_event_ms INTEGER NOT NULL,
  seen_at TEXT NOT NULL
);
INSERT INTO files_new SELECT id, path, watch, user, size, mtime_ms, dev, ino, state, reason, fileset, last_event_ms, seen_at FROM files;
DROP TABLE files;
ALTER TABLE files_new RENAME TO files;
CREATE INDEX files_fileset ON files(fileset);
CREATE INDEX files_watch_user_state ON files(watch, user, state);
CREATE INDEX files_state_user ON files(state, user);
CREATE INDEX files_dev_ino ON files(dev, ino);
-- One row per watch (its user and folder, as configured) whose first walk started (started_ms)
-- and, once it completed, when (completed_at) and how many files it found already there. A walk
-- after a completed one is not first, so files added while omero-fs was down are imported; a first
-- walk interrupted (stopped, killed) is resumed as a first walk by the next start.
CREATE TABLE IF NOT EXISTS walks (
  user TEXT NOT NULL,
  watch_dir TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  completed_at TEXT,
  existing INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user, watch_dir)
);
`;

// Issue 18, shared files: a file two Bio-Formats filesets use (a raw x.dv.log with x.dv and x_D3D.dv,
// MetaXpress _thumb files with every plate of the folder). files.fileset stays its one owner; each other
// fileset that uses it has a row here (its members in fileset_files include it too, so the importer
// gets it and readiness waits for it). Kept after import: `files show` says where else it went.
const SHARED_FILES = `
CREATE TABLE IF NOT EXISTS fileset_shared (
  fileset INTEGER NOT NULL,
  path TEXT NOT NULL,
  PRIMARY KEY (fileset, path)
);
CREATE INDEX IF NOT EXISTS fileset_shared_path ON fileset_shared(path);
`;

/**
 * Issue 19, an import never runs twice at once: each importer run records its process group (and
 * the leader's start time, so a reused id is not taken for it), so a DropBox restarted after its
 * own crash finds an import still running and waits for it; and the fileset state `cancelled`
 * (`omero-fs imports cancel ID`; `imports retry ID` queues it again). The CHECK of filesets.state
 * can only change by rebuilding the table (same columns, same indexes, same AUTOINCREMENT counter).
 */
const FILESET_COLS_V4 = `${FILESET_COLS}, missing, missing_count, expected_count, plate, released_at`;
function importProcesses(db: Db): void {
  const cols = (db.prepare("PRAGMA table_info(attempts)").all() as { name: string }[]).map((c) => c.name);
  if (!cols.includes("pgid")) db.exec("ALTER TABLE attempts ADD COLUMN pgid INTEGER");
  if (!cols.includes("pgid_start")) db.exec("ALTER TABLE attempts ADD COLUMN pgid_start TEXT");
  rebuildFilesets(
    db,
    "filesets_v7",
    "'waiting','queued','importing','imported','failed','incomplete','cancelled'",
    FILESET_COLS_V4,
  );
}
// Issue 20 and 18, OMERO in production: what happened to a fileset besides its runs (a reimport
// asked by hand, OMERO's importer answering differently from the grouping), OMERO pausing and
// resuming the queue (the notifier and /metrics read it), and OMERO's importer's own answer for
// an entry (`omero import -f`), which the grouping then follows.
const OMERO = `
CREATE TABLE IF NOT EXISTS fileset_notes (
  id INTEGER PRIMARY KEY,
  fileset INTEGER NOT NULL,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fileset_notes_fileset ON fileset_notes(fileset);
CREATE TABLE IF NOT EXISTS omero_events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  up INTEGER NOT NULL,
  kind TEXT,
  reason TEXT
);
CREATE TABLE IF NOT EXISTS omero_filesets (
  entry TEXT PRIMARY KEY,
  watch INTEGER NOT NULL,
  user TEXT NOT NULL,
  reader TEXT,
  files TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS omero_filesets_watch_user_entry ON omero_filesets(watch, user, entry);
CREATE INDEX IF NOT EXISTS filesets_entry ON filesets(entry);
`;

/**
 * Issue 19, file identity by birth time: each file's birth time (statx btime; NULL when the
 * filesystem does not give it), so a moved imported file that was touched is not taken for a new
 * file reusing its inode (core/file-identity.ts sameFile). Rows written before it stay NULL: the
 * mtime rule decides for them.
 */
function birthTimes(db: Db): void {
  for (const table of ["files", "files_history"]) {
    const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    if (!cols.includes("birth_ms")) db.exec(`ALTER TABLE ${table} ADD COLUMN birth_ms REAL`);
  }
}

/** Migrations in order: entry i brings the schema from user_version i to i + 1. */
export const MIGRATIONS: readonly { name: string; up: (db: Db) => void }[] = [
  // Version 1 is the original schema (IF NOT EXISTS: ledgers written before user_version was kept
  // have it already and are at user_version 0).
  { name: "files, filesets, fileset_files, jobs, attempts", up: (db) => db.exec(SCHEMA_V1) },
  { name: "identity", up: (db) => db.exec(IDENTITY) },
  // Why a waiting fileset waits (readiness's verdict), for `files list` and `imports show`.
  {
    name: "readiness",
    up: (db) => {
      const cols = db.prepare("PRAGMA table_info(filesets)").all() as { name: string }[];
      if (!cols.some((c) => c.name === "waiting_for")) db.exec("ALTER TABLE filesets ADD COLUMN waiting_for TEXT");
    },
  },
  { name: "plates", up: plates },
  { name: "existing files", up: (db) => db.exec(EXISTING) },
  { name: "import processes", up: importProcesses },
  { name: "omero", up: (db) => db.exec(OMERO) },
  { name: "shared files", up: (db) => db.exec(SHARED_FILES) },
  { name: "birth times", up: birthTimes },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Bring `db` to SCHEMA_VERSION, one transaction per migration; refuse a ledger from a newer build. */
export function migrate(db: Db): void {
  const at = db.pragma("user_version", { simple: true }) as number;
  if (at > SCHEMA_VERSION) {
    throw new LedgerError(
      "LEDGER_NEWER",
      `the ledger ${db.name} has schema version ${at}, newer than this omero-fs (${SCHEMA_VERSION}); run the newer omero-fs, or move the ledger away to start afresh`,
    );
  }
  for (let v = at; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      MIGRATIONS[v]!.up(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
}

/** SQLite's messages for the errors the test hook below can raise. */
const HOOK_ERRORS: Record<string, string> = {
  SQLITE_FULL: "database or disk is full",
  SQLITE_READONLY: "attempt to write a readonly database",
  SQLITE_IOERR: "disk I/O error",
  SQLITE_CORRUPT: "database disk image is malformed",
};

/**
 * Test hook (OMERO_FS_TEST_LEDGER_FULL_WHILE, read by options.ts): while `flagFile` exists, every
 * write statement of this connection throws SQLite's own error, as a full disk does: SQLITE_FULL,
 * or the code the file holds (SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT). A chmod cannot stand
 * in: the open file stays writable, and tests may run as root.
 */
function failWritesWhile(db: Db, flagFile: string): void {
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (sql: string) => {
    const st = prepare(sql);
    if (!st.reader) {
      const run = st.run.bind(st);
      (st as { run: unknown }).run = (...args: unknown[]) => {
        let code: string | null = null;
        try {
          code = fs.readFileSync(flagFile, "utf8").trim() || "SQLITE_FULL";
        } catch {
          // no flag: writes go through
        }
        if (code) throw new Database.SqliteError(HOOK_ERRORS[code] ?? HOOK_ERRORS.SQLITE_FULL!, code);
        return run(...args);
      };
    }
    return st;
  };
}

/** Open (creating if needed) the ledger for the DropBox process: WAL, busy timeout, migrations. */
export function openLedgerDb(file: string, testFailWritesWhile: string | null = null): Db {
  let db: Db | null = null;
  try {
    if (file !== ":memory:") restrictStore(file);
    db = new Database(file);
    if (file !== ":memory:") db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: a commit survives a process crash (kill -9); only an OS crash or power
    // loss may lose the last transactions, which reconciliation then finds again on disk.
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    migrate(db);
    if (testFailWritesWhile) failWritesWhile(db, testFailWritesWhile);
    return db;
  } catch (e) {
    db?.close();
    const code = (e as { code?: string }).code;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT")
      throw new LedgerError("LEDGER_CORRUPT", corruptLedgerMessage(file, (e as Error).message));
    throw e;
  }
}

/**
 * What a damaged ledger ("file is not a database", a malformed image) means and how to recover,
 * on one line (the DropBox's last word, shown by `admin start` and `admin status`).
 */
export function corruptLedgerMessage(file: string, detail: string): string {
  return `the ledger ${file} is damaged (${detail}); the DropBox does not run on it. To recover: move it aside (mv ${file} ${file}.corrupt), then start again: the new ledger records the files already there as existing and imports nothing twice (see omero-fs dropbox check-ledger)`;
}

/** The recovery steps, for `omero-fs dropbox check-ledger` and the READMEs. */
export function ledgerRecoverySteps(file: string): string[] {
  return [
    "omero-fs admin stop",
    `mv ${file} ${file}.corrupt   (and ${file}-wal, ${file}-shm if present)`,
    "omero-fs admin start",
    "omero-fs files list --state existing   (files already there are recorded as existing, not imported again)",
    "omero-fs dropbox import-existing PATH   (import those that OMERO does not have yet)",
  ];
}

/**
 * `omero-fs dropbox check-ledger`: SQLite's integrity check and the schema version, read-only.
 * null when the ledger is sound; else the problem in words.
 */
export function checkLedgerFile(file: string): { ok: true; version: number } | { ok: false; problem: string } {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma("integrity_check") as { integrity_check: string }[];
    const bad = rows.map((r) => r.integrity_check).filter((r) => r !== "ok");
    if (bad.length > 0) return { ok: false, problem: `integrity check failed: ${bad.slice(0, 5).join("; ")}` };
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      return {
        ok: false,
        problem: `schema version ${version} is newer than this omero-fs (${SCHEMA_VERSION}); run the newer omero-fs`,
      };
    return { ok: true, version };
  } catch (e) {
    return { ok: false, problem: (e as Error).message };
  } finally {
    db?.close();
  }
}

/** A ledger error with a stable code. */
export class LedgerError extends Error {
  constructor(
    readonly code:
      | "LEDGER_MISSING"
      | "LEDGER_NEWER"
      | "LEDGER_NOT_READY"
      | "LEDGER_CORRUPT"
      | "LEDGER_EXISTS"
      | "UNKNOWN_IMPORT"
      | "NOT_RETRYABLE",
    message: string,
  ) {
    super(message);
    this.name = "LedgerError";
  }
}

/** Open an existing ledger (the CLI view, the direct requeue); LEDGER_MISSING when there is none. */
export function openExisting(file: string, readonly: boolean): Db {
  if (!fs.existsSync(file)) {
    throw new LedgerError(
      "LEDGER_MISSING",
      `no DropBox has run in this home yet (no ledger at ${file}); start it with \`omero-fs admin start\` or \`omero-fs dropbox\``,
    );
  }
  const db = new Database(file, { readonly, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}
