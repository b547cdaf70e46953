/**
 * The DropBox pipeline's coordinator: intake (events, walks) -> file identity -> grouping ->
 * readiness -> scheduling -> import -> outcome. Each step is a module with one job (intake.ts,
 * grouping.ts, queueing.ts, imports.ts, reconciler.ts); their decisions are pure functions in
 * core/; every SQL statement is in ledger/. This file owns what they share: the serial chain
 * (every ledger write runs on it, so intake, grouping, queueing and import completions never
 * interleave; imports themselves run outside it), the timer and the tick. See
 * docs/ARCHITECTURE.md, "DropBox pipeline".
 */
import type { Logger } from "@omero-fs/config";
import type { EventBlock } from "@omero-fs/protocol";
import type { Catalogue } from "@omero-fs/readers";
import { type Clock, systemClock } from "./clock";
import type { Context } from "./context";
import type { OmeroHealth } from "./core/omero-health";
import { Grouping } from "./grouping";
import type { Importer } from "./importers/types";
import { Imports } from "./imports";
import { Intake } from "./intake";
import type { Ledger } from "./ledger";
import { releaseExistingPage } from "./ledger/existing";
import type { DropBoxOptions, WatchOptions } from "./options";
import { Queueing } from "./queueing";
import { Reconciler } from "./reconciler";

export interface EngineOptions {
  opts: DropBoxOptions;
  ledger: Ledger;
  log: Logger;
  importer: Importer;
  /** The readers catalogue of each watch, by watch index. */
  catalogues: Map<number, Catalogue>;
  /** Default: the wall clock and real timers. */
  clock?: Clock;
  /**
   * A ledger task failed: true when the error is handled there (a ledger that cannot be written:
   * the DropBox shows it degraded and rescans later), false to log it as an internal error.
   */
  onTaskError?: (e: unknown) => boolean;
  /** OMERO paused or resumed the queue (issue 20): the server updates its health and status. */
  onOmeroHealth?: (h: OmeroHealth) => void;
}

export class Engine {
  readonly ctx: Context;
  readonly intake: Intake;
  readonly grouping: Grouping;
  readonly queueing: Queueing;
  readonly imports: Imports;
  readonly reconciler: Reconciler;
  private readonly clock: Clock;
  private readonly log: Logger;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: unknown = null;
  private timerAt = 0;
  private tickQueued = false;
  private stopping = false;
  private closed = false;
  private readonly loggedOnce = new Set<string>();
  private readonly onTaskError?: (e: unknown) => boolean;

  /**
   * Watches removed by a reload, by index: what is already queued or importing for them finishes
   * with their last options; their waiting filesets are no longer scanned (docs/ARCHITECTURE.md,
   * "Reload").
   */
  private readonly retired = new Map<number, WatchOptions>();

  /** Swap the resolved options (admin reload): every step reads ctx.opts each time, so new values apply from the next tick. */
  reload(opts: DropBoxOptions): void {
    const now = new Set(opts.watches.map((w) => w.index));
    for (const w of this.ctx.opts.watches) if (!now.has(w.index)) this.retired.set(w.index, w);
    for (const i of now) this.retired.delete(i);
    this.ctx.opts = opts;
    this.queueing.changed();
    this.requestTick();
  }

  /** The readers catalogue of watch `index` changed (admin reload): used by every grouping from now on. */
  setCatalogue(index: number, catalogue: Catalogue): void {
    this.grouping.catalogues.set(index, catalogue);
  }

  /**
   * A reload removed watch `index`: its waiting filesets are no longer scanned; each says why in
   * `files list` and `imports show`. Returns how many.
   */
  retireWaiting(index: number, why: string): Promise<number> {
    return this.serial(() => {
      let n = 0;
      let after = 0;
      for (;;) {
        const page = this.ctx.ledger.filesets.waitingFilesets(index, after, 500);
        if (page.length === 0) return n;
        this.ctx.ledger.transaction(() => {
          for (const f of page) {
            this.ctx.ledger.filesets.setWaitingFor(f.id, why);
            this.queueing.forgetWhy(f.id);
          }
        });
        n += page.length;
        after = page[page.length - 1]!.id;
      }
    });
  }

