/**
 * The SQLite ledger (var/db/dropbox.sqlite): schema, read-only views for the CLI, and the direct
 * requeue used by `imports retry` when no DropBox runs. WAL journal, so readers (the CLI) never
 * block the writer (DropBox), and a kill -9 loses at most the transaction in progress.
 */
import * as fs from "node:fs";
import Database from "better-sqlite3";

export type Db = Database.Database;

// The read-only view for the CLI lives in ledger-view.ts (it requires this module back, at call time).
export { type ImportRow, type LedgerView, type ListFilter, openLedgerView } from "./ledger-view";

export const SCHEMA_VERSION = 1;

const SCHEMA = `
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
-- Filesets: waiting -> queued -> importing -> imported | failed. Ids are never reused.
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

/** Open (creating if needed) the ledger for the DropBox process: WAL, busy timeout, schema. */
export function openLedgerDb(file: string): Db {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode: a commit survives a process crash (kill -9); only an OS crash or power
  // loss may lose the last transactions, which reconciliation then finds again on disk.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  db.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
  return db;
}

/** A ledger error with a stable code (LEDGER_MISSING, UNKNOWN_IMPORT, NOT_RETRYABLE). */
export class LedgerError extends Error {
  constructor(
    readonly code: "LEDGER_MISSING" | "UNKNOWN_IMPORT" | "NOT_RETRYABLE",
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

/** Counters by state: `files.<state>` and `imports.<state>`, every state present (0 when none). */
export function countsOf(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of ["pending", "grouped", "imported", "ignored", "refused"]) out[`files.${s}`] = 0;
  for (const s of ["waiting", "queued", "importing", "imported", "failed"]) out[`imports.${s}`] = 0;
  for (const r of db.prepare("SELECT state, COUNT(*) AS n FROM files GROUP BY state").all() as {
    state: string;
    n: number;
  }[])
    out[`files.${r.state}`] = r.n;
  for (const r of db.prepare("SELECT state, COUNT(*) AS n FROM filesets GROUP BY state").all() as {
    state: string;
    n: number;
  }[])
    out[`imports.${r.state}`] = r.n;
  return out;
}

/**
 * Requeue one fileset (the `retry` rule): failed (or queued with a backoff) -> queued now, with a
 * fresh retry budget. Waiting, importing and imported filesets are refused with the reason.
 */
export function requeueInDb(db: Db, id: number, now: number): { id: number; state: string } {
  const row = db.prepare("SELECT state FROM filesets WHERE id = ?").get(id) as { state: string } | undefined;
  if (!row) throw new LedgerError("UNKNOWN_IMPORT", `no import with id ${id} (see \`omero-fs imports list\`)`);
  if (row.state === "imported")
    throw new LedgerError("NOT_RETRYABLE", `import ${id} is already imported; it is never imported twice`);
  if (row.state === "importing")
    throw new LedgerError("NOT_RETRYABLE", `import ${id} is importing right now; wait for it to finish`);
  if (row.state === "waiting")
    throw new LedgerError(
      "NOT_RETRYABLE",
      `import ${id} is still waiting for its files to settle; it will be queued by itself`,
    );
  const stamp = new Date(now).toISOString();
  db.transaction(() => {
    db.prepare("UPDATE filesets SET state = 'queued', error = NULL WHERE id = ?").run(id);
    db.prepare(
      `INSERT INTO jobs(fileset, queued_at, not_before_ms, base_attempts)
       VALUES (?, ?, 0, (SELECT attempts FROM filesets WHERE id = ?))
       ON CONFLICT(fileset) DO UPDATE SET not_before_ms = 0, queued_at = excluded.queued_at,
         base_attempts = excluded.base_attempts`,
    ).run(id, stamp, id);
  })();
  return { id, state: "queued" };
}

/** `imports retry ID` without a running DropBox: a direct write; the next DropBox start picks it up. */
export function requeueImport(ledgerPath: string, id: number): { id: number; state: string } {
  const db = openExisting(ledgerPath, false);
  try {
    return requeueInDb(db, id, Date.now());
  } finally {
    db.close();
  }
}
