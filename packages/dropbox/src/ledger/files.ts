/**
 * The ledger's `files` table as named state changes and queries (the file identity, intake and
 * reconciliation steps use these). The only SQL about files outside the CLI view.
 */
import type { Statement } from "better-sqlite3";
import type { FileState } from "@omero-fs/protocol";
import { type FileRecord, NOT_GROUPED, type StatInfo } from "../core/file-identity";
import type { KnownFile } from "../core/reconcile";
import type { Db } from "./schema";

/** One `files` row as selected by FILE_COLS (raw mode: no object per row from SQLite). */
export type FileRaw = [
  number,
  string,
  number,
  string,
  number,
  number,
  number | null,
  number | null,
  FileState,
  string | null,
  number | null,
  number | null,
];
export const FILE_COLS = "id, path, watch, user, size, mtime_ms, dev, ino, state, reason, fileset, birth_ms";
export const fileRecord = (r: FileRaw): FileRecord => ({
  id: r[0],
  path: r[1],
  watch: r[2],
  user: r[3],
  size: r[4],
  mtimeMs: r[5],
  dev: r[6],
  ino: r[7],
  state: r[8],
  reason: r[9],
  fileset: r[10],
  birthMs: r[11],
});

/** A known file's path and state (a page of a watch's files). */
export interface KnownPath {
  path: string;
  state: FileState;
  reason: string | null;
}

