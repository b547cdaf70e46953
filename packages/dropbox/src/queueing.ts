/**
 * Readiness and queueing: page through the waiting filesets, ask core/readiness.ts whether each is
 * ready, re-stat the members of a ready one (core/readiness.ts `stability`) and queue it.
 */
import * as fs from "node:fs";
import { Burst, type Holds, type Shared } from "./context";
import { groupingPartition, userRootOf } from "./core/paths";
import { type FilesetFacts, type MemberObservation, readinessOf, stability } from "./core/readiness";
import type { Grouping } from "./grouping";
import type { Intake } from "./intake";
import type { WaitingFileset } from "./ledger/filesets";
import { openForWrite } from "./open-files";
import type { WatchOptions } from "./options";
import { StructureCache } from "./structure-cache";

/** Ready filesets re-stat'ed and queued per scan; then imports start and events get a turn. */
const READY_BATCH = 2000;
/** Waiting filesets read per ledger page. */
const PAGE = 500;

/**
 * Whether the watch's completeMarker covers a fileset: in its first member's folder, or beside a
 * member as `<member><marker>`. The MonitorServer publishes no dot files: looked for by stat, once
 * per folder per scan (`markers` caches folders).
 */
export function markerCovers(
  marker: string,
  members: readonly { path: string }[],
  markers: Map<string, boolean>,
): boolean {
  if (marker === "" || members.length === 0) return false;
  const first = members[0]!.path;
  const dir = first.slice(0, first.lastIndexOf("/"));
  let has = markers.get(dir);
  if (has === undefined) {
    has = fs.existsSync(`${dir}/${marker}`);
    markers.set(dir, has);
  }
  return has || members.some((m) => fs.existsSync(`${m.path}${marker}`));
}

/**
 * The costly observations of a fileset's members (the readiness step's, and `omero-fs files plan`'s):
 * who holds each open for writing, each one's structure, then the rules across files (an OME-TIFF's
 * OME-XML placing planes in its other files) once each file is whole.
 */
export async function observeFinished(
  structures: StructureCache,
  entry: string | null,
  reader: string | null,
  members: readonly MemberObservation[],
  writers: Map<string, { pid: number; command?: string }>,
): Promise<MemberObservation[]> {
  const out: MemberObservation[] = [];
  for (const m of members) {
    const structure = await structures.check(m.path, m.size, m.mtimeMs);
    out.push({ ...m, openForWriteBy: writers.get(m.path) ?? null, structure });
  }
  if (entry !== null && out.length > 1 && out.every((m) => m.structure?.state !== "incomplete")) {
    const problems = await structures.checkFileset(entry, reader, out);
    for (const pr of problems) {
      const m = out.find((x) => x.path === pr.path) ?? out[0]!;
      m.structure = { state: "incomplete", reason: pr.reason };
    }
  }
  return out;
}

/** What readiness and queueing use besides the shared parts: whether a walk holds a partition. */
export type QueueingContext = Shared & Pick<Holds, "held">;

export class Queueing {
  /** Readiness is scanned again only after a change (event, regroup, requeue) or at the earliest ready time. */
  private stale = true;
  private nextReadyAt = 0;
  /** A stale scan waits until then (see scanIfDue). */
  private scanNotBefore = 0;
  private readonly structures = new StructureCache();
  /** Why each waiting fileset waits, as of the last scan (for files list / imports show). */
  private readonly waitingFor = new Map<number, string>();

  /** Record why a fileset waits, in the ledger for `files list`/`imports show`, only when it changed. */
  private why(id: number, text: string): void {
    // Countdown figures change every scan: store the kind of wait, not the milliseconds.
    const stable = text.replace(/^(quiet period|settling): \d+ ms more/, "$1:").replace(/ \(\d+ ms\)$/, "");
    if (this.waitingFor.get(id) === stable) return;
    this.waitingFor.set(id, stable);
    this.ctx.ledger.filesets.setWaitingFor(id, stable);
  }

  constructor(
    private readonly ctx: QueueingContext,
    /** A ready fileset whose folder has changes not yet grouped is grouped first; queued ones lose their plan facts and probes. */
    private readonly grouping: Pick<Grouping, "isDirty" | "regroup" | "facts" | "forgetProbe">,
    /** A member that changed or vanished is observed again (its wait restarts). */
    private readonly intake: Pick<Intake, "observePaths">,
  ) {}

