/**
 * Requeue one fileset by hand (`omero-fs imports retry ID`), release one (`omero-fs imports
 * release ID`), or cancel one (`omero-fs imports cancel ID`): through DropBox, or directly.
 */
import { processGroupAlive, signalGroup } from "@omero-fs/config/processes";
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

/** What a cancelled fileset's error says. */
export const CANCELLED_BY_HAND =
  "cancelled by hand (omero-fs imports cancel); omero-fs imports retry ID queues it again";

/**
 * Cancel one fileset (`imports cancel`): any state but imported and cancelled becomes `cancelled`,
 * its job removed, a run still open finished as cancelled. Its files stay in it (`imports retry`
 * queues it again). The caller has ended a running import first.
 */
export function cancelInDb(db: Db, id: number, now: number): { id: number; state: string } {
  const row = db.prepare("SELECT state FROM filesets WHERE id = ?").get(id) as { state: string } | undefined;
  if (!row) throw new LedgerError("UNKNOWN_IMPORT", `no import with id ${id} (see \`omero-fs imports list\`)`);
  if (row.state === "imported")
    throw new LedgerError("NOT_RETRYABLE", `import ${id} is already imported; there is nothing to cancel`);
  if (row.state === "cancelled") throw new LedgerError("NOT_RETRYABLE", `import ${id} is already cancelled`);
  const stamp = new Date(now).toISOString();
  db.transaction(() => {
    db.prepare("UPDATE filesets SET state = 'cancelled', error = ?, waiting_for = NULL WHERE id = ?").run(
      CANCELLED_BY_HAND.replace("ID", String(id)),
      id,
    );
    db.prepare("DELETE FROM jobs WHERE fileset = ?").run(id);
    db.prepare("UPDATE attempts SET finished_at = ?, ok = 0, error = ? WHERE fileset = ? AND finished_at IS NULL").run(
      stamp,
      "cancelled by hand",
      id,
    );
  })();
  return { id, state: "cancelled" };
}

/**
 * `imports cancel ID` without a running DropBox: an import left running by a DropBox that died
 * (its process group, recorded in the ledger) is ended first (SIGTERM, SIGKILL after 5 s), then
 * the fileset is cancelled in the ledger.
 */
export async function cancelImport(ledgerPath: string, id: number): Promise<{ id: number; state: string }> {
  const db = openExisting(ledgerPath, false);
  try {
    const run = db
      .prepare(
        `SELECT a.pgid, a.pgid_start AS start FROM attempts a JOIN filesets f ON f.id = a.fileset
         WHERE f.id = ? AND f.state = 'importing' AND a.finished_at IS NULL AND a.pgid IS NOT NULL ORDER BY a.n DESC LIMIT 1`,
      )
      .get(id) as { pgid: number; start: string | null } | undefined;
    if (run && processGroupAlive(run.pgid, run.start)) {
      signalGroup(run.pgid, "SIGTERM");
      const until = Date.now() + 5000;
      while (processGroupAlive(run.pgid, null) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      signalGroup(run.pgid, "SIGKILL");
    }
    return cancelInDb(db, id, Date.now());
  } finally {
    db.close();
  }
}
