/**
 * The ledger's OMERO tables (schema migration "omero"): fileset notes (what happened to a fileset
 * besides its runs: a reimport asked by hand, OMERO's importer answering differently), OMERO's
 * pauses and resumptions, and OMERO's importer's own answer per entry (`omero import -f`), which
 * the grouping follows. Both the DropBox (writes) and the CLI/node views (reads) use these.
 */
import { reimportInDb } from "./reimport";
import type { Db } from "./schema";

export interface FilesetNote {
  at: string;
  /** `reimport`, `confirm` (OMERO's importer answered differently), `confirm-none`. */
  kind: string;
  text: string;
}

export interface OmeroEvent {
  id: number;
  at: string;
  up: boolean;
  kind: string | null;
  reason: string | null;
}

/** OMERO's importer's answer for one entry: the files of its fileset. */
export interface OmeroFileset {
  entry: string;
  reader: string | null;
  files: string[];
}

export function addNote(db: Db, fileset: number, kind: string, text: string, now: number): void {
  db.prepare("INSERT INTO fileset_notes(fileset, at, kind, text) VALUES (?, ?, ?, ?)").run(
    fileset,
    new Date(now).toISOString(),
    kind,
    text,
  );
}

export function notesOf(db: Db, fileset: number): FilesetNote[] {
  if (!hasTable(db, "fileset_notes")) return [];
  return db
    .prepare("SELECT at, kind, text FROM fileset_notes WHERE fileset = ? ORDER BY id")
    .all(fileset) as FilesetNote[];
}

export function recordOmeroEvent(db: Db, up: boolean, kind: string | null, reason: string | null, now: number): void {
  db.prepare("INSERT INTO omero_events(at, up, kind, reason) VALUES (?, ?, ?, ?)").run(
    new Date(now).toISOString(),
    up ? 1 : 0,
    kind,
    reason,
  );
}

/** Pauses and resumptions after event `afterId`, oldest first. */
export function omeroEventsAfter(db: Db, afterId: number, limit = 100): OmeroEvent[] {
  if (!hasTable(db, "omero_events")) return [];
  return (
    db
      .prepare("SELECT id, at, up, kind, reason FROM omero_events WHERE id > ? ORDER BY id LIMIT ?")
      .all(afterId, limit) as (Omit<OmeroEvent, "up"> & { up: number })[]
  ).map((e) => ({ ...e, up: e.up === 1 }));
}

/** The last pause or resumption (null: OMERO never paused the queue). */
export function lastOmeroEvent(db: Db): OmeroEvent | null {
  if (!hasTable(db, "omero_events")) return null;
  const e = db.prepare("SELECT id, at, up, kind, reason FROM omero_events ORDER BY id DESC LIMIT 1").get() as
    | (Omit<OmeroEvent, "up"> & { up: number })
    | undefined;
  return e ? { ...e, up: e.up === 1 } : null;
}

export function pinOmeroFileset(db: Db, watch: number, user: string, f: OmeroFileset, now: number): void {
  db.prepare(
    `INSERT INTO omero_filesets(entry, watch, user, reader, files, at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(entry) DO UPDATE SET watch = excluded.watch, user = excluded.user, reader = excluded.reader,
       files = excluded.files, at = excluded.at`,
  ).run(f.entry, watch, user, f.reader, JSON.stringify(f.files), new Date(now).toISOString());
}

export function unpinOmeroFileset(db: Db, entry: string): void {
  db.prepare("DELETE FROM omero_filesets WHERE entry = ?").run(entry);
}

export function pinnedOmeroFileset(db: Db, entry: string): OmeroFileset | null {
  const r = db.prepare("SELECT entry, reader, files FROM omero_filesets WHERE entry = ?").get(entry) as
    | { entry: string; reader: string | null; files: string }
    | undefined;
  return r ? { entry: r.entry, reader: r.reader, files: JSON.parse(r.files) as string[] } : null;
}

/** OMERO's answers for entries of (watch, user) in [lo, hi): the grouping of that range follows them. */
export function pinnedOmeroFilesetsIn(db: Db, watch: number, user: string, lo: string, hi: string): OmeroFileset[] {
  return (
    db
      .prepare(
        "SELECT entry, reader, files FROM omero_filesets WHERE watch = ? AND user = ? AND entry >= ? AND entry < ?",
      )
      .all(watch, user, lo, hi) as { entry: string; reader: string | null; files: string }[]
  ).map((r) => ({ entry: r.entry, reader: r.reader, files: JSON.parse(r.files) as string[] }));
}

/** Queued filesets of a watch whose entry is under `dir` (the confirmation's batch), oldest first. */
export function queuedEntriesIn(db: Db, watch: number, dir: string, limit: number): { id: number; entry: string }[] {
  return db
    .prepare(
      "SELECT id, entry FROM filesets WHERE entry > ? AND entry < ? AND state = 'queued' AND watch = ? ORDER BY id LIMIT ?",
    )
    .all(`${dir}/`, `${dir}0`, watch, limit) as { id: number; entry: string }[];
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The DropBox's named operations on the OMERO tables (`Ledger.omero`). */
export class OmeroTable {
  constructor(private readonly db: Db) {}
  /** A note in a fileset's history. */
  note(fileset: number, kind: string, text: string, now: number): void {
    addNote(this.db, fileset, kind, text, now);
  }
  /** OMERO paused (up false) or resumed (up true) the queue. */
  event(up: boolean, kind: string | null, reason: string | null, now: number): void {
    recordOmeroEvent(this.db, up, kind, reason, now);
  }
  pin(watch: number, user: string, f: OmeroFileset, now: number): void {
    pinOmeroFileset(this.db, watch, user, f, now);
  }
  pinned(entry: string): OmeroFileset | null {
    return pinnedOmeroFileset(this.db, entry);
  }
  pinnedIn(watch: number, user: string, lo: string, hi: string): OmeroFileset[] {
    return pinnedOmeroFilesetsIn(this.db, watch, user, lo, hi);
  }
  queuedIn(watch: number, dir: string, limit: number): { id: number; entry: string }[] {
    return queuedEntriesIn(this.db, watch, dir, limit);
  }
  /** `imports reimport ID`: imported -> queued for `importer`, with a note; LedgerError otherwise. */
  reimport(id: number, importer: string, now: number): { id: number; state: string } {
    return reimportInDb(this.db, id, importer, now);
  }
}
