/**
 * Grouping: which (watch, user) folders changed since their last grouping run, when each is due
 * (core/batching.ts), and the run itself: read the folder's not-yet-imported files from the
 * ledger, probe the contents a reader needs, ask @omero-fs/readers' groupFilesets what the
 * filesets are, turn that into membership changes (core/filesets.ts) and write them.
 */
import {
  type Catalogue,
  type CandidateFile,
  groupFilesets,
  needsHeader,
  probeCanRefuse,
  probeFile,
  wantsWholeFile,
} from "@omero-fs/readers";
import { Burst, type Holds, type Shared, type Ticks } from "./context";
import { groupingDueAt } from "./core/batching";
import { GONE_AFTER_IMPORT, NOT_GROUPED } from "./core/file-identity";
import { applyGrouping, type ExistingFileset, planFacts } from "./core/filesets";
import { settleLeftOut, splitByPins } from "./core/omero-pins";
import { groupingPartition, userOfPath, userRootOf, type WatchScope } from "./core/paths";
import type { KnownPath } from "./ledger/files";
import type { PartitionFile } from "./ledger/fileset-rows";
import { PROBE_CACHE_BYTES, PROBE_CACHE_ENTRIES, ProbeCache, trimProbe } from "./probe-cache";

const PROBE_CONCURRENCY = 16;
/** Imported files of a regrouped folder taken as context (late members) at most. */
const IMPORTED_CONTEXT_MAX = 20_000;

interface Dirty {
  watch: number;
  user: string;
  first: number;
  paths: number;
  /** Partitions (first folders below the user's folder) that changed. */
  parts: Set<string>;
  /** Filesets a file left (deleted, now ignored): cancelled if nothing is left in them. */
  left: Set<number>;
}

/** What the grouping's plan says of a fileset's completeness, for readiness (kept in memory). */
export interface PlanFacts {
  expectedCount?: number;
  closed?: boolean;
  hold?: string;
  firstSeenMs: number;
}

/**
 * Read the content heads a reader needs (the same probes, trimmed and cached, for the DropBox's
 * grouping and `omero-fs files plan`); an unreadable file is decided without content.
 */
export async function probeCandidates(
  toProbe: { c: CandidateFile; mtimeMs: number }[],
  probes: ProbeCache,
): Promise<void> {
  for (let i = 0; i < toProbe.length; i += PROBE_CONCURRENCY) {
    await Promise.all(
      toProbe.slice(i, i + PROBE_CONCURRENCY).map(async ({ c, mtimeMs }) => {
        try {
          const probe = trimProbe(c.path, await probeFile(c.path));
          c.probe = probe;
          probes.set(c.path, c.size, mtimeMs, probe);
        } catch {
          // Unreadable now (deleted, being replaced): decided without content; re-probed next time.
        }
      }),
    );
  }
}

/** What grouping uses besides the shared parts: the tick, and the walks' holds on partitions. */
export type GroupingContext = Shared & Ticks & Holds;

export class Grouping {
  private readonly dirty = new Map<string, Dirty>();
  /** When each (watch, user)'s last grouping run ended and what it cost (core/batching.ts spaces runs by it). */
  private readonly lastRun = new Map<string, { endMs: number; costMs: number }>();
  /** Plan facts by fileset id, from the last grouping run (a restart regroups, and starts a hold afresh). */
  readonly facts = new Map<number, PlanFacts>();
  readonly probes = new ProbeCache(PROBE_CACHE_ENTRIES, PROBE_CACHE_BYTES);

  constructor(
    private readonly ctx: GroupingContext,
    /** By watch index; replaced per watch by a reload (Engine.setCatalogue). */
    readonly catalogues: Map<number, Catalogue>,
  ) {}

  /** A file is gone: its cached content probe too. */
  forgetProbe(p: string): void {
    this.probes.delete(p);
  }

  /** Mark dirty every folder of watch `index` holding files not yet imported (a reload changed how it groups). */
  markWatchDirty(index: number, now: number): number {
    const scope = this.ctx.watch(index);
    let n = 0;
    let after = "";
    for (;;) {
      const rows = this.ctx.ledger.files.pageOf(index, after, 2000);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.path;
      // One transaction per page: a regroup of 100,000 files is 50 commits, not 100,000.
      this.ctx.ledger.transaction(() => this.markPageDirty(index, scope, rows, now));
      n += rows.length;
    }
    return n;
  }

