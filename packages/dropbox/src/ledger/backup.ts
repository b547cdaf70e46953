/**
 * `omero-fs dropbox backup FILE`: a consistent copy of the ledger through SQLite's online backup
 * API (better-sqlite3's `backup`), with the DropBox running or not; what the write-ahead log holds
 * is in the copy. The way to back the ledger up (a copy of dropbox.sqlite alone may miss the last
 * changes, which live in dropbox.sqlite-wal until a checkpoint).
 */
import * as fs from "node:fs";
import { restrictStore } from "@omero-fs/config/home";
import Database from "better-sqlite3";
import { LedgerError, openExisting } from "./schema";

export interface BackupResult {
  file: string;
  bytes: number;
  schemaVersion: number;
  files: number;
  filesets: number;
}

/**
 * Copy the ledger at `ledgerPath` to `dest` (a new file, 0600; an existing one only with
 * `overwrite`), then check the copy (quick_check) and count what it holds.
 */
export async function backupLedger(ledgerPath: string, dest: string, overwrite = false): Promise<BackupResult> {
  if (fs.existsSync(dest)) {
    if (!overwrite)
      throw new LedgerError("LEDGER_EXISTS", `${dest} already exists; give a new file name, or --force to replace it`);
    for (const f of [dest, `${dest}-wal`, `${dest}-shm`]) fs.rmSync(f, { force: true });
  }
  const db = openExisting(ledgerPath, true);
  try {
    restrictStore(dest);
    await db.backup(dest);
  } finally {
    db.close();
  }
  const copy = new Database(dest, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok")
      throw new LedgerError("LEDGER_CORRUPT", `the copy ${dest} fails SQLite's quick_check: ${check}`);
    return {
      file: dest,
      bytes: fs.statSync(dest).size,
      schemaVersion: copy.pragma("user_version", { simple: true }) as number,
      files: copy.prepare("SELECT COUNT(*) FROM files").pluck().get() as number,
      filesets: copy.prepare("SELECT COUNT(*) FROM filesets").pluck().get() as number,
    };
  } finally {
    copy.close();
  }
}
