/**
 * Intake by walking: compare each watch tree with the ledger (core/reconcile.ts decides what
 * differs and whether the walk may be believed) and feed the differences to intake. On start, on
 * a seq gap or rescan notice, on `scan`, and every rescanInterval.
 */
import * as fs from "node:fs";
import type { Chain, Shared, Ticks } from "./context";
import { GONE_AFTER_IMPORT } from "./core/file-identity";
import { partitionWalk, userRootOf } from "./core/paths";
import { diffFiles, type FirstWalk, isFirstWalk, underAny, watchAlarm } from "./core/reconcile";
import { partitionLeft, rootPartitionListed, WalkHolds } from "./core/walk-holds";
import type { Intake } from "./intake";
import { type TreeSource, walkWatchDirs } from "./walk";

/** Paths per serial task, and ledger rows per page: bounded memory, few commits. */
const BATCH = 2000;

/** What the reconciliation uses besides the shared parts: the chain to record on, and the tick. */
export type ReconcilerContext = Shared & Chain & Ticks;

export class Reconciler {
  private readonly running = new Map<number, { again: boolean; done: Promise<number> }>();
  /** Where a watch tree is read: the walk here, or a remote MonitorServer's `list` (remote-tree.ts). */
  source: TreeSource = (w, onDir, onLeave) => walkWatchDirs(w, onDir, undefined, onLeave);
  /** Partitions whose grouping and readiness wait for a walk (core/walk-holds.ts). */
  readonly holds = new WalkHolds();
  /** Partition walks running now (Engine.settle waits for them). */
  readonly ahead = new Set<Promise<void>>();

  /**
   * Watches whose first walk (no ledger history: omero.fs.existingFiles) runs in this process:
   * when it started, and when it ended (null while it runs).
   */
  private readonly firstWalks = new Map<number, FirstWalk>();

  constructor(
    private readonly ctx: ReconcilerContext,
    /** What a walk finds is observed by intake. */
    private readonly intake: Pick<Intake, "observePaths">,
  ) {}

  /** The watch's first walk in this process, if it has one (intake's existingFiles decisions). */
  firstWalk(watch: number): FirstWalk | undefined {
    return this.firstWalks.get(watch);
  }

  /** Hold every partition of `watch` until a walk has read it (a walk, or the start sequence before it). */
  hold(watch: number): void {
    this.holds.hold(watch);
  }

  /** End one hold; when none is left, what waited is grouped and judged by the next tick. */
  release(watch: number): void {
    if (!this.holds.release(watch)) return;
    this.ctx.readinessChanged();
    this.ctx.requestTick();
  }

  /**
   * An event touched a partition held by a walk: walk that partition alone now (not on the serial
   * chain; its findings are), then let it be grouped. A walk of 1,000,000 files takes a minute; a
   * file dropped meanwhile must not wait for it (issue 13: dirImportWait + 10 s).
   */
  walkPartitionFirst(watch: number, user: string, part: string): void {
    const w = this.ctx.watch(watch);
    // Flat: the watch walk reads one folder, nothing to gain.
    if (w.config.pathMode === "Flat" || !this.holds.claimWalk(watch, user, part)) return;
    const run = (async () => {
      let ok = false;
      const t0 = this.ctx.clock.now();
      let n = 0;
      try {
        const files = this.ctx.ledger.files;
        await walkWatchDirs(
          w.config,
          async (dir, walked) => {
            if (this.ctx.stopping()) throw new Error("the DropBox is stopping");
            const d = diffFiles(walked, files.knownIn(watch, dir, GONE_AFTER_IMPORT));
            const paths = [...d.changed, ...d.gone];
            n += paths.length;
            await this.observeWalked(watch, paths);
          },
          partitionWalk(userRootOf(w, user), part),
        );
        ok = true;
      } catch (e) {
        if (!this.ctx.stopping())
          this.ctx.log.warn(
            `watch ${watch + 1}: walk of ${userRootOf(w, user)}/${part} ahead of the reconciliation failed (${e instanceof Error ? e.message : String(e)}); it waits for the reconciliation`,
          );
      } finally {
        this.holds.walked(watch, user, part, ok);
      }
      if (ok)
        this.ctx.log.info(
          `watch ${watch + 1}: ${userRootOf(w, user)}${part ? `/${part}` : ""} walked ahead of the reconciliation (an event came): ${n} new or changed (${this.ctx.clock.now() - t0} ms)`,
        );
      this.ctx.readinessChanged();
      this.ctx.requestTick();
    })();
    this.ahead.add(run);
    void run.finally(() => this.ahead.delete(run));
  }