  private markPageDirty(index: number, scope: WatchScope, rows: KnownPath[], now: number): void {
    for (const { path: p, state, reason } of rows) {
      // Ignored files are decided again too (a wider whitelist, a reader that now knows them),
      // but not late members of an imported fileset: the import decided those.
      const again = state === "ignored" && !reason?.startsWith("late, after import");
      if (state !== "pending" && state !== "grouped" && !again) continue;
      const d = userOfPath(scope, p);
      if (d.kind !== "user") continue;
      if (again) {
        const f = this.ctx.ledger.files.byPath(p);
        if (f) this.ctx.ledger.files.setState(f.id, "pending", NOT_GROUPED, null);
      }
      this.markDirty(index, d.user, p, now);
    }
  }

  /**
   * A path of (watch, user) changed: its folder needs a grouping run. An event (not a walk's
   * finding) in a partition a reconciliation walk holds has that partition walked ahead.
   */
  markDirty(
    watch: number,
    user: string,
    p: string,
    now: number,
    leftFileset: number | null = null,
    via: "walk" | "event" = "event",
  ): void {
    const k = `${watch}\0${user}`;
    const part = groupingPartition(userRootOf(this.ctx.watch(watch), user), p);
    if (via === "event" && this.ctx.held(watch, user, part)) this.ctx.walkAhead(watch, user, part);
    const d = this.dirty.get(k);
    if (d) {
      d.paths += 1;
      d.parts.add(part);
      if (leftFileset !== null) d.left.add(leftFileset);
    } else
      this.dirty.set(k, {
        watch,
        user,
        first: now,
        paths: 1,
        parts: new Set([part]),
        left: new Set(leftFileset === null ? [] : [leftFileset]),
      });
    // Whoever made it dirty (an event, a re-stat, an import completion), the next tick plans its grouping.
    this.ctx.requestTick();
  }

  /** Whether partition `part` of (watch, user) has changes to group that no walk holds back. */
  isDirty(watch: number, user: string, part: string): boolean {
    return (this.dirty.get(`${watch}\0${user}`)?.parts.has(part) ?? false) && !this.ctx.held(watch, user, part);
  }

  /** The partitions of a dirty entry that no reconciliation walk holds (core/walk-holds.ts). */
  private groupable(d: Dirty): string[] {
    return [...d.parts].filter((part) => !this.ctx.held(d.watch, d.user, part));
  }

  /**
   * Run every grouping that is due at `now`; returns when the next one is due (Infinity: none).
   * Partitions held by a walk wait: its end (or their own walk) asks for a tick.
   */
  async runDue(now: number): Promise<number> {
    let next = Number.POSITIVE_INFINITY;
    for (const d of [...this.dirty.values()]) {
      if (this.groupable(d).length === 0) continue;
      const w = this.ctx.watch(d.watch);
      const due = groupingDueAt(
        { firstDirtyMs: d.first, dirtyPaths: d.paths },
        w,
        this.lastRun.get(`${d.watch}\0${d.user}`),
      );
      if (due <= now) await this.regroup(d.watch, d.user);
      else next = Math.min(next, due);
    }
    return next;
  }

  /** Run every grouping that has work no walk holds, due or not (a check wants the ledger grouped now). */
  async runAll(): Promise<void> {
    for (const d of [...this.dirty.values()]) if (this.groupable(d).length > 0) await this.regroup(d.watch, d.user);
  }

  /**
   * Regroup the partitions of one (watch, user) that changed since the last run, one at a time:
   * filesets never span two partitions, so each run reads only its own folder's files and the
   * working memory is bounded by the largest folder, not by the whole drop.
   */
  async regroup(watch: number, user: string): Promise<void> {
    const k = `${watch}\0${user}`;
    const d = this.dirty.get(k);
    // Partitions a walk holds stay dirty, for a run after it has read them.
    const parts = d ? this.groupable(d) : [];
    if (d && parts.length < d.parts.size) for (const part of parts) d.parts.delete(part);
    else this.dirty.delete(k);
    const left = d?.left ?? new Set<number>();
    if (d) d.left = new Set();
    const t0 = this.ctx.clock.now();
    const userRoot = userRootOf(this.ctx.watch(watch), user);
    const created = new Burst();
    const touched: number[] = [];
    for (const part of parts) await this.regroupPartition(watch, user, userRoot, part, created, touched);
    this.cancelEmpty(watch, user, left);
    // Readiness judges the filesets of these folders again (and only these).
    this.ctx.readinessChanged(touched);
    const end = this.ctx.clock.now();
    this.lastRun.set(k, { endMs: end, costMs: end - t0 });
    created.log(this.ctx.log, (n, first, last) => `${n} new filesets waiting for ${user} (${first} ... ${last})`);
  }

