/**
 * Scheduling, import and outcome: ask core/scheduler.ts which queued filesets start now, run the
 * importer outside the serial chain (event intake never waits for an import), check the members
 * against their queue-time snapshot just before, and write what core/outcome.ts says the result
 * means. Also crash recovery of filesets left `importing`.
 */
import * as fs from "node:fs";
import type { Chain, Shared, Ticks } from "./context";
import { outcomeOf } from "./core/outcome";
import { newSchedState, pickJobs } from "./core/scheduler";
import type { Intake } from "./intake";
import type { ImportOutcome, ImportRequest, Importer, RecoverResult } from "./importers/types";

/** What scheduling and importing use besides the shared parts: the chain to record on, the tick, the importer. */
export type ImportsContext = Shared &
  Chain &
  Pick<Ticks, "requestTick" | "readinessChanged"> & {
    readonly importer: Importer;
  };

export class Imports {
  readonly running = new Map<number, { ctrl: AbortController; done: Promise<void> }>();
  private readonly sched = newSchedState();

  constructor(
    private readonly ctx: ImportsContext,
    /** Members that changed around an import are observed again. */
    private readonly intake: Pick<Intake, "observePaths">,
  ) {}

  /** Start what the scheduler allows; returns when to look again (Infinity: on an event). */
  schedule(): number {
    if (this.ctx.stopping()) return Number.POSITIVE_INFINITY;
    const cfg = { concurrency: this.ctx.opts().concurrency, throttleMs: (w: number) => this.ctx.watch(w).throttleMs };
    let wake = Number.POSITIVE_INFINITY;
    while (this.running.size < cfg.concurrency) {
      const now = this.ctx.clock.now();
      const d = pickJobs(this.ctx.ledger.filesets.queueHeads(now), this.running.size, this.sched, cfg, now);
      if (d.wakeAt !== null) wake = Math.min(wake, d.wakeAt);
      if (d.start.length === 0) break;
      for (const j of d.start) this.start(j.id);
    }
    return wake;
  }

  private requestOf(id: number): ImportRequest {
    const f = this.ctx.ledger.filesets.get(id)!;
    const files = this.ctx.ledger.filesets.memberPaths(id);
    const watch = this.ctx.watch(f.watch).config;
    return { filesetId: id, user: f.user, watch, entry: f.entry, files, reader: f.reader };
  }

  private start(id: number): void {
    const { attempt, queuedAt } = this.ctx.ledger.filesets.markImporting(
      id,
      this.ctx.importer.kind,
      this.ctx.clock.now(),
    );
    const req = this.requestOf(id);
    const n = `${req.files.length} file${req.files.length === 1 ? "" : "s"}`;
    this.ctx.log.info(
      `[fileset ${id}] started: attempt ${attempt}, ${this.ctx.importer.kind} importer, ${req.entry} (${n}) for ${req.user}, queued ${queuedAt ?? "?"}`,
    );
    const ctrl = new AbortController();
    const done = (async () => {
      let outcome: ImportOutcome;
      let verify = await this.verifySnapshot(id);
      if (verify) {
        outcome = { ok: false, retryable: true, target: null, images: null, error: verify };
      } else {
        try {
          outcome = await this.ctx.importer.run(req, {
            signal: ctrl.signal,
            timeoutMs: this.ctx.opts().importTimeoutMs,
          });
        } catch (e) {
          const error = `importer error: ${e instanceof Error ? e.message : String(e)}`;
          outcome = { ok: false, retryable: true, target: null, images: null, error };
        }
        // Compared again right after: a member that changed during the import was imported
        // unfinished. The attempt does not count (recorded, no retry budget used); the fileset
        // waits again and is imported once finished.
        const after = await this.verifySnapshot(id, "during the import");
        if (after && !(this.ctx.stopping() && ctrl.signal.aborted)) {
          verify = after;
          outcome = {
            ok: false,
            retryable: true,
            target: outcome.target,
            images: null,
            error: `${after}: this import does not count; it is imported again once finished`,
          };
        }
      }
      // Stopping: leave the job 'importing'; the next start asks the importer to recover it.
      if (this.ctx.stopping() && ctrl.signal.aborted) return;
      await this.ctx.serial(() => this.record(id, attempt, outcome, verify !== null));
    })().finally(() => {
      this.running.delete(id);
      this.ctx.requestTick();
    });
    this.running.set(id, { ctrl, done });
  }

