/**
 * Readiness and queueing: page through the waiting filesets, ask core/readiness.ts whether each is
 * ready, re-stat the members of a ready one (core/readiness.ts `stability`) and queue it.
 */
import * as fs from "node:fs";
import { Burst, type Context } from "./context";
import { readinessOf, stability } from "./core/readiness";
import type { Grouping } from "./grouping";
import type { Intake } from "./intake";

/** Ready filesets re-stat'ed and queued per scan; then imports start and events get a turn. */
const READY_BATCH = 2000;
/** Waiting filesets read per ledger page. */
const PAGE = 500;

export class Queueing {
  /** Readiness is scanned again only after a change (event, regroup, requeue) or at the earliest ready time. */
  private stale = true;
  private nextReadyAt = 0;
  /** A stale scan waits until then (see scanIfDue). */
  private scanNotBefore = 0;

  constructor(
    private readonly ctx: Context,
    private readonly grouping: Grouping,
    private readonly intake: Intake,
  ) {}

  /** Something changed that may make a fileset ready or not ready. */
  changed(): void {
    this.stale = true;
  }

  /**
   * Scan when something changed or the earliest quiet period ends; returns when to look again.
   * The scan pages through the waiting filesets (never reading every one at once) and queues at
   * most READY_BATCH, so imports start and events get their turn during a 100,000-file drop.
   */
  async scanIfDue(): Promise<number> {
    const now = this.ctx.clock.now();
    if (now >= this.nextReadyAt || (this.stale && now >= this.scanNotBefore)) await this.scan(now);
    return Math.min(this.nextReadyAt, this.stale ? Math.max(this.ctx.clock.now(), this.scanNotBefore) : Infinity);
  }

  private async scan(now: number): Promise<void> {
    const t0 = now;
    this.stale = false;
    this.nextReadyAt = Number.POSITIVE_INFINITY;
    const queued = new Burst();
    let budget = READY_BATCH;
    let regrouped = false;
    for (const w of this.ctx.opts.watches) {
      let after = 0;
      while (budget > 0) {
        const page = this.ctx.ledger.filesets.waitingFilesets(w.index, after, PAGE);
        if (page.length === 0) break;
        for (const f of page) {
          after = f.id;
          const r = readinessOf({ id: f.id, missing: [] }, f.members, now, { quietMs: w.quietMs });
          if (!r.ready) {
            if (r.at !== null) this.nextReadyAt = Math.min(this.nextReadyAt, r.at);
            continue;
          }
          if (budget === 0) {
            this.nextReadyAt = Math.min(this.nextReadyAt, now);
            continue;
          }
          budget -= 1;
          // New events for this user not yet grouped could belong to this fileset: group first.
          if (this.grouping.isDirty(w.index, f.user)) {
            await this.grouping.regroup(w.index, f.user);
            regrouped = true;
            continue;
          }
          if (await this.tryQueue(f.id)) queued.add(`[fileset ${f.id}] queued`);
        }
      }
    }
    const end = this.ctx.clock.now();
    if (regrouped) this.nextReadyAt = Math.min(this.nextReadyAt, end);
    // A change makes the next scan due, but no sooner than ten times this one's cost: a scan over
    // 90,000 waiting filesets per event would make intake quadratic, and a fileset queued a little
    // after its quiet period is still correct.
    this.scanNotBefore = end + Math.min(1000, 9 * (end - t0));
    // More may be ready: look again at once (after the imports this tick starts).
    if (budget === 0) {
      this.stale = true;
      this.scanNotBefore = 0;
    }
    queued.log(
      this.ctx.log,
      (n, first, last) => `${n} filesets queued (${first} ... ${last}); each logs when it starts and ends`,
    );
  }

  /** Re-stat every member; queue the fileset if nothing moved since the last event. */
  private async tryQueue(id: number): Promise<boolean> {
    const members = this.ctx.ledger.filesets.members(id);
    if (members.length === 0) return false;
    const stats = await Promise.all(members.map((m) => fs.promises.stat(m.path).catch(() => null)));
    const verdict = stability(
      members.map((m, i) => ({
        recorded: { size: m.size, mtimeMs: m.mtimeMs },
        now: stats[i] ? { size: stats[i]!.size, mtimeMs: stats[i]!.mtimeMs } : null,
      })),
    );
    if (verdict !== "stable") {
      // A changed member is a new event (the quiet period restarts); a missing one a delete.
      await this.intake.observePaths(
        members[0]!.watch,
        members.map((m) => m.path),
      );
      return false;
    }
    if (!this.ctx.ledger.filesets.markQueued(id, members, this.ctx.clock.now())) return false;
    for (const m of members) this.grouping.probes.delete(m.path);
    return true;
  }
}
