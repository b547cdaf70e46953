/**
 * A ledger write that failed because of where the ledger lives (disk full, read-only, I/O error),
 * not because of what was written: the DropBox keeps running, shows itself degraded with the
 * reason, probes until writes succeed and then rescans. Pure: SQLite's error code in, words out.
 */

export type LedgerWriteFailure = "disk full" | "read-only" | "I/O error";

/** The kind of a SQLite error code (better-sqlite3's SqliteError.code; extended codes included), or null. */
export function ledgerWriteFailure(code: string | undefined): LedgerWriteFailure | null {
  if (!code) return null;
  if (code === "SQLITE_FULL") return "disk full";
  if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_PERM" || code.startsWith("SQLITE_CANTOPEN"))
    return "read-only";
  if (code.startsWith("SQLITE_IOERR")) return "I/O error";
  return null;
}

/** The reason `admin status` shows while the ledger cannot be written. */
export function ledgerProblemReason(file: string, kind: LedgerWriteFailure): string {
  return `ledger ${file} cannot be written (${kind}): events are not recorded; they will be picked up by a rescan once writes succeed`;
}
