/**
 * The DropBox pipeline's coordinator: intake (events, walks) -> file identity -> grouping ->
 * readiness -> scheduling -> import -> outcome. Each step is a module with one job (intake.ts,
 * grouping.ts, queueing.ts, imports.ts, reconciler.ts); their decisions are pure functions in
 * core/; every SQL statement is in ledger/. This file owns what they share: the serial chain
 * (every ledger write runs on it, so intake, grouping, queueing and import completions never
 * interleave; imports themselves run outside it), the timer and the tick. See
 * docs/ARCHITECTURE.md, "DropBox pipeline".
 */
import { type Logger, type OnceLog, onceLogger } from "@omero-fs/config";
import type { EventBlock } from "@omero-fs/protocol";
import type { Catalogue } from "@omero-fs/readers";
import { type Clock, systemClock } from "./clock";
import { type InvariantVerdict, invariantVerdict } from "./core/ledger-invariant";
import type { Hearing, Shared } from "./context";
import type { OmeroHealth, ServerProblemKind } from "./core/omero-health";
import { Grouping } from "./grouping";
import type { Importer } from "./importers/types";
import { Imports } from "./imports";
import { Intake } from "./intake";
import { type Ledger, LedgerError } from "./ledger";
import { releaseExistingPage } from "./ledger/existing";
import type { DropBoxOptions, WatchOptions } from "./options";
import { Queueing } from "./queueing";
import { Reconciler } from "./reconciler";
import type { TreeSource } from "./walk";

export interface EngineOptions {
  opts: DropBoxOptions;
  ledger: Ledger;
  log: Logger;
  importer: Importer;
  /** The readers catalogue of each watch, by watch index. */
  catalogues: Map<number, Catalogue>;
  /** Default: the wall clock and real timers. */
  clock?: Clock;
  /** Problems logged once, shared with the rest of the process (default: the engine's own). */
  problems?: OnceLog;
  /**
   * A ledger task failed: true when the error is handled there (a ledger that cannot be written:
   * the DropBox shows it degraded and rescans later), false to log it as an internal error.
   */
  onTaskError?: (e: unknown) => boolean;
  /** OMERO paused or resumed the queue (issue 20): the server updates its health and status. */
  onOmeroHealth?: (h: OmeroHealth) => void;
}

export class Engine {
  /** The resolved options, replaced wholesale by a reload; the steps read them through Shared.opts(). */
  private opts: DropBoxOptions;
  private readonly shared: Shared;
  private readonly intake: Intake;
  private readonly grouping: Grouping;
  private readonly queueing: Queueing;
  private readonly imports: Imports;
  private readonly reconciler: Reconciler;
  private readonly clock: Clock;
  private readonly log: Logger;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: unknown = null;
  private timerAt = 0;
  private tickQueued = false;
  private stopping = false;
  private closed = false;
  private readonly onTaskError?: (e: unknown) => boolean;

  /**
   * Watches removed by a reload, by index: what is already queued or importing for them finishes
   * with their last options; their waiting filesets are no longer scanned (docs/ARCHITECTURE.md,
   * "Reload").
   */
  private readonly retired = new Map<number, WatchOptions>();
  /** What the MonitorServers confirm (useHearing); none: everything is confirmed. */
  private hearing: Hearing | null = null;

  /** Swap the resolved options (admin reload): every step reads `opts` each time, so new values apply from the next tick. */
  reload(opts: DropBoxOptions): void {
    const now = new Set(opts.watches.map((w) => w.index));
    for (const w of this.opts.watches) if (!now.has(w.index)) this.retired.set(w.index, w);
    for (const i of now) this.retired.delete(i);
    this.opts = opts;
    this.queueing.rejudgeAll();
    this.requestTick();
  }

  /** The readers catalogue of watch `index` changed (admin reload): used by every grouping from now on. */
  setCatalogue(index: number, catalogue: Catalogue): void {
    this.grouping.catalogues.set(index, catalogue);
  }

  /** The readers catalogue watch `index` groups with now (undefined: not a running watch). */
  catalogue(index: number): Catalogue | undefined {
    return this.grouping.catalogues.get(index);
  }

  /** Where reconciliation reads each watch tree (a remote watch: its MonitorServer's `list`; remote-tree.ts). */
  useTreeSource(source: TreeSource): void {
    this.reconciler.source = source;
  }

  /** What the MonitorServers confirm, for readiness (monitor-supervisor.ts). */
  useHearing(hearing: Hearing): void {
    this.hearing = hearing;
  }

  /** A MonitorServer confirmed these watches up to a later moment: their filesets that asked are judged again. */
  heardFrom(watches: readonly number[]): void {
    if (this.queueing.heardFrom(watches)) this.requestTick();
  }

