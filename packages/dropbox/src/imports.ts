/**
 * Scheduling, import and outcome: ask core/scheduler.ts which queued filesets start now, run the
 * importer outside the serial chain (event intake never waits for an import), check the members
 * against their queue-time snapshot just before, and write what core/outcome.ts says the result
 * means. Also crash recovery of filesets left `importing`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { processGroupAlive, processStartTime, signalGroup } from "@omero-fs/config";
import { Confirmations } from "./confirm";
import type { Chain, Shared, Ticks } from "./context";
import { ledgerWriteFailure } from "./core/ledger-health";
import type { OmeroHealth } from "./core/omero-health";
import { outcomeOf } from "./core/outcome";
import { newSchedState, pickJobs } from "./core/scheduler";
import { sizeVerdict } from "./core/space";
import type { Intake } from "./intake";
import type { ImportOutcome, ImportRequest, Importer, RecoverResult } from "./importers/types";
import { OmeroPause } from "./omero-pause";

/** What scheduling and importing use besides the shared parts: the chain to record on, the tick, the importer. */
export type ImportsContext = Shared &
  Chain &
  Pick<Ticks, "requestTick" | "readinessChanged"> & {
    readonly importer: Importer;
  };

/** How often an import that outlived the DropBox is looked at. */
const ORPHAN_POLL_MS = 500;
/** SIGTERM to SIGKILL when the DropBox ends an import's process group (the importers' default grace). */
const IMPORT_KILL_GRACE_MS = 5000;

/** SIGTERM to the group, SIGKILL after `graceMs` if it is still there. */
async function endGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, "SIGTERM")) return;
  const until = Date.now() + graceMs;
  while (processGroupAlive(pgid, null) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  signalGroup(pgid, "SIGKILL");
}

export class Imports {
  readonly running = new Map<number, { ctrl: AbortController; done: Promise<void> }>();
  /** Imports being cancelled by hand: their run is ended, then they are recorded `cancelled`. */
  private readonly cancelling = new Set<number>();
  /**
   * Outcomes of runs that ended while the ledger could not be written (disk full): recorded by
   * recover() once it takes writes again, so a finished import is not run a second time because
   * its result could not be written down.
   */
  private readonly unrecorded = new Map<number, { attempt: number; outcome: ImportOutcome; changed: boolean }>();
  private readonly sched = newSchedState();

  /** The queue's pause for OMERO outages (the omero importer; omero-pause.ts). */
  readonly omero: OmeroPause;
  /** OMERO's importer confirms each fileset first (omero.fs.confirmFilesets; confirm.ts). */
  readonly confirmations: Confirmations;

  constructor(
    private readonly ctx: ImportsContext,
    /** Members that changed around an import are observed again. */
    private readonly intake: Pick<Intake, "observePaths">,
    /** OMERO paused or resumed the queue (the server shows it: status, health). */
    onOmeroChange: (h: OmeroHealth) => void = () => undefined,
    /** Group a folder again (a confirmation changed a fileset). */
    regroup: (watch: number, user: string, p: string) => void = () => undefined,
  ) {
    this.omero = new OmeroPause(ctx, onOmeroChange);
    this.confirmations = new Confirmations(ctx, regroup);
  }

  /** The running importer's kind (a reimport is recorded with it). */
  get importerKind(): Importer["kind"] {
    return this.ctx.importer.kind;
  }