export class FilesTable {
  private readonly st: Record<string, Statement>;
  constructor(private readonly db: Db) {
    this.st = {
      byPath: db.prepare(`SELECT ${FILE_COLS} FROM files WHERE path = ?`),
      insert: db.prepare(
        `INSERT INTO files(path, watch, user, size, mtime_ms, dev, ino, birth_ms, state, reason, fileset, last_event_ms, seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      setStat: db.prepare(
        "UPDATE files SET size = ?, mtime_ms = ?, dev = ?, ino = ?, birth_ms = ?, last_event_ms = ? WHERE id = ?",
      ),
      setState: db.prepare("UPDATE files SET state = ?, reason = ?, fileset = ? WHERE id = ?"),
      setReason: db.prepare("UPDATE files SET reason = ? WHERE id = ?"),
      delete: db.prepare("DELETE FROM files WHERE id = ?"),
      toHistory: db.prepare(
        `INSERT INTO files_history(path, watch, user, size, mtime_ms, dev, ino, birth_ms, state, reason, fileset, seen_at, ended_at)
         SELECT path, watch, user, size, mtime_ms, dev, ino, birth_ms, state, ?, fileset, seen_at, ? FROM files WHERE id = ?`,
      ),
      importedByInode: db.prepare(`SELECT ${FILE_COLS} FROM files WHERE dev = ? AND ino = ? AND state = 'imported'`),
      linksByInode: db.prepare("SELECT path, user FROM files WHERE dev = ? AND ino = ? AND path != ? LIMIT 16"),
      othersByInode: db.prepare(
        "SELECT path FROM files WHERE dev = ? AND ino = ? AND path != ? AND state != 'imported' LIMIT 16",
      ),
      importedVersion: db.prepare(
        `SELECT ff.fileset FROM fileset_files ff JOIN filesets f ON f.id = ff.fileset
         WHERE ff.path = ? AND ff.size = ? AND ff.mtime_ms = ? AND f.state = 'imported' LIMIT 1`,
      ),
      renameFile: db.prepare(
        "UPDATE files SET path = ?, watch = ?, mtime_ms = ?, birth_ms = ?, reason = ? WHERE id = ?",
      ),
      renameMember: db.prepare("UPDATE fileset_files SET path = ? WHERE fileset = ? AND path = ?"),
      refreshInode: db.prepare("UPDATE files SET dev = ?, ino = ?, birth_ms = ?, reason = NULL WHERE id = ?"),
      touchImported: db.prepare("UPDATE files SET mtime_ms = ?, reason = NULL WHERE id = ?"),
      // `+column` keeps SQLite off the (watch, user, state) index for these ranged reads: the path
      // index visits only the range, the other would scan every file of the watch per call.
      pathsAfter: db.prepare("SELECT path FROM files WHERE +watch = ? AND path > ? AND path < ? ORDER BY path LIMIT ?"),
      children: db.prepare(
        `SELECT path, size, mtime_ms, state, reason FROM files
         WHERE +watch = ? AND path >= ? AND path < ? AND instr(substr(path, ?), '/') = 0`,
      ),
      page: db.prepare("SELECT path, state, reason FROM files WHERE +watch = ? AND path > ? ORDER BY path LIMIT ?"),
      presentCount: db.prepare(
        "SELECT COUNT(*) FROM files WHERE watch = ? AND NOT (state = 'imported' AND reason IS ?)",
      ),
      countInWatch: db.prepare("SELECT COUNT(*) FROM files WHERE watch = ?"),
      count: db.prepare("SELECT COUNT(*) FROM files"),
    };
  }

  byPath(p: string): FileRecord | null {
    const r = this.st.byPath.raw().get(p) as FileRaw | undefined;
    return r ? fileRecord(r) : null;
  }

  importedWithInode(dev: number, ino: number): FileRecord[] {
    return (this.st.importedByInode.raw().all(dev, ino) as FileRaw[]).map(fileRecord);
  }

  /** Paths of other live, not imported records with this (device, inode): the old names of a rename. */
  otherPathsWithInode(dev: number, ino: number, p: string): string[] {
    return (this.st.othersByInode.raw().all(dev, ino, p) as [string][]).map((r) => r[0]);
  }

  /** Other records with this (device, inode), in any state, with their users: a hard link's other names. */
  linksOf(dev: number, ino: number, p: string): { path: string; user: string }[] {
    return this.st.linksByInode.all(dev, ino, p) as { path: string; user: string }[];
  }

  /** The imported fileset that holds exactly this (path, size, mtime), or null. */
  importedVersionOf(p: string, size: number, mtimeMs: number): number | null {
    const r = this.st.importedVersion.raw().get(p, size, mtimeMs) as [number] | undefined;
    return r ? r[0] : null;
  }

  recordNew(
    f: {
      path: string;
      watch: number;
      user: string;
      stat: StatInfo;
      state: FileState;
      reason: string | null;
      fileset: number | null;
    },
    now: number,
  ): void {
    const s = f.stat;
    this.st.insert.run(
      f.path,
      f.watch,
      f.user,
      s.size,
      s.mtimeMs,
      s.dev,
      s.ino,
      s.birthMs,
      f.state,
      f.reason,
      f.fileset,
      now,
      new Date(now).toISOString(),
    );
  }

  /** New size/mtime/inode; `now` is the event time (it restarts the quiet period of the file's fileset). */
  recordStat(id: number, s: StatInfo, now: number): void {
    this.st.setStat.run(s.size, s.mtimeMs, s.dev, s.ino, s.birthMs, now, id);
  }

  setState(id: number, state: FileState, reason: string | null, fileset: number | null): void {
    this.st.setState.run(state, reason, fileset, id);
  }

  setReason(id: number, reason: string | null): void {
    this.st.setReason.run(reason, id);
  }

  /** End a file's history: its row moves to files_history with `reason` (the path is free for a new file). */
  retire(id: number, reason: string, now: number): void {
    this.st.toHistory.run(reason, new Date(now).toISOString(), id);
    this.st.delete.run(id);
  }

  forget(id: number): void {
    this.st.delete.run(id);
  }

  /** An imported file now lives at `to`: its record and its fileset's member path follow it. */
  renameImported(
    from: FileRecord,
    to: string,
    watch: number,
    stat: { mtimeMs: number; birthMs: number | null },
    reason: string,
  ): void {
    this.st.renameFile.run(to, watch, stat.mtimeMs, stat.birthMs, reason, from.id);
    this.st.renameMember.run(to, from.fileset, from.path);
  }

  refreshInode(id: number, dev: number, ino: number, birthMs: number | null): void {
    this.st.refreshInode.run(dev, ino, birthMs, id);
  }

  touchImported(id: number, mtimeMs: number): void {
    this.st.touchImported.run(mtimeMs, id);
  }

  /** Known paths of a watch in (after, below), in path order, at most `limit`. */
  pathsBetween(watch: number, after: string, below: string, limit: number): string[] {
    return (this.st.pathsAfter.raw().all(watch, after, below, limit) as [string][]).map((r) => r[0]);
  }

  /** Known files directly in `dir` (not in its subfolders), as reconciliation compares them. */
  knownIn(watch: number, dir: string, goneAfterImport: string): KnownFile[] {
    const prefix = `${dir}/`;
    const rows = this.st.children.raw().all(watch, prefix, `${dir}0`, prefix.length + 1) as [
      string,
      number,
      number,
      string,
      string | null,
    ][];
    return rows.map(([path, size, mtimeMs, state, reason]) => ({
      path,
      size,
      mtimeMs,
      state,
      goneAfterImport: state === "imported" && reason === goneAfterImport,
      notGrouped: state === "pending" && reason === NOT_GROUPED,
    }));
  }

  /** A page of a watch's known files in path order. */
  pageOf(watch: number, after: string, limit: number): KnownPath[] {
    return this.st.page.all(watch, after, limit) as KnownPath[];
  }

  /** Files the ledger knows in a watch, imported ones already recorded as gone excepted. */
  presentCount(watch: number, goneAfterImport: string): number {
    return this.st.presentCount.pluck().get(watch, goneAfterImport) as number;
  }

  countInWatch(watch: number): number {
    return this.st.countInWatch.pluck().get(watch) as number;
  }

  /** Every pending file (to group them again after failed writes). */
  pendingPaths(): { watch: number; user: string; path: string }[] {
    return this.db.prepare("SELECT watch, user, path FROM files WHERE state = 'pending'").all() as {
      watch: number;
      user: string;
      path: string;
    }[];
  }

  count(): number {
    return this.st.count.pluck().get() as number;
  }
}