  /** These watches' MonitorServer stopped answering: the same re-judging, so their filesets say they wait for it. */
  silentFrom(watches: readonly number[]): void {
    this.heardFrom(watches);
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
        const page = this.shared.ledger.filesets.waitingFilesets(index, after, 500);
        if (page.length === 0) return n;
        this.shared.ledger.transaction(() => {
          for (const f of page) {
            this.shared.ledger.filesets.setWaitingFor(f.id, why);
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
    this.opts = o.opts;
    const shared: Shared = {
      opts: () => this.opts,
      ledger: o.ledger,
      log: o.log,
      problems: o.problems ?? onceLogger(o.log),
      clock: this.clock,
      watch: (i) => {
        const w = this.opts.watches.find((x) => x.index === i) ?? this.retired.get(i);
        if (!w) throw new Error(`watch ${i + 1} is not configured`);
        return w;
      },
    };
    this.shared = shared;
    const ticks = {
      requestTick: () => this.requestTick(),
      readinessChanged: (ids?: readonly number[]) => this.queueing.changed(ids),
    };
    const chain = { serial: <T>(fn: () => Promise<T> | T) => this.serial(fn), stopping: () => this.stopping };
    const holds = {
      held: (watch: number, user: string, part: string) => this.reconciler.holds.isHeld(watch, user, part),
      walkAhead: (watch: number, user: string, part: string) => this.reconciler.walkPartitionFirst(watch, user, part),
    };
    this.grouping = new Grouping({ ...shared, ...ticks, ...holds }, o.catalogues);
    this.intake = new Intake(
      { ...shared, ...ticks, firstWalk: (watch) => this.reconciler.firstWalk(watch) },
      this.grouping,
    );
    const hearing: Hearing = {
      heard: (watch) => this.hearing?.heard(watch),
      ask: (watch) => this.hearing?.ask(watch),
    };
    this.queueing = new Queueing({ ...shared, held: holds.held, hearing }, this.grouping, this.intake);
    this.imports = new Imports(
      { ...shared, ...chain, ...ticks, importer: o.importer },
      this.intake,
      o.onOmeroHealth,
      (w, u, p) => this.grouping.markDirty(w, u, p, this.clock.now()),
    );
    this.reconciler = new Reconciler({ ...shared, ...chain, ...ticks }, this.intake);
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

  /**
   * serial() for a hand action the ledger may refuse (no such id, a state it cannot leave): the
   * LedgerError goes to the caller (the control method answers BAD_PARAMS), not to the chain's
   * internal-error log.
   */
  private async serialRefusable<T>(fn: () => T): Promise<T> {
    const r = await this.serial((): { value: T } | { refused: LedgerError } => {
      try {
        return { value: fn() };
      } catch (e) {
        if (e instanceof LedgerError) return { refused: e };
        throw e;
      }
    });
    if ("refused" in r) throw r.refused;
    return r.value;
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
      await this.imports.omero.inFlight;
      await this.imports.confirmations.busy;
      if (
        this.chain === c &&
        this.imports.running.size === 0 &&
        this.reconciler.ahead.size === 0 &&
        this.imports.omero.inFlight === null &&
        this.imports.confirmations.busy === null
      )
        return;
    }
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

  /**
   * Stat these paths and record what is there now (call on the serial chain). `via`: a walk's
   * finding, or an event (a file that gets an event is live, never a pre-existing one).
   */
  observePaths(watch: number, paths: string[], via: "walk" | "event" = "event"): Promise<number> {
    return this.intake.observePaths(watch, paths, via);
  }

  reconcileWatch(watch: number, why: string): Promise<number> {
    return this.reconciler.reconcileWatch(watch, why);
  }

  /**
   * At start, before any monitor runs: decide which watches have no ledger history (their next
   * walk is their first: omero.fs.existingFiles).
   */
  planFirstWalks(): void {
    this.reconciler.planFirstWalks();
  }

  /** Does watch `index` have its first walk (no ledger history) in this process? */
  hasFirstWalk(index: number): boolean {
    return this.reconciler.firstWalk(index) !== undefined;
  }

  /** Hold every partition of a watch (not grouped, not judged ready) until a walk has read it. */
  holdWatch(watch: number): void {
    this.reconciler.hold(watch);
  }

  /** End one hold (what waited is grouped and judged by the next tick). */
  endHold(watch: number): void {
    this.reconciler.release(watch);
  }

  /**
   * At start: put back in line what a crash or a bug left (files grouped into nothing: their walk
   * groups them again), cancel waiting filesets left empty, and recover imports left `importing`.
   */
  async recover(): Promise<void> {
    const r = this.shared.ledger.repairInvariant();
    if (r.regrouped + r.unlinked + r.cancelled > 0)
      this.log.warn(
        `ledger repaired at start: ${r.regrouped} file(s) grouped into no live fileset are grouped again, ${r.unlinked} stray fileset link(s) cleared, ${r.cancelled} empty queued fileset(s) cancelled`,
      );
    for (const { watch, user } of this.shared.ledger.filesets.waitingPairs())
      this.grouping.cancelEmpty(watch, user, null);
    await this.imports.recover();
  }

  /** Imports whose outcome could not be recorded (the ledger takes writes again): finished or redone. */
  recoverImports(): Promise<void> {
    return this.serial(() => this.imports.recover());
  }

  /** Requeue one fileset by hand (control method `retry`, on the chain); LedgerError when it cannot be. */
  requeue(id: number): Promise<{ id: number; state: string }> {
    return this.serialRefusable(() => {
      const r = this.shared.ledger.requeue(id, this.clock.now());
      this.log.info(`[fileset ${id}] requeued by hand`);
      this.requestTick();
      return r;
    });
  }

  /** OMERO as the omero importer knows it (omero-pause.ts; the `status` control method's `omero`). */
  omeroHealth(): OmeroHealth {
    return this.imports.omero.state;
  }

  /** What a login outside an import found (the start's OMERO check): null = OMERO answered. */
  omeroLogin(problem: { kind: ServerProblemKind; reason: string } | null): Promise<void> {
    return this.serial(() => this.imports.omero.login(problem));
  }

  /** Import an imported fileset again with the running importer (control method `reimport`, on the chain); LedgerError when it cannot be. */
  reimport(id: number): Promise<{ id: number; state: string }> {
    return this.serialRefusable(() => {
      const kind = this.imports.importerKind;
      const r = this.shared.ledger.omero.reimport(id, kind, this.clock.now());
      this.log.warn(`[fileset ${id}] queued to be imported again by hand (${kind} importer; recorded in its history)`);
      this.requestTick();
      return r;
    });
  }

  /** Import an incomplete or waiting fileset as it is (control method `release`, on the chain); LedgerError when it cannot be. */
  release(id: number): Promise<{ id: number; state: string }> {
    return this.serialRefusable(() => {
      const r = this.shared.ledger.release(id, this.clock.now());
      this.log.warn(`[fileset ${id}] released by hand: imported as it is once its present files are finished`);
      this.shared.problems.forgetPrefix(`incomplete:${id}`);
      this.queueing.changed([id]);
      this.requestTick();
      return r;
    });
  }

  /**
   * The ledger's invariant now: everything seen so far grouped first (every grouping with work no
   * walk holds runs at once), then the rows judged. Files seen during the check do not count.
   */
  async checkInvariant(): Promise<InvariantVerdict & { files: number }> {
    const began = this.clock.now();
    await this.serial(() => this.grouping.runAll());
    return this.serial(() => {
      const f = this.shared.ledger.invariantFacts(began);
      return { ...invariantVerdict(f, { grouped: true }), files: f.files };
    });
  }

  /** Copy the ledger's write-ahead log into dropbox.sqlite (a PASSIVE checkpoint), on the chain. */
  checkpointLedger(): Promise<void> {
    return this.serial(() => this.shared.ledger.checkpoint("PASSIVE"));
  }

  /**
   * `imports cancel ID` (control method `cancel`): a running import is ended first, then the
   * fileset is `cancelled`; LedgerError when it cannot be (imported, already cancelled, unknown).
   */
  async cancel(id: number): Promise<{ id: number; state: string }> {
    if (await this.imports.cancel(id)) return { id, state: "cancelled" };
    return this.serialRefusable(() => {
      const r = this.shared.ledger.cancel(id, this.clock.now());
      this.log.warn(`[fileset ${id}] cancelled by hand: not imported (omero-fs imports retry ${id} queues it again)`);
      this.queueing.forgetWhy(id);
      this.requestTick();
      return r;
    });
  }

  /** The ledger's counts ("files.<state>", "imports.<state>"), for `status`. */
  counts(): Record<string, number> {
    return this.shared.ledger.counts();
  }

  /**
   * `import-existing`: the `existing` files under `dir` (null: all) become pending and their
   * folders are grouped as for any new file. One page per serial task: events keep flowing.
   */
  async importExisting(dir: string | null): Promise<number> {
    let n = 0;
    for (;;) {
      const page = await this.serial(() => {
        const rows = releaseExistingPage(this.shared.ledger.db, dir);
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
    for (const { watch, user, path: p } of this.shared.ledger.files.pendingPaths())
      this.grouping.markDirty(watch, user, p, now);
  }

  fileCount(): number {
    return this.shared.ledger.files.count();
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
