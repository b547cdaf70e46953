/**
 * A ledger that cannot be written (disk full, read-only, I/O errors): not a bug but the ledger's
 * place (core/ledger-health.ts tells which errors). The DropBox stays up, degraded with the reason
 * (said once, not per event), and tries a real write every ledgerProbeMs; once one succeeds it
 * groups again what was left pending, recovers imports whose outcome was not recorded and rescans
 * every watch, so what it could not record meanwhile is imported. A ledger found damaged while
 * running (SQLITE_CORRUPT) stops the DropBox with the recovery, as at start.
 */
import type { Logger } from "@omero-fs/config";
import { ledgerProblemReason, ledgerWriteFailure } from "./core/ledger-health";
import type { Engine } from "./engine";
import type { HealthProblems } from "./health";
import type { Ledger } from "./ledger";
import { corruptLedgerMessage } from "./ledger/schema";

const KEY = "ledger";

export class LedgerWrites {
  private probe: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly o: {
      ledgerPath: string;
      ledger: Ledger;
      health: HealthProblems;
      log: Logger;
      probeMs: () => number;
      /** Set after construction (the engine is built with onTaskError pointing here). */
      engine: () => Engine;
      /** Indexes of the watches to rescan. */
      watches: () => number[];
      /** The ledger turned out damaged while running: stop, and say why (exit EXIT_NEEDS_ADMIN). */
      fatal: (message: string) => void;
    },
  ) {}

  private fatalSent = false;

  /** A ledger task failed: true when it is a write failure handled here (Engine's onTaskError). */
  onTaskError(e: unknown): boolean {
    const code = (e as { code?: string } | null)?.code;
    if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") {
      // Damaged under a running DropBox (a bad disk): nothing more is recorded or imported on it.
      if (!this.fatalSent) this.o.fatal(corruptLedgerMessage(this.o.ledgerPath, (e as Error).message));
      this.fatalSent = true;
      return true;
    }
    const kind = ledgerWriteFailure(code);
    if (!kind) return false;
    const reason = ledgerProblemReason(this.o.ledgerPath, kind);
    if (!this.o.health.has(KEY)) this.o.log.error(`${reason} (${(e as Error).message})`);
    this.o.health.set(KEY, reason);
    if (!this.probe && !this.stopped) this.probe = setInterval(() => void this.tryWrite(), this.o.probeMs());
    return true;
  }

  private async tryWrite(): Promise<void> {
    const engine = this.o.engine();
    const ok = await engine.serial(() => {
      try {
        this.o.ledger.probeWrite(Date.now());
        return true;
      } catch (e) {
        if (!ledgerWriteFailure((e as { code?: string }).code)) throw e;
        return false;
      }
    });
    if (!ok || !this.probe || this.stopped) return;
    clearInterval(this.probe);
    this.probe = null;
    this.o.health.clear(KEY);
    this.o.log.info(`ledger ${this.o.ledgerPath} takes writes again: rescanning every watch for what was missed`);
    // Files whose grouping could not be written keep their state; their folders are grouped again.
    await engine.serial(() => engine.regroupPending());
    // Imports that finished while their outcome could not be recorded: the importer says whether
    // they are done (recorded, never imported twice) or must be redone.
    await engine.recoverImports();
    for (const w of this.o.watches()) void engine.reconcileWatch(w, "ledger writable again");
  }

  stop(): void {
    this.stopped = true;
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }
}
