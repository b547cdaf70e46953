/**
 * Pre-existing files (omero.fs.existingFiles): the record of each watch's first completed walk
 * (table `walks`, keyed by the watch's user and folder), and `omero-fs dropbox import-existing`,
 * which releases `existing` files for import: by the running DropBox (releaseExistingPage, then it
 * groups them), or directly in the ledger when none runs (releaseExistingForNextStart).
 */
import * as fs from "node:fs";
import { NOT_GROUPED } from "../core/file-identity";
import { type Db, openExisting } from "./schema";

/** Rows released per transaction (the CLI's direct write, the DropBox's page). */
const PAGE = 2000;

/** The [lo, hi) path range of the files under `dir` (dir itself excluded: files only). */
function rangeOf(dir: string): [string, string] {
  const d = dir.endsWith("/") ? dir.slice(0, -1) : dir;
  return [`${d}/`, `${d}0`];
}

export class WalksTable {
  constructor(private readonly db: Db) {}

  /** The first walk of this watch (user, folder): not started, started (at `startedMs`), or completed. */
  firstWalkOf(
    user: string,
    watchDir: string,
  ): { state: "none" } | { state: "started"; startedMs: number } | { state: "done" } {
    const r = this.db
      .prepare("SELECT started_ms, completed_at FROM walks WHERE user = ? AND watch_dir = ?")
      .raw()
      .get(user, watchDir) as [number, string | null] | undefined;
    if (!r) return { state: "none" };
    return r[1] === null ? { state: "started", startedMs: r[0] } : { state: "done" };
  }

  /** Does the ledger know any file under `dir` (a ledger from before walks were recorded)? */
  knowsFilesUnder(dir: string): number {
    const [lo, hi] = rangeOf(dir);
    return this.db
      .prepare("SELECT COUNT(*) FROM (SELECT 1 FROM files WHERE path >= ? AND path < ? LIMIT 1)")
      .pluck()
      .get(lo, hi) as number;
  }

  /** The first walk of this watch starts (kept when it was started before: a resumed first walk). */
  started(user: string, watchDir: string, startedMs: number): void {
    this.db
      .prepare("INSERT OR IGNORE INTO walks(user, watch_dir, started_ms) VALUES (?, ?, ?)")
      .run(user, watchDir, startedMs);
  }

  /** `existing` files under a watch folder. */
  existingUnder(dir: string): number {
    return countExisting(this.db, [dir]);
  }

  /** The first walk of this watch completed, finding `existing` files already there. */
  completed(user: string, watchDir: string, existing: number, now: number): void {
    this.db
      .prepare("UPDATE walks SET completed_at = ?, existing = ? WHERE user = ? AND watch_dir = ?")
      .run(new Date(now).toISOString(), existing, user, watchDir);
  }
}

/** `existing` files, in all or under some directories. */
export function countExisting(db: Db, dirs: string[] | null = null): number {
  if (dirs === null) return db.prepare("SELECT COUNT(*) FROM files WHERE state = 'existing'").pluck().get() as number;
  let n = 0;
  for (const d of dirs) {
    const [lo, hi] = rangeOf(d);
    n += db
      .prepare("SELECT COUNT(*) FROM files WHERE path >= ? AND path < ? AND +state = 'existing'")
      .pluck()
      .get(lo, hi) as number;
  }
  return n;
}

/**
 * How many files a ledger file records as `existing` (`admin start` and `admin status`), read-only;
 * null when there is no ledger or it cannot be read (a damaged one is reported as the DropBox's
 * failure). A ledger not yet migrated to the `existing` state has none.
 */
export function existingInLedger(ledgerPath: string): number | null {
  if (!fs.existsSync(ledgerPath)) return null;
  try {
    const db = openExisting(ledgerPath, true);
    try {
      db.pragma("busy_timeout = 2000");
      return countExisting(db);
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/**
 * Release one page of `existing` files under `dir` (null: everywhere) as pending, not grouped yet:
 * the running DropBox marks their folders for grouping. Returns the released rows ([] when done).
 */
export function releaseExistingPage(db: Db, dir: string | null): { path: string; watch: number; user: string }[] {
  // Everywhere: no upper bound (a name may sort after any bound, e.g. 4-byte UTF-8 or raw bytes).
  const rows = (
    dir === null
      ? db
          .prepare("SELECT id, path, watch, user FROM files WHERE state = 'existing' ORDER BY path LIMIT ?")
          .raw()
          .all(PAGE)
      : db
          .prepare(
            "SELECT id, path, watch, user FROM files WHERE path >= ? AND path < ? AND +state = 'existing' ORDER BY path LIMIT ?",
          )
          .raw()
          .all(...rangeOf(dir), PAGE)
  ) as [number, string, number, string][];
  const set = db.prepare("UPDATE files SET state = 'pending', reason = ? WHERE id = ?");
  db.transaction(() => {
    for (const [id] of rows) set.run(NOT_GROUPED, id);
  })();
  return rows.map(([, path, watch, user]) => ({ path, watch, user }));
}

/** Why a file released without a running DropBox is pending. */
export const RELEASED_FOR_NEXT_START =
  "released by import-existing while the DropBox was stopped; imported when it starts";

/**
 * `import-existing` without a running DropBox: `existing` files under `dirs` (null: all) become
 * pending with an impossible mtime, so the first reconciliation of the next start sees them as
 * changed and groups them (as the identity migration does). Returns how many were released.
 */
export function releaseExistingForNextStart(ledgerPath: string, dirs: string[] | null): number {
  const db = openExisting(ledgerPath, false);
  try {
    const set = "UPDATE files SET state = 'pending', reason = ?, mtime_ms = -1";
    if (dirs === null) return db.prepare(`${set} WHERE state = 'existing'`).run(RELEASED_FOR_NEXT_START).changes;
    const st = db.prepare(`${set} WHERE path >= ? AND path < ? AND +state = 'existing'`);
    return db.transaction(() => {
      let n = 0;
      for (const [lo, hi] of dirs.map(rangeOf)) n += st.run(RELEASED_FOR_NEXT_START, lo, hi).changes;
      return n;
    })();
  } finally {
    db.close();
  }
}