  /** Start what the scheduler allows; returns when to look again (Infinity: on an event). */
  schedule(): number {
    if (this.ctx.stopping()) return Number.POSITIVE_INFINITY;
    // Paused for OMERO: nothing starts (nothing is spent); the probe decides when it goes on.
    if (!this.omero.mayImport()) return this.omero.probeIfDue(this.ctx.clock.now());
    const cfg = { concurrency: this.ctx.opts().concurrency, throttleMs: (w: number) => this.ctx.watch(w).throttleMs };
    let wake = Number.POSITIVE_INFINITY;
    while (this.running.size < cfg.concurrency) {
      const now = this.ctx.clock.now();
      const heads = this.ctx.ledger.filesets.queueHeads(now).filter((j) => this.confirmations.ready(j));
      const d = pickJobs(heads, this.running.size, this.sched, cfg, now);
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
      const tooBig = verify ? null : await this.sizeProblem(id);
      if (verify) {
        outcome = { ok: false, retryable: true, target: null, images: null, error: verify };
      } else if (tooBig) {
        outcome = { ok: false, retryable: tooBig.retryable, target: null, images: null, error: tooBig.error };
      } else {
        try {
          outcome = await this.ctx.importer.run(req, {
            signal: ctrl.signal,
            timeoutMs: this.ctx.opts().importTimeoutMs,
            onSpawn: (pgid) => this.recordProcess(id, attempt, pgid),
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
          if (outcome.ok) await this.discard(req, outcome);
          outcome = {
            ok: false,
            retryable: true,
            target: outcome.target,
            images: null,
            error: `${after}: this import does not count; it is imported again once finished`,
          };
        }
      }
      // Cancelled by hand (`imports cancel`): its run was ended; recorded as such, never retried.
      if (this.cancelling.delete(id)) {
        await this.ctx.serial(() => this.recordCancel(id));
        return;
      }
      // Stopping: leave the job 'importing'; the next start asks the importer to recover it.
      if (this.ctx.stopping() && ctrl.signal.aborted) return;
      const changed = verify !== null;
      try {
        await this.ctx.serial(() => this.record(id, attempt, outcome, changed));
      } catch (e) {
        // The ledger cannot be written: the chain reported it (degraded, probed); keep the outcome.
        if (!ledgerWriteFailure((e as { code?: string } | null)?.code)) throw e;
        this.unrecorded.set(id, { attempt, outcome, changed });
        this.ctx.log.warn(
          `[fileset ${id}] its import ended (${outcome.ok ? `target ${outcome.target ?? "none"}` : outcome.error}) but the ledger cannot be written: recorded once it can be`,
        );
      }
    })().finally(() => {
      this.running.delete(id);
      this.ctx.requestTick();
    });
    this.running.set(id, { ctrl, done });
  }

  /** A finished run that does not count: its result taken back (local), or said where it stays. */
  private async discard(req: ImportRequest, outcome: ImportOutcome): Promise<void> {
    const tag = `[fileset ${req.filesetId}]`;
    if (!this.ctx.importer.discard) {
      this.ctx.log.warn(
        `${tag} the import that does not count stays where it went (${outcome.target ?? "no target"}); it may hold a member as it was mid-change: delete it there once the fileset is imported again`,
      );
      return;
    }
    try {
      await this.ctx.importer.discard(req, outcome);
    } catch (e) {
      this.ctx.log.warn(
        `${tag} could not remove the import that does not count (${outcome.target}): ${e instanceof Error ? e.message : String(e)}; delete it by hand`,
      );
    }
  }

  /**
   * The process group an importer run started, recorded at once (not on the serial chain: a
   * DropBox killed a moment later must find it), so the next start waits for it instead of
   * running the import a second time beside it.
   */
  private recordProcess(id: number, attempt: number, pgid: number): void {
    try {
      this.ctx.ledger.filesets.recordProcess(id, attempt, pgid, processStartTime(pgid));
    } catch (e) {
      this.ctx.log.warn(
        `[fileset ${id}] its importer's process group ${pgid} could not be recorded (${e instanceof Error ? e.message : String(e)}): after a crash of the DropBox it would not be waited for`,
      );
    }
  }

  /**
   * The fileset's size against omero.fs.maxFilesetSize and, for the local importer, the free space
   * where it writes (core/space.ts decides); null when it may run.
   */
  private async sizeProblem(id: number): Promise<{ error: string; retryable: boolean } | null> {
    const { maxFilesetSize, localRepository } = this.ctx.opts();
    if (maxFilesetSize === 0 && localRepository === null) return null;
    const size = { apparent: 0, allocated: 0 };
    for (const m of this.ctx.ledger.filesets.snapshotOf(id)) {
      const s = await fs.promises.stat(m.path).catch(() => null);
      if (!s) continue; // vanished: the snapshot check after the import says so
      size.apparent += s.size;
      size.allocated += s.blocks * 512;
    }
    let freeBytes: number | null = null;
    if (localRepository !== null) {
      // The repository may not exist yet: its nearest existing folder is on the same file system.
      let dir = localRepository;
      while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
      const st = await fs.promises.statfs(dir).catch(() => null);
      if (st) freeBytes = st.bavail * st.bsize;
    }
    return sizeVerdict({ size, maxBytes: maxFilesetSize, freeBytes });
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
      {
        ok: o.ok,
        retryable: o.retryable,
        changedBeforeStart,
        attempt,
        baseAttempts: fsets.baseAttempts(id),
        serverProblem: o.serverProblem !== undefined,
      },
      this.ctx.opts().retry,
      now,
    );
    fsets.recordOutcome(id, attempt, o, d, now);
    this.ctx.importer.forget?.(id);
    this.omero.afterImport(o.ok, o.serverProblem, now);
    const log = this.ctx.log;
    switch (d.kind) {
      case "paused":
        log.warn(`[fileset ${id}] back in the queue, not counted (attempt ${attempt}): ${o.error}`);
        return;
      case "back-to-waiting": {
        log.info(`[fileset ${id}] back to waiting: ${o.error}`);
        this.ctx.readinessChanged([id]);
        const members = fsets.members(id);
        if (!members[0]) {
          // Its files went elsewhere while it was frozen for its import (its folder renamed: they
          // are a new fileset now) or were deleted: nothing is left to wait for.
          const f = fsets.get(id);
          if (f && fsets.cancelEmpty(f.watch, f.user, [id]).length > 0)
            log.info(`[fileset ${id}] cancelled: its files were moved or deleted during its import`);
          return;
        }
        const watch = members[0].watch;
        void this.ctx.serial(() =>
          this.intake.observePaths(
            watch,
            members.map((m) => m.path),
          ),
        );
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
   * Crash recovery: filesets found 'importing' at start are finished or redone (never imported
   * twice); once a ledger that could not be written takes writes again, the outcomes kept meanwhile
   * are recorded. One whose importer still runs (the DropBox was killed, its import's
   * process group was not) is waited for first: never a second run beside it.
   */
  async recover(): Promise<void> {
    const fsets = this.ctx.ledger.filesets;
    for (const id of fsets.importingIds()) {
      // At runtime (the ledger takes writes again): only those whose outcome could not be recorded.
      if (this.running.has(id)) continue;
      const kept = this.unrecorded.get(id);
      if (kept) {
        this.record(id, kept.attempt, kept.outcome, kept.changed);
        this.unrecorded.delete(id);
        continue;
      }
      const last = fsets.lastAttempt(id);
      if (last?.pgid && processGroupAlive(last.pgid, last.pgidStart)) {
        this.adopt(id, last.pgid, last.n, Date.parse(last.startedAt));
        continue;
      }
      await this.recoverOne(id);
    }
  }

  /** The importer says whether an interrupted import is done (recorded) or must be redone (requeued). */
  private async recoverOne(id: number, why?: string): Promise<void> {
    const fsets = this.ctx.ledger.filesets;
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
      this.ctx.log.info(
        `[fileset ${id}] was importing when DropBox stopped; its import had ended: ${r.outcome.ok ? "imported" : "failed"}`,
      );
      this.record(id, last?.n ?? 1, r.outcome, false);
    } else {
      fsets.requeueInterrupted(id, this.ctx.clock.now(), why);
      this.ctx.log.info(`[fileset ${id}] was importing when DropBox stopped: requeued`);
    }
  }

  /**
   * An import started before the DropBox's crash still runs (its process group is alive): it
   * holds its place (a concurrency slot, the fileset stays `importing`) until the group has ended,
   * ended by the DropBox once the import's timeout has passed; then it is recovered as any
   * interrupted import (the omero importer's redo skips what OMERO already has).
   */
  private adopt(id: number, pgid: number, attempt: number, startedMs: number): void {
    const timeoutMs = this.ctx.opts().importTimeoutMs;
    const deadline = (Number.isFinite(startedMs) ? startedMs : this.ctx.clock.now()) + timeoutMs;
    this.ctx.log.warn(
      `[fileset ${id}] its import (attempt ${attempt}, process group ${pgid}) still runs after the DropBox restarted: waiting for it to end before anything else is done with the fileset (it is ended ${new Date(deadline).toISOString()}, when its omero.fs.importTimeout has passed)`,
    );
    const ctrl = new AbortController();
    const done = (async () => {
      let ended = "";
      for (;;) {
        if (!processGroupAlive(pgid, null)) break;
        if (ctrl.signal.aborted || this.ctx.clock.now() >= deadline) {
          ended = ctrl.signal.aborted ? "ended by the DropBox" : "ended after its timeout by the DropBox";
          await endGroup(pgid, IMPORT_KILL_GRACE_MS);
          break;
        }
        await new Promise((r) => setTimeout(r, ORPHAN_POLL_MS));
      }
      if (this.cancelling.delete(id)) {
        await this.ctx.serial(() => this.recordCancel(id));
        return;
      }
      // Stopping: leave it `importing`; the next start looks again.
      if (this.ctx.stopping() && ctrl.signal.aborted) return;
      const why = `interrupted: the DropBox restarted during the import; it ran on in process group ${pgid}${ended ? ` and was ${ended}` : " to its end"}; its outcome is not known`;
      this.ctx.log.info(`[fileset ${id}] the import that outlived the DropBox (process group ${pgid}) has ended`);
      await this.ctx.serial(() => this.recoverOne(id, why));
    })().finally(() => {
      this.running.delete(id);
      this.ctx.requestTick();
    });
    this.running.set(id, { ctrl, done });
  }

  /**
   * `imports cancel ID` of an import that runs (or outlived the DropBox): its run is ended (its
   * process group killed, the local copy stopped) and the fileset recorded `cancelled`. False when
   * it does not run here.
   */
  async cancel(id: number): Promise<boolean> {
    const r = this.running.get(id);
    if (!r) return false;
    this.cancelling.add(id);
    this.ctx.log.warn(`[fileset ${id}] cancelled by hand while importing: ending its import`);
    r.ctrl.abort();
    await r.done;
    return true;
  }

  private recordCancel(id: number): void {
    this.ctx.ledger.cancel(id, this.ctx.clock.now());
    this.ctx.importer.forget?.(id);
    this.ctx.log.warn(`[fileset ${id}] cancelled by hand: not imported (omero-fs imports retry ${id} queues it again)`);
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