  /**
   * Regroup every file of a watch not yet imported (its whitelist or readers changed): each of
   * their folders is marked dirty, paged through the ledger so memory stays bounded.
   */
  regroupWatch(index: number): Promise<number> {
    return this.serial(() => this.grouping.markWatchDirty(index, this.clock.now()));
  }

  constructor(o: EngineOptions) {
    this.clock = o.clock ?? systemClock;
    this.log = o.log;
    this.onTaskError = o.onTaskError;
    this.ctx = {
      opts: o.opts,
      ledger: o.ledger,
      log: o.log,
      clock: this.clock,
      importer: o.importer,
      watch: (i) => {
        const w = this.ctx.opts.watches.find((x) => x.index === i) ?? this.retired.get(i);
        if (!w) throw new Error(`watch ${i + 1} is not configured`);
        return w;
      },
      once: (key, level, msg) => this.once(key, level, msg),
      forgetOnce: (prefix) => {
        for (const k of [...this.loggedOnce]) if (k.startsWith(prefix)) this.loggedOnce.delete(k);
      },
      readinessChanged: () => this.queueing.changed(),
      requestTick: () => this.requestTick(),
      serial: (fn) => this.serial(fn),
      stopping: () => this.stopping,
      firstWalks: new Map(),
      held: (watch, user, part) => this.reconciler.holds.isHeld(watch, user, part),
      walkAhead: (watch, user, part) => this.reconciler.walkPartitionFirst(watch, user, part),
    };
    this.grouping = new Grouping(this.ctx, o.catalogues);
    this.intake = new Intake(this.ctx, this.grouping);
    this.queueing = new Queueing(this.ctx, this.grouping, this.intake);
    this.imports = new Imports(this.ctx, this.intake, o.onOmeroHealth, (w, u, p) =>
      this.grouping.markDirty(w, u, p, this.clock.now()),
    );
    this.reconciler = new Reconciler(this.ctx, this.intake);
  }

