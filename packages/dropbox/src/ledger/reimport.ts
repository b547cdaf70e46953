/**
 * `omero-fs imports reimport ID` (issue 20): import again a fileset imported before the importer
 * changed (the embedded trial, then OMERO). Never automatic: only by hand, and recorded in the
 * fileset's history (fileset_notes) with what it was imported by and where. Through the DropBox,
 * or directly when it does not run.
 */
import { type Db, LedgerError, openExisting } from "./schema";

/**
 * imported -> queued for `importer`, members snapshotted as they are now, a fresh retry budget; the
 * old importer, target and time go into the note. Anything not imported is refused with the reason.
 */
export function reimportInDb(db: Db, id: number, importer: string, now: number): { id: number; state: string } {
  const row = db.prepare("SELECT state, importer, target, imported_at FROM filesets WHERE id = ?").get(id) as
    | { state: string; importer: string; target: string | null; imported_at: string | null }
    | undefined;
  if (!row) throw new LedgerError("UNKNOWN_IMPORT", `no import with id ${id} (see \`omero-fs imports list\`)`);
  if (row.state !== "imported")
    throw new LedgerError(
      "NOT_RETRYABLE",
      row.state === "failed"
        ? `import ${id} failed; queue it again with omero-fs imports retry ${id}`
        : `import ${id} is ${row.state}, not imported; only an imported fileset can be imported again`,
    );
  const stamp = new Date(now).toISOString();
  db.transaction(() => {
    db.prepare(
      "UPDATE filesets SET state = 'queued', importer = ?, error = NULL, target = NULL, images = NULL, imported_at = NULL WHERE id = ?",
    ).run(importer, id);
    // The members as they are now: checked again just before the import, as for any queued fileset.
    db.prepare("DELETE FROM fileset_files WHERE fileset = ?").run(id);
    const entry = (db.prepare("SELECT entry FROM filesets WHERE id = ?").get(id) as { entry: string }).entry;
    const members = db
      .prepare("SELECT path, size, mtime_ms, dev, ino FROM files WHERE fileset = ? ORDER BY path = ? DESC, path")
      .all(id, entry) as { path: string; size: number; mtime_ms: number; dev: number | null; ino: number | null }[];
    const add = db.prepare(
      "INSERT INTO fileset_files(fileset, ord, path, size, mtime_ms, dev, ino) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    for (const [i, m] of members.entries()) add.run(id, i, m.path, m.size, m.mtime_ms, m.dev, m.ino);
    db.prepare(
      `INSERT INTO jobs(fileset, queued_at, not_before_ms, base_attempts)
       VALUES (?, ?, 0, (SELECT attempts FROM filesets WHERE id = ?))
       ON CONFLICT(fileset) DO UPDATE SET not_before_ms = 0, queued_at = excluded.queued_at,
         base_attempts = excluded.base_attempts, started_at = NULL, finished_at = NULL`,
    ).run(id, stamp, id);
    db.prepare("INSERT INTO fileset_notes(fileset, at, kind, text) VALUES (?, ?, 'reimport', ?)").run(
      id,
      stamp,
      `reimport asked by hand: imported by the ${row.importer} importer${row.imported_at ? ` at ${row.imported_at}` : ""}${row.target ? ` -> ${row.target}` : ""}; queued for the ${importer} importer`,
    );
  })();
  return { id, state: "queued" };
}

/** `imports reimport ID` without a running DropBox: a direct write; the next start imports it. */
export function reimportImport(ledgerPath: string, id: number, importer: string): { id: number; state: string } {
  const db = openExisting(ledgerPath, false);
  try {
    return reimportInDb(db, id, importer, Date.now());
  } finally {
    db.close();
  }
}
