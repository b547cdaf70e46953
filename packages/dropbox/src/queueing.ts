/**
 * Readiness and queueing: judge the waiting filesets that are due (core/agenda.ts: one of their files
 * changed, or their own next deadline came), ask core/readiness.ts whether each is ready, re-stat the
 * members of a ready one (core/readiness.ts `stability`) and queue it. Filesets nothing happens to
 * are not looked at.
 */
import * as fs from "node:fs";
import { Burst, type Hearing, type Holds, type Shared } from "./context";
import { Agenda } from "./core/agenda";
import { groupingPartition, userRootOf } from "./core/paths";
import { type FilesetFacts, type MemberObservation, readinessOf, stability } from "./core/readiness";
import type { Grouping } from "./grouping";
import type { Intake } from "./intake";
import type { WaitingFileset } from "./ledger/fileset-rows";
import { openForWrite } from "./open-files";
import type { WatchOptions } from "./options";
import { StructureCache } from "./structure-cache";

/** Filesets judged per tick (users in turns); then imports start and events get a turn. */
const JUDGE_BATCH = 1000;
/** Waiting fileset ids read per ledger page by a sweep. */
const PAGE = 5000;
/** A sweep finds waiting filesets no change announced (a safety net; ids only, no members): this often. */
const SWEEP_MS = 60_000;

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

/** What readiness and queueing use besides the shared parts: whether a walk holds a partition, what the MonitorServers confirm. */
export type QueueingContext = Shared & Pick<Holds, "held"> & { readonly hearing: Hearing };

