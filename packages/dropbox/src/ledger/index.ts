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
import type { InvariantFacts } from "../core/ledger-invariant";
import { invariantFacts, repairInvariant } from "./invariant";
import { releaseInDb, requeueInDb } from "./requeue";
import { type Db, openLedgerDb } from "./schema";
import { countsOf } from "./view";

export type { FilesetInfo, Outcome, WaitingFileset } from "./filesets";
export {
  countExisting,
  existingInLedger,
  releaseExistingForNextStart,
  releaseExistingPage,
  WalksTable,
} from "./existing";
export { checkInvariantOffline, invariantFacts } from "./invariant";
export { releaseImport, requeueImport } from "./requeue";
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
  constructor(readonly db: Db) {
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

  close(): void {
    this.db.close();
  }
}
