/**
 * The ledger's invariant as SQL (core/ledger-invariant.ts judges it): the rows that would break
 * it, counted with a few examples, and the start's repair of what a crash or a bug left (files
 * grouped into nothing or linked to a fileset they are not in, empty filesets).
 */
import { NOT_GROUPED } from "../core/file-identity";
import { type InvariantFacts, type InvariantVerdict, invariantVerdict, type RowSample } from "../core/ledger-invariant";
import { type Db, openExisting } from "./schema";

const EXAMPLES = 5;
/** Fileset states that hold members not imported (a file `grouped` in one of these is in a live fileset). */
const LIVE = "('waiting', 'queued', 'importing', 'incomplete', 'failed', 'cancelled')";

function sample(db: Db, where: string, what: string, args: unknown[]): RowSample {
  const count = db
    .prepare(`SELECT COUNT(*) FROM ${where}`)
    .pluck()
    .get(...args) as number;
  const examples =
    count === 0
      ? []
      : (
          db
            .prepare(`SELECT ${what} FROM ${where} LIMIT ${EXAMPLES}`)
            .pluck()
            .all(...args) as (string | number)[]
        ).map(String);
  return { count, examples };
}

/**
 * What the invariant looks at. `seenBefore`: only files seen-not-grouped whose last event is older
 * than this count (a file that arrives during a running DropBox's check is not a problem);
 * Infinity for a stopped DropBox.
 */
export function invariantFacts(db: Db, seenBefore: number): InvariantFacts {
  return {
    files: db.prepare("SELECT COUNT(*) FROM files").pluck().get() as number,
    notGrouped: sample(
      db,
      "files WHERE state = 'pending' AND (reason IS NULL OR reason = ?) AND last_event_ms < ?",
      "path",
      [NOT_GROUPED, Number.isFinite(seenBefore) ? seenBefore : Number.MAX_SAFE_INTEGER],
    ),
    groupedNowhere: sample(
      db,
      `files fi WHERE fi.state = 'grouped' AND NOT EXISTS (SELECT 1 FROM filesets f WHERE f.id = fi.fileset AND f.state IN ${LIVE})`,
      "fi.path",
      [],
    ),
    strayFileset: sample(db, "files WHERE fileset IS NOT NULL AND state NOT IN ('grouped', 'imported')", "path", []),
    emptyFilesets: sample(
      db,
      "filesets f WHERE f.state IN ('waiting', 'queued', 'incomplete') AND NOT EXISTS (SELECT 1 FROM files fi WHERE fi.fileset = f.id)",
      "f.id",
      [],
    ),
  };
}

/**
 * At start, before anything else: files grouped into no live fileset go back to pending, not
 * grouped (the start's walk groups them again); a fileset link on a file that is not in one is
 * cleared; a queued fileset with no file and no attempt is cancelled (waiting ones:
 * Grouping.cancelEmpty; one with a history stays, and the check names it).
 * Returns what it changed.
 */
export function repairInvariant(db: Db): { regrouped: number; unlinked: number; cancelled: number } {
  return db.transaction(() => {
    const regrouped = db
      .prepare(
        `UPDATE files SET state = 'pending', reason = ?, fileset = NULL WHERE state = 'grouped'
         AND NOT EXISTS (SELECT 1 FROM filesets f WHERE f.id = files.fileset AND f.state IN ${LIVE})`,
      )
      .run(NOT_GROUPED).changes;
    const unlinked = db
      .prepare("UPDATE files SET fileset = NULL WHERE fileset IS NOT NULL AND state NOT IN ('grouped', 'imported')")
      .run().changes;
    const empty = db
      .prepare(
        `SELECT id FROM filesets f WHERE f.state = 'queued' AND NOT EXISTS (SELECT 1 FROM files fi WHERE fi.fileset = f.id)
         AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.fileset = f.id)`,
      )
      .pluck()
      .all() as number[];
    for (const id of empty) {
      db.prepare("DELETE FROM jobs WHERE fileset = ?").run(id);
      db.prepare("DELETE FROM fileset_files WHERE fileset = ?").run(id);
      db.prepare("DELETE FROM filesets WHERE id = ?").run(id);
    }
    return { regrouped, unlinked, cancelled: empty.length };
  })();
}

/** `dropbox check-ledger` with no DropBox running: the invariant of a ledger file, read-only. */
export function checkInvariantOffline(ledgerPath: string): InvariantVerdict & { files: number } {
  const db = openExisting(ledgerPath, true);
  try {
    const f = invariantFacts(db, Number.POSITIVE_INFINITY);
    return { ...invariantVerdict(f, { grouped: false }), files: f.files };
  } finally {
    db.close();
  }
}
