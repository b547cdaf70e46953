/**
 * Requeue one fileset by hand (`omero-fs imports retry ID`), or release one (`omero-fs imports
 * release ID`): through DropBox, or directly.
 */
import { type Db, LedgerError, openExisting } from "./schema";

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
  if (row.state === "incomplete")
    throw new LedgerError(
      "NOT_RETRYABLE",
      `import ${id} is incomplete (files missing, cut or empty); import it as it is with omero-fs imports release ${id}`,
    );
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

/**
 * Release one fileset (`imports release`): an incomplete or waiting fileset is imported as it is,
 * without the members still missing, its quiet period or a hold: it stays `waiting` with
 * released_at set, and the DropBox queues it once its present files are settled and finished.
 * Already released, queued, importing, imported and failed filesets are refused with the reason.
 */
export function releaseInDb(db: Db, id: number, now: number): { id: number; state: string } {
  const row = db.prepare("SELECT state, released_at FROM filesets WHERE id = ?").get(id) as
    | { state: string; released_at: string | null }
    | undefined;
  if (!row) throw new LedgerError("UNKNOWN_IMPORT", `no import with id ${id} (see \`omero-fs imports list\`)`);
  if (row.state === "failed")
    throw new LedgerError("NOT_RETRYABLE", `import ${id} failed; queue it again with omero-fs imports retry ${id}`);
  if (row.state !== "waiting" && row.state !== "incomplete")
    throw new LedgerError(
      "NOT_RETRYABLE",
      `import ${id} is ${row.state}; only an incomplete or waiting import can be released`,
    );
  const stamp = new Date(now).toISOString();
  db.prepare(
    `UPDATE filesets SET state = 'waiting', released_at = coalesce(released_at, ?),
       waiting_for = 'released by hand: imported as it is once its files are finished' WHERE id = ?`,
  ).run(stamp, id);
  return { id, state: "waiting" };
}

/** `imports release ID` without a running DropBox: a direct write; the next DropBox start imports it. */
export function releaseImport(ledgerPath: string, id: number): { id: number; state: string } {
  const db = openExisting(ledgerPath, false);
  try {
    return releaseInDb(db, id, Date.now());
  } finally {
    db.close();
  }
}
