/**
 * The ledger (var/db/dropbox.sqlite): the only module with its SQL, and the face
 * `@omero-fs/dropbox/ledger`. The DropBox process writes it through `Ledger` (named state changes
 * and queries); the CLI and the node read it through `openLedgerView` (read-only), and write it
 * through the named operations below only while no DropBox runs (`imports retry|release`,
 * `dropbox import-existing`). Loading this face loads no server, importer or readers code.
 */
import { WalksTable } from "./existing";
import { FilesTable } from "./files";
import { FilesetsTable } from "./filesets";
import { OmeroTable } from "./omero";
import type { InvariantFacts } from "../core/ledger-invariant";
import { invariantFacts, repairInvariant } from "./invariant";
import { cancelInDb, releaseInDb, requeueInDb } from "./requeue";
import { type Db, openLedgerDb } from "./schema";
import { countsOf } from "./view";

export type { FilesetInfo, Outcome, WaitingFileset } from "./fileset-rows";
export {
  countExisting,
  existingInLedger,
  releaseExistingForNextStart,
  releaseExistingPage,
  WalksTable,
} from "./existing";
export { backupLedger } from "./backup";
export { checkInvariantOffline, invariantFacts } from "./invariant";
export { CANCELLED_BY_HAND, cancelImport, releaseImport, requeueImport } from "./requeue";
export { reimportImport } from "./reimport";
export type { FilesetNote, OmeroEvent } from "./omero";
export {
  checkLedgerFile,
  type Db,
  LedgerError,
  ledgerRecoverySteps,
  MIGRATIONS,
  migrate,
  openLedgerDb,
  SCHEMA_VERSION,
} from "./schema";
export * as ledgerShow from "./show";
export { countsOf, type ImportRow, type LedgerView, type ListFilter, openLedgerView } from "./view";

/** The DropBox's read-write ledger. */
export class Ledger {
  readonly files: FilesTable;
  readonly filesets: FilesetsTable;
  readonly walks: WalksTable;
  /** The OMERO tables: notes, pauses, `import -f` answers, reimports (ledger/omero.ts). */
  readonly omero: OmeroTable;
  constructor(readonly db: Db) {
    this.omero = new OmeroTable(db);
    this.files = new FilesTable(db);
    this.walks = new WalksTable(db);
    this.filesets = new FilesetsTable(db);
  }

  /** Open (creating or migrating) a ledger file, or ":memory:". */
  static open(file: string, testFailWritesWhile: string | null = null): Ledger {
    return new Ledger(openLedgerDb(file, testFailWritesWhile));
  }

  /**
   * A real, committed write (a row of `meta`): does the ledger take writes again (disk full,
   * read-only)? Throws SQLite's error when not.
   */
  probeWrite(now: number): void {
    this.db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('write_probe', ?)").run(String(now));
  }

  /** Run `fn` as one transaction (a kill -9 loses at most the one in flight). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** `imports retry ID`: failed (or backed off) -> queued now, fresh retry budget; LedgerError otherwise. */
  requeue(id: number, now: number): { id: number; state: string } {
    return requeueInDb(this.db, id, now);
  }

  /** `imports release ID`: incomplete or waiting -> waiting, released (imported as it is); LedgerError otherwise. */
  release(id: number, now: number): { id: number; state: string } {
    return releaseInDb(this.db, id, now);
  }

  /** `imports cancel ID`: -> cancelled (its running import ended by the caller first); LedgerError otherwise. */
  cancel(id: number, now: number): { id: number; state: string } {
    return cancelInDb(this.db, id, now);
  }

  counts(): Record<string, number> {
    return countsOf(this.db);
  }

  /** The rows the ledger's invariant looks at (core/ledger-invariant.ts judges them). */
  invariantFacts(seenBefore: number): InvariantFacts {
    return invariantFacts(this.db, seenBefore);
  }

  /** At start: put back in line what a crash or a bug left (ledger/invariant.ts). */
  repairInvariant(): { regrouped: number; unlinked: number; cancelled: number } {
    return repairInvariant(this.db);
  }

  /**
   * Copy what the write-ahead log holds into dropbox.sqlite: PASSIVE (never waits; what a reader
   * still needs stays in the log) periodically, TRUNCATE (waits for readers up to busy_timeout,
   * then empties the log) on stop. A copy of dropbox.sqlite alone (a file backup that misses the
   * -wal) then holds every change up to that moment; `omero-fs dropbox backup` is the safe way.
   */
  checkpoint(mode: "PASSIVE" | "TRUNCATE"): void {
    this.db.pragma(`wal_checkpoint(${mode})`);
  }

  /** Checkpoint (TRUNCATE: another connection, the node's view, keeps SQLite from doing it at close), then close. */
  close(): void {
    try {
      if (this.db.open && this.db.name !== ":memory:") this.checkpoint("TRUNCATE");
    } catch {
      // A ledger that cannot be written: the -wal keeps the changes; the next open replays it.
    }
    this.db.close();
  }
}