  /** Cancel waiting filesets with no file left (`ids` null: every one of the user, at start). */
  cancelEmpty(watch: number, user: string, ids: Set<number> | null): void {
    for (const id of this.ctx.ledger.filesets.cancelEmpty(watch, user, ids))
      this.ctx.log.info(`[fileset ${id}] cancelled: its files were deleted before import`);
  }

  private async regroupPartition(
    watch: number,
    user: string,
    userRoot: string,
    part: string,
    created: Burst,
    touched: number[],
    attempt = 0,
  ): Promise<void> {
    const fsets = this.ctx.ledger.filesets;
    // The root partition ("") is the files directly in the user's folder plus the companion
    // folders Bio-Formats pairs with them: read the user's range and keep what belongs to it.
    const lo = part === "" ? `${userRoot}/` : `${userRoot}/${part}/`;
    const hi = part === "" ? `${userRoot}0` : `${userRoot}/${part}0`;
    const inPart = part === "" ? (p: string) => groupingPartition(userRoot, p) === "" : () => true;
    const dirOf = (p: string) => p.slice(0, p.lastIndexOf("/"));
    const rows: PartitionFile[] = [];
    for (const r of fsets.groupable(watch, user, lo, hi)) if (inPart(r.path)) rows.push(r);
    if (rows.length === 0) return;
    // Ignored files of the same folders and their sibling folders take part too: a companion can turn
    // an ignored name into a member (an Operetta Images/Index.idx.xml claims ../Assaylayout/*.xml,
    // copied first and ignored alone; found by scripts/soak).
    const dirs = new Set(rows.map((r) => dirOf(r.path)));
    const parents = new Set([...dirs].map(dirOf));
    const ignored: PartitionFile[] = [];
    // The folders whose imported files are context below: those of the ignored files too, or a late
    // member of an imported fileset taken in here would be grouped without its fileset, as a set of
    // its own (found by scripts/soak, seed 995521022: a plane imported alone).
    const contextDirs = new Set(dirs);
    for (const r of fsets.ignoredIn(watch, user, lo, hi)) {
      const d = dirOf(r.path);
      if (!((dirs.has(d) || parents.has(dirOf(d))) && inPart(r.path))) continue;
      ignored.push(r);
      contextDirs.add(d);
    }
    const catalogue = this.catalogues.get(watch);
    if (!catalogue) throw new Error(`no readers catalogue for watch ${watch + 1}`);
    const input: CandidateFile[] = [];
    const ids = new Map<string, number>();
    const current = new Map<string, number | null>();
    const toProbe: { c: CandidateFile; mtimeMs: number }[] = [];
    for (const { path: p, size, mtimeMs, fileset, id } of rows) {
      const c: CandidateFile = { path: p, size };
      input.push(c);
      ids.set(p, id);
      current.set(p, fileset);
      if (needsHeader(p, catalogue)) {
        const cached = this.probes.get(p, size, mtimeMs);
        if (cached) c.probe = cached;
        else toProbe.push({ c, mtimeMs });
      }
    }
    for (const { path: p, size, mtimeMs, id } of ignored) {
      const c: CandidateFile = { path: p, size };
      input.push(c);
      ids.set(p, id);
      current.set(p, null);
      // Ignored for its content (a corrupt TIFF, a .dv that is not DeltaVision): decided on content
      // again, or its name alone would make it a fileset now.
      if (probeCanRefuse(p) && needsHeader(p, catalogue)) {
        const cached = this.probes.get(p, size, mtimeMs);
        if (cached) c.probe = cached;
        else toProbe.push({ c, mtimeMs });
      }
    }
    // Imported files of the same folders are context: a new file that joins one of their filesets
    // is a late member of an imported fileset (never a fileset of its own, never pending forever).
    // Bounded: a folder that holds many imported files costs one ranged read per regroup, and only
    // index files (metadata.txt, .nd, companions) are read again; other heads come from the cache.
    const imported = new Map<string, number>();
    const context: CandidateFile[] = [];
    for (const { path: p, size, mtimeMs, id, fileset } of fsets.importedIn(watch, user, lo, hi, GONE_AFTER_IMPORT)) {
      if (!contextDirs.has(dirOf(p)) || !inPart(p)) continue;
      if (context.length >= IMPORTED_CONTEXT_MAX) break;
      const c: CandidateFile = { path: p, size };
      context.push(c);
      ids.set(p, id);
      imported.set(p, fileset);
      if (needsHeader(p, catalogue)) {
        const cached = this.probes.get(p, size, mtimeMs);
        if (cached) c.probe = cached;
        else if (wantsWholeFile(p)) toProbe.push({ c, mtimeMs });
      }
    }
    input.push(...context);
    await probeCandidates(toProbe, this.probes);
    // OMERO's importer's answers (omero.fs.confirmFilesets) override the readers for their files.
    const pins = this.ctx.opts().confirmFilesets ? this.ctx.ledger.omero.pinnedIn(watch, user, lo, hi) : [];
    const split = pins.length > 0 ? splitByPins(input, pins, current) : null;
    const g = groupFilesets(split ? split.rest : input, catalogue, { whitelist: this.ctx.watch(watch).whitelist });
    if (split) {
      g.filesets.push(...split.plans);
      const s = settleLeftOut(g.pending, split.leftOut);
      g.pending = s.pending;
      g.ignored.push(...split.ignored, ...s.ignored);
    }
    // The watch's completeMarker (a non-dot name such as COMPLETE is published) is never imported.
    const marker = this.ctx.watch(watch).completeMarker;
    const isMarker = (p: string) =>
      p.endsWith(`/${marker}`) || (p.endsWith(marker) && ids.has(p.slice(0, -marker.length)));
    if (marker !== "")
      for (const i of g.ignored) if (isMarker(i.path)) i.reason = "completion marker (omero.fs.completeMarker)";
    const existing = new Map<number, ExistingFileset>();
    for (const id of current.values()) {
      if (id === null || existing.has(id)) continue;
      const f = fsets.get(id);
      if (!f) continue;
      // Started importing while the probes ran: its membership is final; decide again on fresh rows.
      if (f.state !== "waiting" && f.state !== "queued" && f.state !== "incomplete") {
        if (attempt < 3) return this.regroupPartition(watch, user, userRoot, part, created, touched, attempt + 1);
        this.markDirty(watch, user, rows[0]!.path, this.ctx.clock.now());
        return;
      }
      existing.set(id, fsets.asExisting(f));
    }
    // Waiting filesets left with no member at all (every file deleted) are cancelled by cancelEmpty.
    const policy = this.ctx.opts().changedAfterImport;
    const ops = applyGrouping(
      { filesets: g.filesets, ignored: g.ignored, pending: g.pending },
      current,
      existing,
      imported,
      policy,
    );
    const plans = new Map(g.filesets.map((p) => [p.key, p]));
    const upserted = fsets.applyMembership(
      watch,
      user,
      ops,
      ids,
      this.ctx.opts().importer,
      this.ctx.clock.now(),
      plans,
    );
    touched.push(...upserted);
    for (const [i, u] of ops.upserts.entries()) {
      const id = upserted[i]!;
      const plan = plans.get(u.key);
      const pf: PlanFacts = {
        firstSeenMs: this.facts.get(id)?.firstSeenMs ?? this.ctx.clock.now(),
        ...(plan ? planFacts(plan) : {}),
      };
      this.facts.set(id, pf);
      const n = `${u.files.length} file${u.files.length === 1 ? "" : "s"}`;
      if (u.id === null) created.add(`[fileset ${id}] waiting: ${u.entry} (${n}, ${u.reader}) for ${user}`);
      else if (u.changed) this.ctx.log.info(`[fileset ${id}] regrouped: ${u.entry} (${u.files.length} files)`);
      if (u.unqueue)
        this.ctx.log.info(`[fileset ${id}] back to waiting: its members changed before the import started`);
      if (u.reopen) {
        this.ctx.log.info(`[fileset ${id}] back to waiting: a file arrived for the incomplete fileset ${u.entry}`);
        this.ctx.problems.forgetPrefix(`incomplete:${id}`);
      }
      if (u.reimports)
        this.ctx.log.warn(
          `[fileset ${id}] a late member joined imported fileset(s) ${[...new Set(u.reimports.values())].join(", ")}: importing the whole fileset again (omero.fs.changedAfterImport=reimport)`,
        );
    }
    for (const [p, a] of ops.files)
      if (a.state === "late") {
        const msg = `[fileset ${a.fileset}] ${p}: ${a.reason}`;
        this.ctx.problems.once(`late:${p}`, a.log ? "warn" : "debug", msg);
      }
    for (const id of ops.cancelled)
      this.ctx.log.info(`[fileset ${id}] cancelled: its files were deleted or joined another fileset`);
    for (const [p, a] of ops.files) if (a.state === "ignored" && !probeCanRefuse(p)) this.probes.delete(p);
  }
}
