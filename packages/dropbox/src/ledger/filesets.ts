/**
 * The ledger's filesets, members, jobs and attempts as named state changes and queries (the
 * grouping, readiness, scheduling, import and outcome steps use these). Fileset states:
 * waiting -> queued -> importing -> imported | failed.
 */
import type { PlateSummary } from "@omero-fs/readers";
import type { Statement } from "better-sqlite3";
import type { FileRecord } from "../core/file-identity";
import type { ExistingFileset, MembershipOps, PlanLike } from "../core/filesets";
import type { OutcomeDecision } from "../core/outcome";
import type { MemberObservation } from "../core/readiness";
import type { SchedJob } from "../core/scheduler";
import {
  type CompletenessFacts,
  type FilesetInfo,
  type LastAttempt,
  MISSING_KEPT,
  type Outcome,
  type PartitionFile,
  type WaitingFileset,
} from "./fileset-rows";
import { FILE_COLS, type FileRaw, fileRecord } from "./files";
import type { Db } from "./schema";

export class FilesetsTable {
  private readonly st: Record<string, Statement>;
  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      get: p("SELECT id, watch, user, entry, reader, state, attempts FROM filesets WHERE id = ?"),
      setState: p("UPDATE filesets SET state = ? WHERE id = ?"),
      // Owned members and those shared with another fileset (fileset_shared: Bio-Formats uses them in both).
      members: p(
        `SELECT ${FILE_COLS} FROM files WHERE fileset = ?
         UNION SELECT ${FILE_COLS} FROM files WHERE path IN (SELECT path FROM fileset_shared WHERE fileset = ?)
         ORDER BY path`,
      ),
      sharedPaths: p("SELECT path FROM fileset_shared WHERE fileset = ? ORDER BY path"),
      clearShared: p("DELETE FROM fileset_shared WHERE fileset = ?"),
      addShared: p("INSERT OR IGNORE INTO fileset_shared(fileset, path) VALUES (?, ?)"),
      sharedBy: p("SELECT fileset FROM fileset_shared WHERE path = ? ORDER BY fileset"),
      memberPaths: p("SELECT path FROM fileset_files WHERE fileset = ? ORDER BY ord"),
      snapshot: p("SELECT path, size, mtime_ms FROM fileset_files WHERE fileset = ? ORDER BY ord"),
      partitionRows: p(
        `SELECT fi.id, fi.path, fi.size, fi.mtime_ms AS mtimeMs, fi.fileset FROM files fi
         LEFT JOIN filesets f ON f.id = fi.fileset
         WHERE +fi.watch = ? AND +fi.user = ? AND fi.path >= ? AND fi.path < ? AND +fi.state IN ('pending','grouped')
           AND (fi.fileset IS NULL OR f.state IN ('waiting', 'queued', 'incomplete'))`,
      ),
      partitionImported: p(
        `SELECT id, path, size, mtime_ms AS mtimeMs, fileset FROM files
         WHERE +watch = ? AND +user = ? AND path >= ? AND path < ? AND +state = 'imported' AND reason IS NOT ?`,
      ),
      copyToHistory: p(
        `INSERT INTO files_history(path, watch, user, size, mtime_ms, dev, ino, birth_ms, state, reason, fileset, seen_at, ended_at)
         SELECT path, watch, user, size, mtime_ms, dev, ino, birth_ms, state, ?, fileset, seen_at, ? FROM files WHERE id = ?`,
      ),
      partitionIgnored: p(
        `SELECT id, path, size, mtime_ms AS mtimeMs, fileset FROM files
         WHERE +watch = ? AND +user = ? AND path >= ? AND path < ? AND +state = 'ignored'`,
      ),
      insert: p(
        `INSERT INTO filesets(watch, user, key, reader, entry, state, importer, created_at)
         VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?)`,
      ),
      update: p("UPDATE filesets SET key = ?, reader = ?, entry = ? WHERE id = ?"),
      clearMembers: p("DELETE FROM fileset_files WHERE fileset = ?"),
      addMember: p("INSERT INTO fileset_files(fileset, ord, path) VALUES (?, ?, ?)"),
      deleteWaiting: p("DELETE FROM filesets WHERE id = ? AND state IN ('waiting', 'queued', 'incomplete')"),
      setCompleteness: p(
        "UPDATE filesets SET missing = ?, missing_count = ?, expected_count = ?, plate = ? WHERE id = ?",
      ),
      reopen: p("UPDATE filesets SET state = 'waiting', waiting_for = NULL WHERE id = ? AND state = 'incomplete'"),
      markIncomplete: p("UPDATE filesets SET state = 'incomplete', waiting_for = ? WHERE id = ? AND state = 'waiting'"),
      setFile: p("UPDATE files SET state = ?, reason = ?, fileset = ? WHERE id = ?"),
      emptyWaitingOf: p(
        `SELECT f.id FROM filesets f WHERE f.watch = ? AND f.user = ? AND f.state IN ('waiting', 'incomplete')
         AND NOT EXISTS (SELECT 1 FROM files fi WHERE fi.fileset = f.id)`,
      ),
      isEmptyWaiting: p(
        `SELECT 1 FROM filesets f WHERE f.id = ? AND f.state IN ('waiting', 'incomplete')
         AND NOT EXISTS (SELECT 1 FROM files fi WHERE fi.fileset = f.id)`,
      ),
      waitingPairs: p("SELECT DISTINCT watch, user FROM filesets WHERE state IN ('waiting', 'incomplete')"),
      waitingPage: p(
        `SELECT id, user, missing, missing_count, expected_count, plate, released_at FROM filesets
         WHERE state = 'waiting' AND watch = ? AND id > ? ORDER BY id LIMIT ?`,
      ),
      membersOfPage: p(
        `SELECT fileset, path, size, mtime_ms, last_event_ms FROM files WHERE fileset IN
           (SELECT id FROM filesets WHERE state = 'waiting' AND watch = ? AND id > ? ORDER BY id LIMIT ?)`,
      ),
      sharedOfPage: p(
        `SELECT s.fileset, fi.path, fi.size, fi.mtime_ms, fi.last_event_ms FROM fileset_shared s
         JOIN files fi ON fi.path = s.path WHERE s.fileset IN
           (SELECT id FROM filesets WHERE state = 'waiting' AND watch = ? AND id > ? ORDER BY id LIMIT ?)`,
      ),
      addSnapshotMember: p(
        "INSERT INTO fileset_files(fileset, ord, path, size, mtime_ms, dev, ino) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      queueJob: p(
        `INSERT INTO jobs(fileset, queued_at, not_before_ms, base_attempts) VALUES (?, ?, 0, ?)
         ON CONFLICT(fileset) DO UPDATE SET queued_at = excluded.queued_at, not_before_ms = 0`,
      ),
      deleteJob: p("DELETE FROM jobs WHERE fileset = ?"),
      firstQueuedPair: p("SELECT watch, user FROM filesets WHERE state = 'queued' ORDER BY state, watch, user LIMIT 1"),
      // Two plain range seeks: SQLite walks the index for an OR or a row-value bound.
      nextQueuedUser: p(
        "SELECT watch, user FROM filesets WHERE state = 'queued' AND watch = ? AND user > ? ORDER BY user LIMIT 1",
      ),
      nextQueuedWatch: p(
        "SELECT watch, user FROM filesets WHERE state = 'queued' AND watch > ? ORDER BY watch, user LIMIT 1",
      ),
      queuedHead: p(
        `SELECT f.id, j.not_before_ms FROM filesets f JOIN jobs j ON j.fileset = f.id
         WHERE f.state = 'queued' AND f.watch = ? AND f.user = ? AND j.not_before_ms <= ? ORDER BY f.id LIMIT 1`,
      ),
      // CROSS JOIN: jobs first, by the not_before_ms index (else SQLite scans every queued fileset).
      nextBackedOff: p(
        `SELECT f.id, f.watch, f.user, j.not_before_ms FROM jobs j CROSS JOIN filesets f ON f.id = j.fileset
         WHERE j.not_before_ms > ? AND f.state = 'queued' ORDER BY j.not_before_ms LIMIT 1`,
      ),
      markImporting: p("UPDATE filesets SET state = 'importing', attempts = ? WHERE id = ?"),
      jobStarted: p("UPDATE jobs SET started_at = ? WHERE fileset = ?"),
      addAttempt: p("INSERT INTO attempts(fileset, n, importer, started_at) VALUES (?, ?, ?, ?)"),
      queuedAt: p("SELECT queued_at FROM jobs WHERE fileset = ?"),
      baseAttempts: p("SELECT base_attempts FROM jobs WHERE fileset = ?"),
      // The run that found its files changed stays counted: every run is its own attempts row
      // (the retry budget restarts anyway: a requeue sets jobs.base_attempts to the count).
      backToWaiting: p("UPDATE filesets SET state = 'waiting' WHERE id = ?"),
      finishAttempt: p(
        "UPDATE attempts SET finished_at = ?, ok = ?, error = ?, target = ? WHERE fileset = ? AND n = ?",
      ),
      jobFinished: p("UPDATE jobs SET finished_at = ? WHERE fileset = ?"),
      imported: p(
        "UPDATE filesets SET state = 'imported', imported_at = ?, target = ?, images = ?, error = NULL WHERE id = ?",
      ),
      filesImported: p("UPDATE files SET state = 'imported', reason = NULL WHERE fileset = ? AND state = 'grouped'"),
      retryLater: p("UPDATE filesets SET state = 'queued', error = ? WHERE id = ?"),
      notBefore: p("UPDATE jobs SET not_before_ms = ? WHERE fileset = ?"),
      failed: p("UPDATE filesets SET state = 'failed', error = ?, target = ? WHERE id = ?"),
      importing: p("SELECT id FROM filesets WHERE state = 'importing'"),
      lastAttempt: p(
        "SELECT n, target, pgid, pgid_start AS pgidStart, started_at AS startedAt FROM attempts WHERE fileset = ? ORDER BY n DESC LIMIT 1",
      ),
      recordProcess: p("UPDATE attempts SET pgid = ?, pgid_start = ? WHERE fileset = ? AND n = ?"),
      interrupted: p(
        "UPDATE attempts SET finished_at = ?, ok = 0, error = ? WHERE fileset = ? AND finished_at IS NULL",
      ),
      // A run the whole server failed: back in the queue, not counted against the retry budget.
      notCounted: p("UPDATE jobs SET not_before_ms = 0, base_attempts = base_attempts + 1 WHERE fileset = ?"),
      requeueInterrupted: p(
        `INSERT INTO jobs(fileset, queued_at, not_before_ms, base_attempts) VALUES (?, ?, 0, 1)
         ON CONFLICT(fileset) DO UPDATE SET not_before_ms = 0, base_attempts = base_attempts + 1`,
      ),
    };
  }

  get(id: number): FilesetInfo | null {
    return (this.st.get.get(id) as FilesetInfo | undefined) ?? null;
  }

  /** Current member records (files.fileset = id, and the files it shares with another fileset), in path order. */
  members(id: number): FileRecord[] {
    return (this.st.members.raw().all(id, id) as FileRaw[]).map(fileRecord);
  }

  /** The filesets that use `path` besides its owner (fileset_shared). */
  sharedBy(path: string): number[] {
    return (this.st.sharedBy.raw().all(path) as [number][]).map((r) => r[0]);
  }

  /** A fileset that may still change (waiting, queued, incomplete) as applyGrouping compares it: owned members as listed, shared ones apart. */
  asExisting(f: FilesetInfo): ExistingFileset {
    const shared = this.sharedPaths(f.id);
    const isShared = new Set(shared);
    return {
      id: f.id,
      entry: f.entry,
      reader: f.reader,
      files: this.memberPaths(f.id).filter((p) => !isShared.has(p)),
      shared,
      state: f.state as "waiting" | "queued" | "incomplete",
    };
  }

  /** Members another fileset owns that this one uses too (fileset_shared), in path order. */
  sharedPaths(id: number): string[] {
    return (this.st.sharedPaths.raw().all(id) as [string][]).map((r) => r[0]);
  }

  /** Member paths as listed (entry first once queued). */
  memberPaths(id: number): string[] {
    return (this.st.memberPaths.raw().all(id) as [string][]).map((r) => r[0]);
  }

  /** Members with the size and mtime they had when queued. */
  snapshotOf(id: number): { path: string; size: number; mtimeMs: number }[] {
    return (this.st.snapshot.raw().all(id) as [string, number, number][]).map(([path, size, mtimeMs]) => ({
      path,
      size,
      mtimeMs,
    }));
  }

  // ---------------------------------------------------------------- grouping

  /** Not-yet-imported files of one (watch, user) in [lo, hi), in a fileset that may still change or none. */
  groupable(watch: number, user: string, lo: string, hi: string): IterableIterator<PartitionFile> {
    return this.st.partitionRows.iterate(watch, user, lo, hi) as IterableIterator<PartitionFile>;
  }

  /** Imported files of one (watch, user) in [lo, hi) still on disk (fileset: the one they were imported in). */
  importedIn(
    watch: number,
    user: string,
    lo: string,
    hi: string,
    goneAfterImport: string,
  ): IterableIterator<PartitionFile & { fileset: number }> {
    return this.st.partitionImported.iterate(watch, user, lo, hi, goneAfterImport) as IterableIterator<
      PartitionFile & { fileset: number }
    >;
  }

  /** Ignored files of one (watch, user) in [lo, hi) (fileset: null). */
  ignoredIn(watch: number, user: string, lo: string, hi: string): IterableIterator<PartitionFile> {
    return this.st.partitionIgnored.iterate(watch, user, lo, hi) as IterableIterator<PartitionFile>;
  }

  /**
   * Apply one grouping run's membership (core/filesets.ts applyGrouping) in one transaction.
   * Returns the id of each upsert (new ones created `waiting`) in the order of ops.upserts.
   */
  applyMembership(
    watch: number,
    user: string,
    ops: MembershipOps,
    fileIds: Map<string, number>,
    importer: string,
    now: number,
    plans?: Map<string, PlanLike>,
  ): number[] {
    const stamp = new Date(now).toISOString();
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const u of ops.upserts) {
        let id = u.id;
        if (id === null)
          id = Number(this.st.insert.run(watch, user, u.key, u.reader, u.entry, importer, stamp).lastInsertRowid);
        else if (u.changed) this.st.update.run(u.key, u.reader, u.entry, id);
        if (u.unqueue) {
          // Membership changed before the import started: back to waiting, the wait restarts.
          this.st.setState.run("waiting", id);
          this.st.deleteJob.run(id);
        }
        if (u.reopen) this.st.reopen.run(id);
        const plan = plans?.get(u.key);
        this.st.setCompleteness.run(
          u.missing.length > 0 ? JSON.stringify(u.missing.slice(0, MISSING_KEPT)) : null,
          u.missing.length,
          plan?.expected?.length ?? null,
          plan?.plate ? JSON.stringify(plan.plate) : null,
          id,
        );
        for (const [p, old] of u.reimports ?? []) {
          const fid = fileIds.get(p);
          if (fid !== undefined)
            this.st.copyToHistory.run(
              `imported in fileset ${old}; imported again in fileset ${id} with a late member`,
              stamp,
              fid,
            );
        }
        if (u.changed) {
          this.st.clearMembers.run(id);
          for (const [i, p] of u.files.entries()) this.st.addMember.run(id, i, p);
          // Shared members follow the owned ones: the importer gets them too.
          const shared = u.shared ?? [];
          for (const [i, p] of shared.entries()) this.st.addMember.run(id, u.files.length + i, p);
          this.st.clearShared.run(id);
          for (const p of shared) this.st.addShared.run(id, p);
        }
        ids.push(id);
      }
      for (const id of ops.cancelled) {
        this.st.clearMembers.run(id);
        this.st.clearShared.run(id);
        this.st.deleteWaiting.run(id);
        this.st.deleteJob.run(id);
      }
      for (const [p, a] of ops.files) {
        const id = fileIds.get(p);
        if (id === undefined) continue;
        if (a.state === "grouped") this.st.setFile.run("grouped", null, ids[a.upsert]!, id);
        else if (a.state === "late") this.st.setFile.run("ignored", a.reason, null, id);
        else this.st.setFile.run(a.state, a.reason.slice(0, 1000), null, id);
      }
    })();
    return ids;
  }

  /**
   * Cancel waiting filesets with no file left: those in `ids`, or with `ids` null every one of the
   * (watch, user). Returns the cancelled ids.
   */
  cancelEmpty(watch: number, user: string, ids: Iterable<number> | null): number[] {
    const empty =
      ids === null
        ? (this.st.emptyWaitingOf.raw().all(watch, user) as [number][]).map((r) => r[0])
        : [...ids].filter((id) => this.st.isEmptyWaiting.get(id) !== undefined);
    for (const id of empty) {
      this.st.clearMembers.run(id);
      this.st.clearShared.run(id);
      this.db.prepare("DELETE FROM filesets WHERE id = ?").run(id);
    }
    return empty;
  }

  /** (watch, user) pairs with waiting filesets. */
  waitingPairs(): { watch: number; user: string }[] {
    return this.st.waitingPairs.all() as { watch: number; user: string }[];
  }

  // ---------------------------------------------------------------- readiness

  /** Up to `limit` waiting filesets of a watch after id `afterId`, in id order, with their members' last observations. */
  waitingFilesets(watch: number, afterId: number, limit: number): WaitingFileset[] {
    const page = this.st.waitingPage.raw().all(watch, afterId, limit) as [
      number,
      string,
      string | null,
      number,
      number | null,
      string | null,
      string | null,
    ][];
    if (page.length === 0) return [];
    const byId = new Map<number, WaitingFileset>();
    const out: WaitingFileset[] = [];
    for (const [id, user, missing, missingCount, expectedCount, plate, releasedAt] of page) {
      const completeness: CompletenessFacts = {
        missing: missing ? (JSON.parse(missing) as string[]) : [],
        missingCount,
        released: releasedAt !== null,
      };
      if (expectedCount !== null) completeness.expectedCount = expectedCount;
      if (plate) completeness.plate = JSON.parse(plate) as PlateSummary;
      const f = { id, user, members: [], completeness };
      byId.set(id, f);
      out.push(f);
    }
    const rows = this.st.membersOfPage.raw().iterate(watch, afterId, limit) as IterableIterator<
      [number, string, number, number, number]
    >;
    for (const [fileset, path, size, mtimeMs, lastEventMs] of rows)
      byId.get(fileset)?.members.push({ path, size, mtimeMs, lastEventMs });
    const shared = this.st.sharedOfPage.raw().iterate(watch, afterId, limit) as IterableIterator<
      [number, string, number, number, number]
    >;
    for (const [fileset, path, size, mtimeMs, lastEventMs] of shared)
      byId.get(fileset)?.members.push({ path, size, mtimeMs, lastEventMs });
    return out;
  }

  /** Waiting filesets after id `afterId`, in id order: id, watch, user only (readiness's sweep for ones it does not know). */
  waitingIds(afterId: number, limit: number): [number, number, string][] {
    this.waitingIdsSt ??= this.db.prepare(
      "SELECT id, watch, user FROM filesets WHERE state = 'waiting' AND id > ? ORDER BY id LIMIT ?",
    );
    return this.waitingIdsSt.raw().all(afterId, limit) as [number, number, string][];
  }
  private waitingIdsSt: Statement | undefined;

  /** These filesets, those still waiting, with their members' last observations (readiness judges them). */
  waitingById(ids: readonly number[]): (WaitingFileset & { watch: number })[] {
    this.waitingOneSt ??= this.db.prepare(
      "SELECT id, user, missing, missing_count, expected_count, plate, released_at, watch FROM filesets WHERE id = ? AND state = 'waiting'",
    );
    this.membersOneSt ??= this.db.prepare(
      `SELECT path, size, mtime_ms, last_event_ms FROM files WHERE fileset = ?
       UNION ALL SELECT fi.path, fi.size, fi.mtime_ms, fi.last_event_ms FROM fileset_shared s
       JOIN files fi ON fi.path = s.path WHERE s.fileset = ?`,
    );
    const out: (WaitingFileset & { watch: number })[] = [];
    for (const id of ids) {
      const r = this.waitingOneSt.raw().get(id) as
        | [number, string, string | null, number, number | null, string | null, string | null, number]
        | undefined;
      if (!r) continue;
      const [, user, missing, missingCount, expectedCount, plate, releasedAt, watch] = r;
      const completeness: CompletenessFacts = {
        missing: missing ? (JSON.parse(missing) as string[]) : [],
        missingCount,
        released: releasedAt !== null,
      };
      if (expectedCount !== null) completeness.expectedCount = expectedCount;
      if (plate) completeness.plate = JSON.parse(plate) as PlateSummary;
      const members: MemberObservation[] = [];
      for (const [path, size, mtimeMs, lastEventMs] of this.membersOneSt.raw().iterate(id, id) as IterableIterator<
        [string, number, number, number]
      >)
        members.push({ path, size, mtimeMs, lastEventMs });
      out.push({ id, user, watch, members, completeness });
    }
    return out;
  }
  private waitingOneSt: Statement | undefined;
  private membersOneSt: Statement | undefined;

  /**
   * waiting -> queued, with the members' size/mtime/inode as of now (checked again just before
   * the importer runs) in order, entry first, and a job. False when it is no longer waiting.
   */
  /** Record why a waiting fileset waits (null: it does not). */
  setWaitingFor(id: number, why: string | null): void {
    this.setWaitingForSt ??= this.db.prepare("UPDATE filesets SET waiting_for = ? WHERE id = ? AND state = 'waiting'");
    this.setWaitingForSt.run(why, id);
  }
  private setWaitingForSt: Statement | undefined;

  markQueued(id: number, members: FileRecord[], now: number): boolean {
    const f = this.get(id);
    if (f?.state !== "waiting") return false;
    const ordered = [...members].sort((a, b) =>
      a.path === f.entry ? -1 : b.path === f.entry ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
    this.db.transaction(() => {
      this.st.setState.run("queued", id);
      this.st.clearMembers.run(id);
      for (const [i, m] of ordered.entries())
        this.st.addSnapshotMember.run(id, i, m.path, m.size, m.mtimeMs, m.dev, m.ino);
      this.st.queueJob.run(id, new Date(now).toISOString(), f.attempts);
    })();
    return true;
  }

  /** waiting -> incomplete (listed members still missing after incompleteWait), with the reason; false when not waiting. */
  markIncomplete(id: number, reason: string): boolean {
    return this.st.markIncomplete.run(reason, id).changes > 0;
  }

  /** incomplete -> waiting (a member changed: a file that was cut may be whole now); false when it was not incomplete. */
  reopen(id: number): boolean {
    return this.st.reopen.run(id).changes > 0;
  }

  /** queued -> waiting (a member changed); false when it was not queued. */
  unqueue(id: number): boolean {
    const f = this.get(id);
    if (f?.state !== "queued") return false;
    this.st.setState.run("waiting", id);
    this.st.deleteJob.run(id);
    return true;
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * The head (oldest) of each (watch, user) queue among jobs whose backoff has passed at `now`,
   * plus the job whose backoff ends first: the scheduler's candidates. Skips through the
   * (state, watch, user, id) index, O(users x log n), never a scan of every queued fileset.
   */
  queueHeads(now: number): SchedJob[] {
    const jobs: SchedJob[] = [];
    let key = (this.st.firstQueuedPair.raw().get() as [number, string] | undefined) ?? null;
    while (key) {
      const [watch, user] = key;
      const head = this.st.queuedHead.raw().get(watch, user, now) as [number, number] | undefined;
      if (head) jobs.push({ id: head[0], watch, user, notBefore: head[1] });
      key =
        (this.st.nextQueuedUser.raw().get(watch, user) as [number, string] | undefined) ??
        (this.st.nextQueuedWatch.raw().get(watch) as [number, string] | undefined) ??
        null;
    }
    const b = this.st.nextBackedOff.raw().get(now) as [number, number, string, number] | undefined;
    if (b) jobs.push({ id: b[0], watch: b[1], user: b[2], notBefore: b[3] });
    return jobs;
  }

  /** queued -> importing: a new attempt. Returns its number and when the job was queued. */
  markImporting(id: number, importer: string, now: number): { attempt: number; queuedAt: string | null } {
    const stamp = new Date(now).toISOString();
    // Never reuse a run number, whatever the count says (attempts rows are history).
    const attempt = Math.max(this.get(id)!.attempts, this.lastAttempt(id)?.n ?? 0) + 1;
    this.db.transaction(() => {
      this.st.markImporting.run(attempt, id);
      this.st.jobStarted.run(stamp, id);
      this.st.addAttempt.run(id, attempt, importer, stamp);
    })();
    const q = this.st.queuedAt.raw().get(id) as [string] | undefined;
    return { attempt, queuedAt: q?.[0] ?? null };
  }

  /** filesets.attempts when last requeued by hand (the retry budget counts from there). */
  baseAttempts(id: number): number {
    return (this.st.baseAttempts.raw().get(id) as [number] | undefined)?.[0] ?? 0;
  }

  // ---------------------------------------------------------------- outcome

  /** Write what an attempt's outcome means (core/outcome.ts) in one transaction. */
  recordOutcome(id: number, attempt: number, o: Outcome, d: OutcomeDecision, now: number): void {
    const stamp = new Date(now).toISOString();
    this.db.transaction(() => {
      if (d.kind === "back-to-waiting") {
        this.st.backToWaiting.run(id);
        this.st.deleteJob.run(id);
        this.st.finishAttempt.run(stamp, 0, o.error, null, id, attempt);
        return;
      }
      if (d.kind === "paused") {
        this.st.finishAttempt.run(stamp, 0, `${o.error} (not counted: the queue waits for OMERO)`, null, id, attempt);
        this.st.retryLater.run(o.error, id);
        this.st.notCounted.run(id);
        return;
      }
      this.st.finishAttempt.run(stamp, o.ok ? 1 : 0, o.error, o.target, id, attempt);
      this.st.jobFinished.run(stamp, id);
      if (d.kind === "imported") {
        this.st.imported.run(stamp, o.target, o.images ? JSON.stringify(o.images) : null, id);
        this.st.filesImported.run(id);
        this.st.deleteJob.run(id);
      } else if (d.kind === "retry") {
        this.st.retryLater.run(o.error, id);
        this.st.notBefore.run(d.at, id);
      } else this.st.failed.run(o.error, o.target, id);
    })();
  }

  /** Filesets left `importing` (DropBox stopped or was killed during their import). */
  importingIds(): number[] {
    return (this.st.importing.raw().all() as [number][]).map((r) => r[0]);
  }

  lastAttempt(id: number): LastAttempt | null {
    return (this.st.lastAttempt.get(id) as LastAttempt | undefined) ?? null;
  }

  /** The process group an attempt's importer runs in, and its leader's start time (null: unknown). */
  recordProcess(id: number, attempt: number, pgid: number, startTime: string | null): void {
    this.st.recordProcess.run(pgid, startTime, id, attempt);
  }

  /** An interrupted import goes back to the queue; the interrupted run does not use up a retry. */
  requeueInterrupted(id: number, now: number, why = "interrupted: DropBox stopped during the import"): void {
    const stamp = new Date(now).toISOString();
    this.db.transaction(() => {
      this.st.interrupted.run(stamp, why, id);
      this.st.setState.run("queued", id);
      this.st.requeueInterrupted.run(id, stamp);
    })();
  }
}