  /** Forget why `id` waited (its reason was set elsewhere: the next scan records its own again). */
  forgetWhy(id: number): void {
    this.waitingFor.delete(id);
  }

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
    for (const w of this.ctx.opts().watches) {
      let after = 0;
      while (budget > 0) {
        const page = this.ctx.ledger.filesets.waitingFilesets(w.index, after, PAGE);
        if (page.length === 0) break;
        const markers = new Map<string, boolean>();
        const candidates: { f: WaitingFileset; facts: FilesetFacts }[] = [];
        for (const f of page) {
          after = f.id;
          // A walk has not read its folder yet: a member dropped while the DropBox was down may be missing.
          if (this.ctx.held(w.index, f.user, this.partitionOf(w, f))) {
            this.why(f.id, "reconciliation walk: its folder is not read yet");
            continue;
          }
          const facts = this.factsOf(w, f, markers);
          const r = readinessOf(facts, f.members, now, this.readinessOpts(w));
          if (r.incomplete) {
            this.markIncomplete(f.id, r.waitingFor);
            continue;
          }
          if (!r.check) {
            this.why(f.id, r.waitingFor);
            if (r.at !== null) this.nextReadyAt = Math.min(this.nextReadyAt, r.at);
            // A marker file makes no event (dot files are not published): look for it every settleTime.
            if (w.completeMarker !== "" && !facts.marker)
              this.nextReadyAt = Math.min(this.nextReadyAt, now + Math.max(w.settleMs, 500));
            if (!r.ready) continue;
          }
          candidates.push({ f, facts });
        }
        // The costly checks (open for writing, structure) only for filesets whose timing has passed.
        const writers = await openForWrite(new Set(candidates.flatMap((c) => c.f.members.map((m) => m.path))));
        for (const { f, facts } of candidates) {
          const observed = await this.observe(w.index, f, writers);
          if (observed === null) continue; // changed or gone: an event was recorded, the wait restarts
          const r = readinessOf(facts, observed, this.ctx.clock.now(), this.readinessOpts(w));
          this.why(f.id, r.waitingFor);
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
          if (this.grouping.isDirty(w.index, f.user, this.partitionOf(w, f))) {
            await this.grouping.regroup(w.index, f.user);
            regrouped = true;
            continue;
          }
          if (await this.tryQueue(f.id)) {
            if (r.warning) this.ctx.log.warn(`[fileset ${f.id}] ${r.warning}`);
            this.waitingFor.delete(f.id);
            this.grouping.facts.delete(f.id);
            queued.add(`[fileset ${f.id}] queued`);
          }
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

  /** The grouping partition of a fileset (filesets never span two). */
  private partitionOf(w: WatchOptions, f: WaitingFileset): string {
    const first = f.members[0]?.path;
    return first === undefined ? "" : groupingPartition(userRootOf(w, f.user), first);
  }

  private readinessOpts(w: WatchOptions) {
    return {
      quietMs: w.quietMs,
      settleMs: w.settleMs,
      importWhenComplete: w.importWhenComplete,
      companionWaitMs: w.companionWaitMs,
      incompleteWaitMs: w.incompleteWaitMs,
    };
  }

  /** waiting -> incomplete: never imported half; logged once (the node's notifier sees the state). */
  private markIncomplete(id: number, reason: string): void {
    if (!this.ctx.ledger.filesets.markIncomplete(id, reason)) return;
    this.waitingFor.delete(id);
    this.ctx.problems.once(`incomplete:${id}`, "warn", `[fileset ${id}] incomplete: ${reason}`);
  }

  private factsOf(w: WatchOptions, f: WaitingFileset, markers: Map<string, boolean>): FilesetFacts {
    const pf = this.grouping.facts.get(f.id);
    const c = f.completeness;
    const facts: FilesetFacts = { id: f.id, missing: c.missing, missingCount: c.missingCount };
    if (c.released) facts.released = true;
    if (c.plate) facts.plate = c.plate;
    if (c.expectedCount !== undefined) facts.expectedCount = c.expectedCount;
    if (pf) {
      facts.firstSeenMs = pf.firstSeenMs;
      if (pf.expectedCount !== undefined) facts.expectedCount = pf.expectedCount;
      if (pf.closed) facts.closed = true;
      if (pf.hold) facts.hold = pf.hold;
    }
    if (markerCovers(w.completeMarker, f.members, markers)) facts.marker = true;
    return facts;
  }

  /** Re-stat, open-for-write and structure of each member; null when one changed or vanished (recorded as an event). */
  private async observe(watch: number, f: WaitingFileset, writers: Map<string, { pid: number; command?: string }>) {
    for (const m of f.members) {
      const st = await fs.promises.stat(m.path).catch(() => null);
      if (!st || st.size !== m.size || st.mtimeMs !== m.mtimeMs) {
        await this.intake.observePaths(
          watch,
          f.members.map((x) => x.path),
        );
        return null;
      }
    }
    const info = this.ctx.ledger.filesets.get(f.id);
    return observeFinished(this.structures, info?.entry ?? null, info?.reader ?? null, f.members, writers);
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
    for (const m of members) this.grouping.forgetProbe(m.path);
    return true;
  }
}