export class Queueing {
  /** When each waiting fileset is judged again (core/agenda.ts). */
  private readonly agenda = new Agenda();
  /** The next sweep judges every waiting fileset (a reload changed the options every deadline came from). */
  private sweepAll = false;
  /** When the next sweep looks for waiting filesets the agenda does not know (0: at the first scan). */
  private nextSweep = 0;
  /** Filesets a reconciliation walk holds, by partition: judged again once their partition is read. */
  private readonly held = new Map<string, { watch: number; user: string; part: string; ids: Set<number> }>();
  /** A walk read something: look at the held partitions at the next scan. */
  private heldChanged = false;
  /** Ready filesets waiting for their MonitorServer to confirm the time since (by watch: id -> user). */
  private readonly unheard = new Map<number, Map<number, string>>();
  private readonly structures = new StructureCache();
  /** Why each waiting fileset waits, as of the last scan (for files list / imports show). */
  private readonly waitingFor = new Map<number, string>();
  /** Filesets regrouped once because their plan facts were missing (judged as they are if still missing). */
  private readonly regroupedForFacts = new Set<number>();
  /** Filesets judged so far (a fileset nothing happens to is not judged: tests count on it). */
  judged = 0;

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
    private readonly grouping: Pick<Grouping, "isDirty" | "markDirty" | "regroup" | "facts" | "forgetProbe">,
    /** A member that changed or vanished is observed again (its wait restarts). */
    private readonly intake: Pick<Intake, "observePaths">,
  ) {}

  /** Forget why `id` waited (its reason was set elsewhere: the next scan records its own again). */
  forgetWhy(id: number): void {
    this.waitingFor.delete(id);
  }

  /**
   * These filesets changed (regrouped, a member changed, released, back to waiting): judge them at
   * the next scan. Without ids: a walk read folders, so the filesets it held there are judged again.
   */
  changed(ids?: readonly number[]): void {
    if (!ids) {
      this.heldChanged = true;
      return;
    }
    for (const id of ids) {
      const user = this.agenda.userOf(id) ?? this.ctx.ledger.filesets.get(id)?.user;
      if (user !== undefined) this.agenda.touch(id, user);
    }
  }

  /**
   * Their MonitorServer confirmed a later moment, or went silent: the filesets that waited for it
   * are judged again (silent: so the ledger says what they wait for, not the quiet period before).
   */
  heardFrom(watches: readonly number[]): boolean {
    let any = false;
    for (const w of watches) {
      const ids = this.unheard.get(w);
      if (!ids) continue;
      this.unheard.delete(w);
      for (const [id, user] of ids) this.agenda.touch(id, user);
      any = true;
    }
    return any;
  }

  /** Judge every waiting fileset again (a reload changed the options their deadlines came from). */
  rejudgeAll(): void {
    this.nextSweep = 0;
    this.sweepAll = true;
  }

  /** Judge the filesets that are due (a batch, users in turns); returns when to look again. */
  async scanIfDue(): Promise<number> {
    const now = this.ctx.clock.now();
    if (now >= this.nextSweep) this.sweep(now);
    if (this.heldChanged) this.releaseHeld();
    const due = this.agenda.takeDue(now, JUDGE_BATCH);
    if (due.length > 0) await this.judge(due, now);
    // Due already (touched, or more than one batch): at once, after the imports this tick starts.
    return Math.max(Math.min(this.agenda.earliest(), this.nextSweep), this.ctx.clock.now());
  }

  /**
   * Reconcile the agenda with the ledger's waiting filesets (ids only, every SWEEP_MS and at start):
   * ones it does not know are judged now, ones that left the waiting state unnoticed are dropped.
   */
  private sweep(now: number): void {
    const all = this.sweepAll;
    this.sweepAll = false;
    this.nextSweep = now + SWEEP_MS;
    const watches = new Set(this.ctx.opts().watches.map((w) => w.index));
    const seen = new Set<number>();
    for (let after = 0; ; ) {
      const page = this.ctx.ledger.filesets.waitingIds(after, PAGE);
      if (page.length === 0) break;
      for (const [id, watch, user] of page) {
        after = id;
        if (!watches.has(watch)) continue;
        seen.add(id);
        if (all || !this.agenda.has(id)) this.agenda.touch(id, user);
      }
    }
    for (const id of [...this.agenda.ids()]) if (!seen.has(id)) this.agenda.delete(id);
    if (all) this.held.clear();
  }

  /** The filesets of partitions no walk holds any more are judged now (O(held partitions)). */
  private releaseHeld(): void {
    this.heldChanged = false;
    for (const [key, h] of this.held) {
      if (this.ctx.held(h.watch, h.user, h.part)) continue;
      for (const id of h.ids) this.agenda.touch(id, h.user);
      this.held.delete(key);
    }
  }

  private async judge(due: { id: number; user: string }[], now: number): Promise<void> {
    const rows = this.ctx.ledger.filesets.waitingById(due.map((d) => d.id));
    this.judged += rows.length;
    const queued = new Burst();
    const byWatch = new Map<number, typeof rows>();
    for (const f of rows) {
      const list = byWatch.get(f.watch);
      if (list) list.push(f);
      else byWatch.set(f.watch, [f]);
    }
    for (const w of this.ctx.opts().watches) {
      const page = byWatch.get(w.index);
      if (!page) continue;
      const markers = new Map<string, boolean>();
      const candidates: { f: WaitingFileset; facts: FilesetFacts }[] = [];
      for (const f of page) {
        // A walk has not read its folder yet: a member dropped while the DropBox was down may be missing.
        const part = this.partitionOf(w, f);
        if (this.ctx.held(w.index, f.user, part)) {
          this.why(f.id, "reconciliation walk: its folder is not read yet");
          const key = `${w.index}\0${f.user}\0${part}`;
          let h = this.held.get(key);
          if (!h) {
            h = { watch: w.index, user: f.user, part, ids: new Set() };
            this.held.set(key, h);
          }
          h.ids.add(f.id);
          this.agenda.set(f.id, f.user, Number.POSITIVE_INFINITY);
          continue;
        }
        // Not grouped since this DropBox started (a restart), nor since it went back to waiting: its
        // plan facts (a hold for a companion yet to come, closed) come from a grouping run, and judged
        // without them a Micro-Manager plane is imported alone (found by scripts/soak, seed 1919).
        if (this.grouping.facts.has(f.id)) this.regroupedForFacts.delete(f.id);
        else if (f.members.length > 0 && !this.regroupedForFacts.has(f.id)) {
          this.regroupedForFacts.add(f.id);
          this.grouping.markDirty(w.index, f.user, f.members[0]!.path, now);
          await this.grouping.regroup(w.index, f.user);
          this.agenda.touch(f.id, f.user);
          continue;
        }
        const facts = this.factsOf(w, f, markers);
        const r = readinessOf(facts, f.members, now, this.readinessOpts(w));
        if (r.incomplete) {
          this.markIncomplete(f.id, r.waitingFor);
          continue;
        }
        if (r.unheard) {
          this.awaitHearing(w.index, f, r.waitingFor);
          continue;
        }
        if (!r.check) {
          this.why(f.id, r.waitingFor);
          if (!r.ready) {
            this.again(w, f, facts, r.at, now);
            continue;
          }
        }
        candidates.push({ f, facts });
      }
      // The costly checks (open for writing, structure) only for filesets whose timing has passed.
      const writers = await openForWrite(new Set(candidates.flatMap((c) => c.f.members.map((m) => m.path))));
      for (const { f, facts } of candidates) {
        const observed = await this.observe(w.index, f, writers);
        if (observed === null) {
          // Changed or gone: an event was recorded, its regroup judges it again; this is a fallback.
          this.agenda.set(f.id, f.user, now + w.settleMs);
          continue;
        }
        const r = readinessOf(facts, observed, this.ctx.clock.now(), this.readinessOpts(w));
        if (r.incomplete) {
          this.markIncomplete(f.id, r.waitingFor);
          continue;
        }
        if (r.unheard) {
          this.awaitHearing(w.index, f, r.waitingFor);
          continue;
        }
        this.why(f.id, r.waitingFor);
        if (!r.ready) {
          this.again(w, f, facts, r.at, now);
          continue;
        }
        // New events for this user not yet grouped could belong to this fileset: group first.
        if (this.grouping.isDirty(w.index, f.user, this.partitionOf(w, f))) {
          await this.grouping.regroup(w.index, f.user);
          this.agenda.touch(f.id, f.user);
          continue;
        }
        if (await this.tryQueue(f.id)) {
          if (r.warning) this.ctx.log.warn(`[fileset ${f.id}] ${r.warning}`);
          this.waitingFor.delete(f.id);
          this.grouping.facts.delete(f.id);
          this.regroupedForFacts.delete(f.id);
          queued.add(`[fileset ${f.id}] queued`);
        } else this.agenda.set(f.id, f.user, now + w.settleMs);
      }
    }
    for (const w of this.unheard.keys()) this.ctx.hearing.ask(w);
    queued.log(
      this.ctx.log,
      (n, first, last) => `${n} filesets queued (${first} ... ${last}); each logs when it starts and ends`,
    );
  }

  /**
   * Ready but not confirmed by its MonitorServer: judged again once it answers (heardFrom). Said in
   * the ledger only while it is silent; the usual wait is one ping.
   */
  private awaitHearing(watch: number, f: WaitingFileset, waitingFor: string): void {
    if (this.ctx.hearing.heard(watch)?.silentSinceMs != null) this.why(f.id, waitingFor);
    let ids = this.unheard.get(watch);
    if (!ids) {
      ids = new Map();
      this.unheard.set(watch, ids);
    }
    ids.set(f.id, f.user);
    this.agenda.set(f.id, f.user, Number.POSITIVE_INFINITY);
  }

  /** Not ready: judge it again at `at` (null: only after a change), or when a completeMarker may have come. */
  private again(w: WatchOptions, f: WaitingFileset, facts: FilesetFacts, at: number | null, now: number): void {
    let next = at ?? Number.POSITIVE_INFINITY;
    // A marker file makes no event (dot files are not published): look for it every settleTime.
    if (w.completeMarker !== "" && !facts.marker) next = Math.min(next, now + Math.max(w.settleMs, 500));
    this.agenda.set(f.id, f.user, next);
  }

  /** The grouping partition of a fileset (filesets never span two). */
  private partitionOf(w: WatchOptions, f: WaitingFileset): string {
    const first = f.members[0]?.path;
    return first === undefined ? "" : groupingPartition(userRootOf(w, f.user), first);
  }

  private readinessOpts(w: WatchOptions) {
    const heard = this.ctx.hearing.heard(w.index);
    return {
      quietMs: w.quietMs,
      settleMs: w.settleMs,
      importWhenComplete: w.importWhenComplete,
      companionWaitMs: w.companionWaitMs,
      incompleteWaitMs: w.incompleteWaitMs,
      ...(heard ? { heard } : {}),
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