  /** What a walk found, observed on the serial chain in batches (events keep flowing between them). */
  private async observeWalked(watch: number, paths: string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += BATCH) {
      const part = paths.slice(i, i + BATCH);
      await this.ctx.serial(() => this.intake.observePaths(watch, part, "walk"));
    }
  }

  /** A walk has read a partition whole: grouped and judged from now on, not at the walk's end. */
  private partitionRead(watch: number, user: string, part: string): void {
    if (!this.holds.isHeld(watch, user, part)) return;
    this.holds.read(watch, user, part);
    this.ctx.readinessChanged();
    this.ctx.requestTick();
  }

  /** Walk one watch tree and feed what the ledger does not know (coalesces concurrent requests). */
  reconcileWatch(watch: number, why: string): Promise<number> {
    const cur = this.running.get(watch);
    if (cur) {
      cur.again = true;
      return cur.done;
    }
    const entry = { again: false, done: Promise.resolve(0) };
    entry.done = (async () => {
      let total = 0;
      try {
        this.hold(watch);
        for (let pass = 0; pass === 0 || (entry.again && !this.ctx.stopping()); pass++) {
          // Asked again while walking (a seq gap, a rescan notice): what the first pass read
          // before the request is read again before it is let through.
          if (pass > 0) this.holds.readAgain(watch);
          entry.again = false;
          total += await this.once(watch, why);
        }
      } finally {
        this.running.delete(watch);
        this.release(watch);
      }
      return total;
    })();
    this.running.set(watch, entry);
    return entry.done;
  }

  /**
   * Decide at start, before any monitor runs, which watches have no ledger history (their next
   * walk is their first): an event recorded before the walk must not make a new watch look known.
   */
  planFirstWalks(): void {
    for (const w of this.ctx.opts().watches) this.startFirstWalk(w.index);
  }

  /** A first walk starts (true) when the ledger has no history of this watch: see core/reconcile.ts isFirstWalk. */
  private startFirstWalk(watch: number): boolean {
    const fw = this.firstWalks.get(watch);
    if (fw && fw.endedMs === null) return true;
    if (fw) return false;
    const w = this.ctx.watch(watch);
    const walks = this.ctx.ledger.walks;
    const rec = walks.firstWalkOf(w.user, w.watchDir);
    if (!isFirstWalk({ recorded: rec.state, knownFiles: walks.knowsFilesUnder(w.watchDir) })) return false;
    // Wall time, compared with the files' mtimes: a resumed first walk keeps its first start's.
    const startedMs = rec.state === "started" ? rec.startedMs : Date.now();
    walks.started(w.user, w.watchDir, startedMs);
    this.firstWalks.set(watch, { startedMs, endedMs: null });
    this.ctx.log.info(
      `watch ${watch + 1}: ${rec.state === "started" ? "resuming the interrupted first walk" : "first walk"} of ${w.watchDir} (no ledger history): files already there are ${
        this.ctx.opts().existingFiles === "skip"
          ? "recorded as existing and not imported (omero.fs.existingFiles=skip)"
          : "imported (omero.fs.existingFiles=import)"
      }`,
    );
    return true;
  }

  /** Record the first walk as done (on the serial chain): later walks are not first, even after a restart. */
  private endFirstWalk(watch: number): void {
    const w = this.ctx.watch(watch);
    const n = this.ctx.ledger.walks.existingUnder(w.watchDir);
    this.ctx.ledger.walks.completed(w.user, w.watchDir, n, Date.now());
    this.firstWalks.set(watch, { startedMs: this.firstWalks.get(watch)?.startedMs ?? 0, endedMs: Date.now() });
    if (n > 0)
      this.ctx.log.warn(
        `watch ${watch + 1}: ${n.toLocaleString("en-US")} file(s) were already in ${w.watchDir} at the first walk and were not imported (omero.fs.existingFiles=skip); import them with: omero-fs dropbox import-existing [PATH]`,
      );
  }

  /** Test hook (OMERO_FS_TEST_DROPBOX_WALK_GATE): wait while the gate file exists and allows no more than `entered` folders. */
  private async walkGate(entered: number): Promise<void> {
    const gate = this.ctx.opts().walkGate;
    if (gate === null) return;
    const allowed = () => {
      try {
        return entered < Number(fs.readFileSync(gate, "utf8").trim() || "0");
      } catch {
        return true; // no gate file: the walk goes on
      }
    };
    while (!allowed() && !this.ctx.stopping()) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * One reconciliation, streamed: each directory's files are compared with the ledger rows
   * directly in it and the differences observed, on the serial chain, a directory at a time;
   * known files whose directory was not walked at all are found by paging through the ledger at
   * the end. Nothing proportional to the tree is held in memory but the set of walked directories.
   */
  private async once(watch: number, why: string): Promise<number> {
    const w = this.ctx.watch(watch);
    const files = this.ctx.ledger.files;
    const t0 = this.ctx.clock.now();
    const visited = new Set<string>();
    // Gone files are held back until the walk has found a file: a tree that walks empty while the
    // ledger knows files in it is an alarm (unmounted share), never a mass delete.
    let heldGone: string[] = [];
    let walkedFiles = 0;
    let changed = 0;
    let gone = 0;
    const observe = (paths: string[]) => this.observeWalked(watch, paths);
    // The first walk of a watch with no ledger history records what it finds as `existing`.
    const first = this.startFirstWalk(watch);
    const summary = await this.source(
      w.config,
      async (dir, walked, subdirs) => {
        if (this.ctx.opts().walkDirDelayMs > 0) await new Promise((r) => setTimeout(r, this.ctx.opts().walkDirDelayMs));
        await this.walkGate(visited.size);
        visited.add(dir);
        walkedFiles += walked.length;
        const d = diffFiles(walked, files.knownIn(watch, dir, GONE_AFTER_IMPORT));
        changed += d.changed.length;
        gone += d.gone.length;
        if (walkedFiles > 0 && heldGone.length > 0) {
          const held = heldGone;
          heldGone = [];
          await observe(held);
        }
        // Files seen and never grouped (a kill -9 between the two) are observed again: their
        // folder is grouped (not counted as changed: they are not).
        if (walkedFiles > 0) await observe([...d.changed, ...d.gone, ...d.regroup]);
        else for (const g of d.gone) heldGone.push(g);
        // A user's own files are read (no companion folder below): that partition need not wait.
        const user = subdirs ? rootPartitionListed(w, dir, subdirs) : null;
        if (user !== null) this.partitionRead(watch, user, "");
      },
      // Read whole: grouped and judged from now on, not at the walk's end.
      (dir) => {
        const left = partitionLeft(w, dir);
        if (left) this.partitionRead(watch, left.user, left.part);
      },
    );
    const alarm = watchAlarm({
      watchDir: w.watchDir,
      watchDirPresent: summary.present,
      walkedFiles,
      knownPresent: files.presentCount(watch, GONE_AFTER_IMPORT),
      unreadableDirs: summary.unreadableDirs.length,
    });
    if (alarm) {
      this.ctx.problems.once(`alarm:${watch}:${alarm}`, "error", `watch ${watch + 1}: ${alarm}`);
      // Not walked after all: the next walk (the folder is back) is the first one.
      if (first) this.firstWalks.delete(watch);
    } else {
      this.ctx.problems.forgetPrefix(`alarm:${watch}:`);
      if (heldGone.length > 0) await observe(heldGone);
      heldGone = [];
      // Known files in directories the walk never listed (deleted folders, now blacklisted ones):
      // paged by path so the ledger is never read whole and writes can run in between.
      let after = "";
      for (;;) {
        const rows = files.pageOf(watch, after, BATCH);
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.path;
        const lost: string[] = [];
        for (const { path: p, state, reason } of rows) {
          if (state === "imported" && reason === GONE_AFTER_IMPORT) continue;
          if (visited.has(p.slice(0, p.lastIndexOf("/")))) continue;
          if (underAny(p, summary.unreadableDirs)) continue;
          lost.push(p);
        }
        gone += lost.length;
        await observe(lost);
      }
    }
    if (first && !alarm) await this.ctx.serial(() => this.endFirstWalk(watch));
    for (const d of summary.unreadableDirs)
      this.ctx.problems.once(
        `unreadable:${d}`,
        "warn",
        `watch ${watch + 1}: ${summary.refused?.[d] ?? `cannot read ${d}`}`,
      );
    this.ctx.requestTick();
    const n = changed + gone;
    // A periodic walk that found nothing is routine; any other walk (start, scan, a gap) says it ran.
    this.ctx.log.log(
      n > 0 || why !== "periodic" ? "info" : "debug",
      `watch ${watch + 1}: reconciliation (${why}): ${summary.files} files on disk${summary.via ? ` (${summary.via})` : ""}, ${changed} new or changed, ${gone} gone (${this.ctx.clock.now() - t0} ms)`,
    );
    return n;
  }
}