  /** Run `fn` after every earlier ledger task. */
  serial<T>(fn: () => Promise<T> | T): Promise<T> {
    // After stop() the ledger is closed: later tasks (a tick requested by a finishing import) are dropped.
    const p = this.chain.then(() => (this.closed ? (undefined as T) : fn()));
    this.chain = p.catch((e: unknown) => {
      if (this.onTaskError?.(e)) return;
      this.log.error(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    return p;
  }

  /** Resolves once everything queued so far on the serial chain is done. */
  drain(): Promise<void> {
    return this.serial(() => undefined);
  }

  /**
   * Resolves once no ledger task is queued, no import and no partition walk runs (each import's completion queues
   * more work: loop until quiet). With an injected clock this is how a test lets the pipeline
   * finish what the current instant allows before it moves time on.
   */
  async settle(): Promise<void> {
    for (;;) {
      const c = this.chain;
      await c;
      await Promise.all([...this.imports.running.values()].map((r) => r.done.catch(() => undefined)));
      await Promise.all(this.reconciler.ahead);
      await this.imports.probeInFlight;
      await this.imports.confirmations.busy;
      if (
        this.chain === c &&
        this.imports.running.size === 0 &&
        this.reconciler.ahead.size === 0 &&
        this.imports.probeInFlight === null &&
        this.imports.confirmations.busy === null
      )
        return;
    }
  }

  private once(key: string, level: "debug" | "info" | "warn" | "error", msg: string): void {
    if (this.loggedOnce.has(key)) {
      this.log.debug(msg);
      return;
    }
    this.loggedOnce.add(key);
    this.log.log(level, msg);
  }

  private wake(at: number): void {
    if (this.stopping) return;
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(
      () => {
        this.timer = null;
        this.requestTick();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  requestTick(): void {
    if (this.tickQueued || this.stopping) return;
    this.tickQueued = true;
    void this.serial(async () => {
      this.tickQueued = false;
      await this.tick();
    });
  }

  /** One pass of the pipeline: grouping that is due, readiness, scheduling; then sleep until the next due time. */
  private async tick(): Promise<void> {
    if (this.stopping) return;
    // Partitions a reconciliation walk holds are skipped by both (core/walk-holds.ts).
    let next = await this.grouping.runDue(this.clock.now());
    next = Math.min(next, await this.queueing.scanIfDue());
    next = Math.min(next, this.imports.schedule());
    if (Number.isFinite(next)) this.wake(next);
  }

  // ---------------------------------------------------------------- the steps' entry points

  /** Apply one event block (call on the serial chain). */
  applyBlock(watch: number, block: EventBlock): Promise<void> {
    return this.intake.applyBlock(watch, block);
  }

  /** Stat these paths and record what is there now (call on the serial chain). */
  observePaths(watch: number, paths: string[]): Promise<number> {
    return this.intake.observePaths(watch, paths);
  }

  reconcileWatch(watch: number, why: string): Promise<number> {
    return this.reconciler.reconcileWatch(watch, why);
  }

  /** At start: cancel waiting filesets left empty by a crash, and recover imports left `importing`. */
  async recover(): Promise<void> {
    for (const [watch, user] of this.ctx.ledger.filesets.waitingPairs()) this.grouping.cancelEmpty(watch, user, null);
    await this.imports.recover();
  }

  /** Requeue one fileset by hand (control method `retry`); LedgerError when it cannot be. */
  retryNow(id: number): { id: number; state: string } {
    const r = this.ctx.ledger.requeue(id, this.clock.now());
    this.log.info(`[fileset ${id}] requeued by hand`);
    this.requestTick();
    return r;
  }

  /** Import an imported fileset again with the running importer (control method `reimport`); LedgerError when it cannot be. */
  reimport(id: number): { id: number; state: string } {
    const r = this.ctx.ledger.omero.reimport(id, this.ctx.importer.kind, this.clock.now());
    this.log.warn(
      `[fileset ${id}] queued to be imported again by hand (${this.ctx.importer.kind} importer; recorded in its history)`,
    );
    this.requestTick();
    return r;
  }

  /** Import an incomplete or waiting fileset as it is (control method `release`); LedgerError when it cannot be. */
  release(id: number): { id: number; state: string } {
    const r = this.ctx.ledger.release(id, this.clock.now());
    this.log.warn(`[fileset ${id}] released by hand: imported as it is once its present files are finished`);
    this.ctx.forgetOnce(`incomplete:${id}`);
    this.queueing.changed();
    this.requestTick();
    return r;
  }

  /**
   * `import-existing`: the `existing` files under `dir` (null: all) become pending and their
   * folders are grouped as for any new file. One page per serial task: events keep flowing.
   */
  async importExisting(dir: string | null): Promise<number> {
    let n = 0;
    for (;;) {
      const page = await this.serial(() => {
        const rows = releaseExistingPage(this.ctx.ledger.db, dir);
        const now = this.clock.now();
        for (const r of rows) this.grouping.markDirty(r.watch, r.user, r.path, now);
        return rows.length;
      });
      if (!page) break;
      n += page;
    }
    if (n > 0) this.log.info(`import-existing${dir ? ` ${dir}` : ""}: ${n} existing file(s) released for import`);
    this.requestTick();
    return n;
  }

  /**
   * After a time when the ledger could not be written: files left pending (their grouping's
   * writes failed after their folder's dirty mark was spent) are grouped again. Call on the chain.
   */
  regroupPending(): void {
    const now = this.clock.now();
    for (const [watch, user, p] of this.ctx.ledger.files.pendingPaths()) this.grouping.markDirty(watch, user, p, now);
  }

  fileCount(): number {
    return this.ctx.ledger.files.count();
  }

  /** Stop scheduling; wait for in-flight imports up to `graceMs`, then abort (they stay resumable). */
  async stop(graceMs: number): Promise<void> {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.stopping = true;
    await this.imports.stop(graceMs);
    await this.chain.catch(() => undefined);
    this.closed = true;
  }
}