  /** Files changed or vanished since queueing: the import must not run on them. */
  private async verifySnapshot(id: number, when = "before the import started"): Promise<string | null> {
    for (const m of this.ctx.ledger.filesets.snapshotOf(id)) {
      const s = await fs.promises.stat(m.path).catch(() => null);
      if (!s) return `${m.path} disappeared ${when}`;
      if (s.size !== m.size || s.mtimeMs !== m.mtimeMs) return `${m.path} changed ${when}`;
    }
    return null;
  }

  private record(id: number, attempt: number, o: ImportOutcome, changedBeforeStart: boolean): void {
    const fsets = this.ctx.ledger.filesets;
    const now = this.ctx.clock.now();
    const d = outcomeOf(
      { ok: o.ok, retryable: o.retryable, changedBeforeStart, attempt, baseAttempts: fsets.baseAttempts(id) },
      this.ctx.opts().retry,
      now,
    );
    fsets.recordOutcome(id, attempt, o, d, now);
    const log = this.ctx.log;
    switch (d.kind) {
      case "back-to-waiting": {
        log.info(`[fileset ${id}] back to waiting: ${o.error}`);
        this.ctx.readinessChanged([id]);
        const members = fsets.members(id);
        if (members[0]) {
          const watch = members[0].watch;
          void this.ctx.serial(() =>
            this.intake.observePaths(
              watch,
              members.map((m) => m.path),
            ),
          );
        }
        return;
      }
      case "retry":
        log.warn(`[fileset ${id}] failed (attempt ${attempt}): ${o.error}; retry in ${Math.round(d.delayMs / 1000)} s`);
        return;
      case "failed":
        log.error(
          `[fileset ${id}] failed: ${o.error} (attempt ${attempt}; not retried: ${d.why}; \`omero-fs imports retry ${id}\` requeues it)`,
        );
        return;
      case "imported": {
        log.info(`[fileset ${id}] imported${o.target ? ` -> ${o.target}` : ""}`);
        // A member changed while it was being imported: what was imported is the old content.
        const snap = fsets.snapshotOf(id);
        const watch = fsets.get(id)!.watch;
        void this.ctx.serial(() =>
          this.intake.observePaths(
            watch,
            snap.map((s) => s.path),
          ),
        );
        return;
      }
    }
  }

  /**
   * Crash recovery: filesets found 'importing' at start (or, once a ledger that could not be
   * written takes writes again, those whose outcome was not recorded) are finished or redone
   * (never imported twice).
   */
  async recover(): Promise<void> {
    const fsets = this.ctx.ledger.filesets;
    for (const id of fsets.importingIds()) {
      // At runtime (the ledger takes writes again): only those whose outcome could not be recorded.
      if (this.running.has(id)) continue;
      const req = this.requestOf(id);
      const last = fsets.lastAttempt(id);
      let r: RecoverResult;
      try {
        r = await this.ctx.importer.recover(req, last?.target ?? null);
      } catch (e) {
        this.ctx.log.warn(
          `[fileset ${id}] recovery check failed (${e instanceof Error ? e.message : String(e)}): redoing it`,
        );
        r = { state: "redo" };
      }
      if (r.state === "done") {
        this.ctx.log.info(`[fileset ${id}] was importing when DropBox stopped; the importer finished it`);
        this.record(id, last?.n ?? 1, r.outcome, false);
      } else {
        fsets.requeueInterrupted(id, this.ctx.clock.now());
        this.ctx.log.info(`[fileset ${id}] was importing when DropBox stopped: requeued`);
      }
    }
  }

  /** Wait for in-flight imports up to `graceMs`, then abort them (they stay resumable). */
  async stop(graceMs: number): Promise<void> {
    const inflight = [...this.running.values()];
    if (inflight.length === 0) return;
    this.ctx.log.info(`stopping: waiting up to ${Math.round(graceMs / 1000)} s for ${inflight.length} import(s)`);
    const all = Promise.all(inflight.map((r) => r.done));
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((res) => setTimeout(() => res(true), graceMs).unref()),
    ]);
    if (timedOut) {
      for (const r of this.running.values()) r.ctrl.abort();
      await Promise.race([all, new Promise((res) => setTimeout(res, 1500).unref())]);
    }
  }
}
