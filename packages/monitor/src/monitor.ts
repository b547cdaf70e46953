/**
 * One monitor: a watch of one tree with OMERO's parameters, made loss-proof (README "Pipeline").
 *
 * 1. The watcher's events (@parcel/watcher subscribe, or snapshot diffs when polling) are
 *    checked against a known-set of paths, coalesced and published at once.
 * 2. A new directory is listed as soon as its event arrives (the watcher adds its watch before
 *    telling us, so the listing plus later events cover it); a moved-in tree is walked.
 * 3. When activity settles (or at least every settleMaxMs), every touched directory is listed
 *    again and what the watcher missed is published; after a stall, a large burst or a watcher
 *    error the whole tree is compared with the known-set instead.
 * 4. Fast path: a non-recursive fs.watch (no debounce) on the watch directory and recently
 *    active directories publishes a new file within fastWindowMs instead of the watcher's
 *    50-500 ms batches; the known-set makes the watcher's later report of it a no-op.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import type { Backend, EventBlock, EventType, FsEvent, MonitorParams, RescanNotice } from "@omero-fs/protocol";
import * as parcel from "@parcel/watcher";
import { buildBlocks, MAX_BLOCK_EVENTS } from "./blocking";
import { PendingEvents } from "./coalesce";
import { noteWork } from "./collect";
import { ControlError, errnoOf, messageOf } from "./errors";
import {
  COOKIE_PREFIX,
  descendInto,
  inScope,
  isCookieName,
  type PublishFilter,
  publishFilter,
  resolveBlacklist,
  type Scope,
  shouldPublish,
} from "./filters";
import { fastActionFor, fastWatchBudget, parseMaxUserWatches, RecentDirs } from "./fastpath";
import { KnownTree } from "./known";
import { readSnapshot } from "./snapshot";
import {
  chooseBackend,
  defaultSnapshotKey,
  fastWindowFor,
  LogBudget,
  type PipelineTimings,
  settleDecision,
} from "./policy";

/** What a monitor needs from its server. */
export interface MonitorHost {
  logger: Logger;
  /** var/monitor: snapshots and markers. */
  snapshotDir: string;
  watchBackend: "auto" | "native" | "poll";
  pollIntervalMs: number;
  timings: PipelineTimings;
  /** Publish one block (the server serialises sends). */
  send(block: EventBlock): void;
}

type RawEvent = { path: string; type: "create" | "update" | "delete" };

interface Marker {
  watchDir: string;
  running: boolean;
  dirs: string[];
}

const MAX_LOGGED_EVENTS = 20;
/** Watcher events handled in one turn of the event loop (onNative). */
const RAW_SLICE = 2000;
/**
 * Per-event INFO lines a second. A trickle is logged event by event; in a burst the fast path
 * makes many small blocks, and one line per event would cost more CPU than the events.
 */
const EVENT_LINES_PER_SECOND = 200;

export class Monitor {
  state: "stopped" | "started" | "failed" = "stopped";
  seq = 0;
  backend: Backend | undefined;
  reason: string | null = null;
  readonly key: string;
  readonly destroyed = false;

  private readonly watchDir: string;
  private readonly blacklist: string[];
  private readonly pf: PublishFilter;
  private readonly known: KnownTree;
  private scope: Scope;
  private readonly pending = new PendingEvents();
  private pendingRescan: RescanNotice | null = null;
  private readonly dirty = new Set<string>();
  private rawCount = 0;
  private lastRawAt = 0;
  private firstDirtyAt = 0;
  private needFull = false;
  private rootMissing = false;
  private flushScheduled = false;
  private settleTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private timeoutTimer: NodeJS.Timeout | null = null;
  private recoverTimer: NodeJS.Timeout | null = null;
  private sub: parcel.AsyncSubscription | null = null;
  private extraIgnore: string[] = [];
  private readonly cookies = new Map<string, () => void>();
  private serialChain: Promise<unknown> = Promise.resolve();
  private pollChain: Promise<void> = Promise.resolve();
  /** Incremented on every start/stop, so late callbacks of an old run are ignored. */
  private gen = 0;
  private readonly noticed = new Set<string>();
  /**
   * fs.watch on directories found by a listing whose creation the watcher has not reported: the
   * watcher only adds a watch when it sees a directory's own create event, so a directory made
   * inside a new directory before that one's watch existed (cp -r, mkdir -p) or below a moved-in
   * tree is never watched by it. Closed once the watcher proves it watches the directory.
   */
  private readonly supplements = new Map<string, fs.FSWatcher>();
  /** Fast path: fs.watch per directory (watchDir always, others least-recently-active). */
  private readonly fastWatches = new Map<string, fs.FSWatcher>();
  private fastRecent = new RecentDirs(0);
  private fastFlushTimer: NodeJS.Timeout | null = null;
  /** fs.watch failed for lack of watches or descriptors: add no more until the next start. */
  private fastFull = false;
  private lastFastFlushAt = 0;
  /** stop() is under way: its final comparison adds no watches. */
  private stopping = false;
  private readonly eventLines = new LogBudget(EVENT_LINES_PER_SECOND);
  /** Watcher batches (or their rest) waiting to be handled in slices (onNative). */
  private rawQueue: { events: RawEvent[]; next: number }[] = [];
  private rawDraining = false;

  constructor(
    readonly id: string,
    readonly params: MonitorParams,
    private readonly host: MonitorHost,
  ) {
    this.watchDir = path.resolve(params.watchDir);
    this.blacklist = resolveBlacklist(this.watchDir, params.blacklist);
    this.pf = publishFilter(params);
    this.known = new KnownTree(this.watchDir);
    this.key = params.snapshotKey ?? defaultSnapshotKey(params);
    this.scope = this.makeScope(new Set());
  }

  private get log(): Logger {
    return this.host.logger;
  }

  private makeScope(startDirs: ReadonlySet<string>, pathMode = this.params.pathMode): Scope {
    return {
      watchDir: this.watchDir,
      pathMode,
      blacklist: this.blacklist,
      ignoreSysFiles: this.params.ignoreSysFiles,
      startDirs,
    };
  }

  private get snapshotFile(): string {
    return path.join(this.host.snapshotDir, `${this.key}.snapshot`);
  }
  private get markerFile(): string {
    return path.join(this.host.snapshotDir, `${this.key}.json`);
  }
  private get ignore(): string[] {
    return [...this.blacklist, ...this.extraIgnore];
  }

  /** Run start/stop one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serialChain.then(fn, fn);
    this.serialChain = next.catch(() => undefined);
    return next;
  }

  // ---------------------------------------------------------------- lifecycle

  start(): Promise<void> {
    return this.serial(async () => {
      if (this.state === "started") return;
      const gen = ++this.gen;
      this.rawQueue = [];
      this.rawDraining = false;
      this.reason = null;
      const st = fs.statSync(this.watchDir, { throwIfNoEntry: false });
      if (!st?.isDirectory()) {
        throw new ControlError("BAD_DIRECTORY", `watchDir ${this.watchDir} does not exist or is not a directory`);
      }
      this.rootMissing = false;
      this.stopping = false;
      this.noticed.clear();
      this.dirty.clear();
      this.rawCount = 0;

      // a. Baseline: what is there now is accounted for; Recurse's start set is every directory.
      this.known.clear();
      this.scope = this.makeScope(new Set(), this.params.pathMode === "Recurse" ? "Follow" : this.params.pathMode);
      this.diffDir(this.watchDir, true, false);
      this.scope = this.makeScope(new Set(this.known.dirPaths()));

      // b. Catch-up since the snapshot of the last run (stop, shutdown or the periodic one).
      const marker = this.readMarker();
      if (fs.existsSync(this.snapshotFile)) {
        await this.catchUp(marker);
      } else if (marker) {
        this.log.warn(
          `monitor ${this.id}: no snapshot for key ${this.key} after an unclean stop; publishing a rescan notice`,
        );
        this.rescan("no snapshot after unclean stop", this.watchDir);
      }
      this.writeMarker(true);

      // c. Backend.
      const choice = chooseBackend(this.host.watchBackend, fsTypeOf(this.watchDir));
      this.backend = choice.backend;
      if (choice.backend === "poll") {
        this.log.warn(
          `monitor ${this.id}: POLLING ${this.watchDir} every ${this.host.pollIntervalMs} ms: ${choice.why}`,
        );
      } else {
        try {
          await this.subscribe(gen);
        } catch (e) {
          const why = messageOf(e);
          if (this.host.watchBackend === "auto") {
            this.backend = "poll";
            this.reason = `native watch failed (${why}); polling`;
            this.log.warn(
              `monitor ${this.id}: NATIVE WATCH FAILED on ${this.watchDir}: ${why}; FALLING BACK TO POLLING every ${this.host.pollIntervalMs} ms`,
            );
          } else {
            this.state = "failed";
            this.reason = `native watch failed: ${why}`;
            this.log.error(`monitor ${this.id}: ${this.reason}`);
            throw new ControlError("INTERNAL", `cannot watch ${this.watchDir}: ${why}`, { cause: e });
          }
        }
      }
      await this.writeSnapshot();

      // d. What changed between the baseline walk and the watch being in place.
      this.diffDir(this.watchDir, true, true);
      this.state = "started";
      if (this.backend === "poll") this.schedulePoll(gen);
      else this.startFast();
      this.snapshotTimer = setInterval(() => void this.periodicSnapshot(gen), this.host.timings.snapshotEveryMs);
      if (this.params.timeout > 0) {
        this.timeoutTimer = setTimeout(() => {
          this.log.info(`monitor ${this.id}: timeout of ${this.params.timeout} s reached (one-shot); stopping`);
          void this.stop().catch((e) =>
            this.log.error(`monitor ${this.id}: stop after timeout failed: ${messageOf(e)}`),
          );
        }, this.params.timeout * 1000);
      }
      this.log.info(
        `monitor ${this.id} started: ${this.watchDir} (${this.params.pathMode}, backend ${this.backend}, ${this.known.size} entries known, key ${this.key})`,
      );
      this.flush();
    });
  }

  stop(): Promise<void> {
    return this.serial(async () => {
      if (this.state !== "started") {
        if (this.state === "failed") this.state = "stopped";
        return;
      }
      this.gen++;
      this.rawQueue = [];
      this.rawDraining = false;
      this.stopping = true;
      this.clearTimers();
      this.closeSupplements();
      this.closeFast();
      await this.pollChain;
      await this.unsubscribe();
      // Snapshot first, then compare the tree with what we published: a change in between is
      // published now and reported again by the next catch-up (twice, never lost).
      if (!this.rootMissing && fs.existsSync(this.watchDir)) {
        await this.writeSnapshot();
        this.diffDir(this.watchDir, true, true);
      }
      this.flush();
      this.writeMarker(false);
      for (const [, resolve] of this.cookies) resolve();
      this.state = "stopped";
      this.stopping = false;
      this.log.info(`monitor ${this.id} stopped: ${this.watchDir} (last seq ${this.seq})`);
    });
  }

  private clearTimers(): void {
    for (const t of [this.settleTimer, this.pollTimer, this.timeoutTimer, this.recoverTimer, this.fastFlushTimer])
      if (t) clearTimeout(t);
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.settleTimer = this.pollTimer = this.timeoutTimer = this.recoverTimer = this.snapshotTimer = null;
    this.fastFlushTimer = null;
  }

  private async subscribe(gen: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.sub = await parcel.subscribe(
          this.watchDir,
          (err, events) => {
            if (gen !== this.gen) return;
            const handle = () => {
              if (gen !== this.gen) return;
              if (err) this.onWatcherError(err, gen);
              else this.onNative(events, gen);
            };
            if (this.host.timings.nativeDelayMs > 0) setTimeout(handle, this.host.timings.nativeDelayMs);
            else handle();
          },
          { ignore: this.ignore },
        );
        return;
      } catch (e) {
        // An unreadable subdirectory: leave it out, say so, watch the rest.
        const m = /inotify_add_watch on '(.*)' failed: (Permission denied|No such file or directory)/.exec(
          messageOf(e),
        );
        if (m && attempt < 50 && m[1] !== this.watchDir) {
          this.extraIgnore.push(m[1]);
          this.log.warn(`monitor ${this.id}: cannot watch ${m[1]} (${m[2]}); watching the rest of the tree`);
          if (m[2] === "Permission denied") this.rescan(`permission denied: ${m[2]}`, m[1]);
          continue;
        }
        throw e;
      }
    }
  }

  private async unsubscribe(): Promise<void> {
    const sub = this.sub;
    this.sub = null;
    if (sub) await sub.unsubscribe().catch((e) => this.log.warn(`monitor ${this.id}: unsubscribe: ${messageOf(e)}`));
  }

  private onWatcherError(err: Error, gen: number): void {
    this.log.error(
      `monitor ${this.id}: watcher error on ${this.watchDir}: ${err.message}; resubscribing and rescanning`,
    );
    this.rescan(`watcher error: ${err.message}`, this.watchDir);
    this.flush();
    void this.serial(async () => {
      if (gen !== this.gen || this.state !== "started") return;
      await this.unsubscribe();
      try {
        await this.subscribe(gen);
      } catch (e) {
        this.log.error(`monitor ${this.id}: resubscribe failed (${messageOf(e)}); polling instead`);
        this.backend = "poll";
        this.reason = `native watch failed (${messageOf(e)}); polling`;
        this.closeFast();
        this.schedulePoll(gen);
      }
      this.needFull = true;
      this.verifyNow();
    });
  }

  // ---------------------------------------------------------------- events in

  /**
   * A watcher batch. A large one (a burst: tens of thousands of events in one batch) is handled
   * in slices of RAW_SLICE events with a turn of the event loop between them, so blocks already
   * published leave the send queue and their garbage dies young, instead of one multi-second
   * synchronous pass that holds every block, inflates the heap and trips the stall detector.
   * Batches stay in order; a batch arriving while slices are pending waits behind them.
   */
  private onNative(events: RawEvent[], gen: number): void {
    if (this.rawQueue.length === 0 && events.length <= RAW_SLICE) {
      this.onRaw(events, "native");
      return;
    }
    this.rawQueue.push({ events, next: 0 });
    if (!this.rawDraining) this.drainRaw(gen);
  }

  private drainRaw(gen: number): void {
    this.rawDraining = true;
    const head = this.rawQueue[0];
    const slice = head.events.slice(head.next, head.next + RAW_SLICE);
    head.next += RAW_SLICE;
    if (head.next >= head.events.length) this.rawQueue.shift();
    this.onRaw(slice, "native");
    if (this.rawQueue.length === 0) {
      this.rawDraining = false;
      return;
    }
    setImmediate(() => {
      // Stopped (its final comparison covers the rest) or restarted: start/stop reset the queue.
      if (gen === this.gen) this.drainRaw(gen);
    });
  }

  /** Events from the watcher (subscribe batch or a poll diff). */
  private onRaw(events: RawEvent[], source: "native" | "poll" | "supplement"): void {
    const fromPoll = source === "poll";
    if (this.state !== "started" && !fromPoll) return;
    noteWork(events.length);
    const now = Date.now();
    let lastParent = "";
    for (const ev of events) {
      const p = ev.path;
      const name = path.basename(p);
      if (isCookieName(name)) {
        if (ev.type !== "delete") this.cookies.get(name)?.();
        continue;
      }
      if (p === this.watchDir) {
        if (ev.type === "delete") this.rootGone();
        continue;
      }
      if (!inScope(p, this.scope)) continue;
      this.rawCount++;
      const parent = path.dirname(p);
      if (source === "native" && this.supplements.size > 0) {
        this.confirm(parent);
        if (ev.type === "create") this.confirm(p);
      }
      if (this.dirty.size === 0) this.firstDirtyAt = now;
      this.dirty.add(parent);
      if (source === "native" && parent !== lastParent) {
        // Activity here: give the directory a fast watch (or keep it as most recent).
        lastParent = parent;
        this.fastTouch(parent);
      }
      if (ev.type === "delete") {
        if (this.known.has(p)) {
          const wasDir = this.known.isDir(p);
          this.known.remove(p);
          this.emit(p, "Delete", wasDir, false);
          if (wasDir) {
            this.unsupplementBelow(p);
            this.unfastBelow(p);
          }
        }
        continue;
      }
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(p, { throwIfNoEntry: false });
      } catch (e) {
        this.log.debug(`monitor ${this.id}: lstat ${p}: ${messageOf(e)}`);
      }
      if (!st) {
        if (p.includes("\uFFFD")) this.badName(parent);
        else if (this.known.has(p)) {
          const wasDir = this.known.isDir(p);
          this.known.remove(p);
          this.emit(p, "Delete", wasDir, false);
        }
        continue;
      }
      const isDir = st.isDirectory();
      const knownIno = this.known.inoOf(p);
      if (this.known.has(p) && this.known.isDir(p) === isDir && (knownIno === 0 || knownIno === st.ino)) {
        // Already accounted for (found by a listing first, or an update of a known file).
        if (knownIno === 0) this.known.add(p, isDir, st.ino);
        if (ev.type === "update" && !isDir) this.emit(p, "Modify", false, false);
        continue;
      }
      if (this.known.has(p)) {
        // Replaced (deleted and recreated within one watcher batch, which reports "update").
        const wasDir = this.known.isDir(p);
        this.known.remove(p);
        this.emit(p, "Delete", wasDir, false);
      }
      this.known.add(p, isDir, st.ino);
      this.emit(p, "Create", isDir, false);
      // A new (or moved-in) directory: list it now; its watch is already in place (or, when the
      // event came from a supplementary fs.watch, the watcher does not watch it: watch it too).
      if (isDir && descendInto(p, this.scope)) {
        if (source === "supplement") this.supplement(p);
        // A new directory with a fast watch from before (same name, deleted and made again)
        // watches a dead inode: renew it. Added before the listing, so nothing falls between.
        if (source === "native") {
          this.unfast(p);
          this.fastTouch(p);
        }
        this.markNewDir(p);
        this.diffDir(p, true, true);
      }
    }
    this.lastRawAt = now;
    this.scheduleFlush();
    if (!fromPoll) this.scheduleSettle();
  }

  /**
   * Publish what changed since the snapshot (catchUp: true), comparing the snapshot file, read
   * one entry at a time, with the known-set the baseline walk just built (as getEventsSince
   * would: a path in both is a Modify when both are files and the mtime differs; a path only in
   * the snapshot a Delete; a path only in the tree a Create). Memory: the per-directory counts
   * of a first pass, and the names of only those directories that gained entries in a second.
   */
  private async catchUp(marker: Marker | null): Promise<void> {
    const dirs = new Set(marker?.dirs ?? []);
    let n = 0;
    /** Known entries seen in the snapshot, per parent directory. */
    const seenIn = new Map<string, number>();
    try {
      for (const e of readSnapshot(this.snapshotFile)) {
        const p = e.path;
        if (p === this.watchDir || !inScope(p, this.scope)) continue;
        if (this.known.has(p)) {
          const parent = path.dirname(p);
          seenIn.set(parent, (seenIn.get(parent) ?? 0) + 1);
          if (!e.isDir && !this.known.isDir(p)) {
            const st = fs.lstatSync(p, { bigint: true, throwIfNoEntry: false });
            if (st && !st.isDirectory() && String(st.mtimeNs) !== e.mtime) {
              this.emit(p, "Modify", false, true);
              n++;
            }
          }
          continue;
        }
        this.emit(p, "Delete", e.isDir || dirs.has(p), true);
        n++;
      }
      // Directories holding entries the snapshot did not have: which ones, by name.
      const grown = new Map<string, Set<string>>();
      for (const d of this.known.dirPaths()) {
        const size = this.known.childCodes(d)?.size ?? 0;
        if (size > (seenIn.get(d) ?? 0)) grown.set(d, new Set());
      }
      seenIn.clear();
      if (grown.size > 0) {
        for (const e of readSnapshot(this.snapshotFile)) grown.get(path.dirname(e.path))?.add(path.basename(e.path));
        for (const [d, had] of grown) {
          const kids = this.known.childCodes(d);
          if (!kids) continue;
          const prefix = d === "/" ? "/" : `${d}/`;
          for (const [name, code] of kids) {
            if (had.has(name)) continue;
            const p = prefix + name;
            if (!fs.lstatSync(p, { throwIfNoEntry: false })) continue; // gone since: step d says so
            this.emit(p, "Create", code % 2 === 1, true);
            n++;
          }
        }
      }
    } catch (e) {
      this.log.warn(`monitor ${this.id}: cannot read snapshot ${this.snapshotFile}: ${messageOf(e)}; rescan notice`);
      this.rescan("snapshot unreadable", this.watchDir);
      return;
    }
    this.log.info(
      `monitor ${this.id}: catch-up since the snapshot of ${marker?.running ? "an unclean stop (periodic snapshot)" : "the last stop"}: ${n} changes`,
    );
  }

  // ---------------------------------------------------------------- verification

  private scheduleSettle(): void {
    if (this.settleTimer) return;
    this.settleTimer = setTimeout(() => this.onSettleTimer(), this.host.timings.settleQuietMs);
  }

  private onSettleTimer(): void {
    this.settleTimer = null;
    if (this.state !== "started") return;
    const d = settleDecision(Date.now(), this.lastRawAt, this.firstDirtyAt, this.rawCount, this.host.timings);
    if (d.kind === "wait") {
      this.settleTimer = setTimeout(() => this.onSettleTimer(), d.ms);
      return;
    }
    if (d.full) this.needFull = true;
    this.verifyNow();
  }

  /** List every touched directory (or the whole tree) and publish what the watcher missed. */
  private verifyNow(): void {
    if (this.rootMissing) return;
    const dirs = [...this.dirty];
    this.dirty.clear();
    this.rawCount = 0;
    if (!fs.existsSync(this.watchDir)) {
      this.rootGone();
      return;
    }
    if (this.needFull) {
      this.needFull = false;
      this.diffDir(this.watchDir, true, true);
    } else {
      for (const d of dirs) {
        if (d === this.watchDir || (this.known.isDir(d) && inScope(d, this.scope))) this.diffDir(d, false, true);
      }
    }
    this.flush();
  }

  /** The process was stalled: the kernel queue may have overflowed. */
  noteStall(ms: number): void {
    if (this.state !== "started" || this.backend !== "native") return;
    this.log.warn(
      `monitor ${this.id}: MonitorServer was stalled for ${(ms / 1000).toFixed(1)} s; events may have been lost (inotify queue overflow): verifying the whole tree`,
    );
    this.rescan(`stalled for ${(ms / 1000).toFixed(1)} s: events may have overflowed`, this.watchDir);
    this.needFull = true;
    this.lastRawAt = Date.now();
    if (this.dirty.size === 0) this.firstDirtyAt = this.lastRawAt;
    this.scheduleSettle();
  }

  /**
   * Compare one directory's listing with the known-set; new entries become Create (new
   * directories are walked), vanished ones Delete. deep: also recurse into known directories.
   */
  private diffDir(dir: string, deep: boolean, publish: boolean): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const code = errnoOf(e);
      if (code === "ENOENT" || code === "ENOTDIR") {
        if (dir === this.watchDir) {
          if (publish) this.rootGone();
        } else if (this.known.has(dir)) {
          this.known.remove(dir);
          if (publish) this.emit(dir, "Delete", true, false);
        }
        return;
      }
      if (!this.noticed.has(dir)) {
        this.noticed.add(dir);
        this.log.warn(`monitor ${this.id}: cannot list ${dir}: ${messageOf(e)}; rescan notice, watching the rest`);
        this.rescan(`cannot list directory: ${code ?? messageOf(e)}`, dir);
      }
      return;
    }
    noteWork(entries.length);
    // The known-set's own map (no copy: verifying 100,000 entries must not allocate 100,000).
    const kids = this.known.childCodes(dir);
    const seen = new Set<string>();
    const prefix = dir === "/" ? "/" : `${dir}/`;
    for (const de of entries) {
      const name = de.name;
      const p = prefix + name;
      if (!inScope(p, this.scope)) continue;
      if (name.includes("\uFFFD") && !fs.existsSync(p)) {
        this.badName(dir);
        continue;
      }
      seen.add(name);
      const isDir = de.isDirectory();
      const code = kids?.get(name);
      const was = code === undefined ? undefined : code % 2 === 1;
      if (was !== undefined && was !== isDir) {
        this.known.remove(p);
        if (publish) this.emit(p, "Delete", was, false);
      }
      if (was === undefined || was !== isDir) {
        this.known.add(p, isDir);
        if (publish) this.emit(p, "Create", isDir, false);
        if (isDir && descendInto(p, this.scope)) {
          if (publish) {
            this.supplement(p);
            this.markNewDir(p);
          }
          this.diffDir(p, true, publish);
        }
      } else if (isDir && deep && descendInto(p, this.scope)) {
        this.diffDir(p, true, publish);
      }
    }
    const now = this.known.childCodes(dir);
    if (now) {
      const gone: [string, boolean][] = [];
      for (const [name, c] of now) if (!seen.has(name)) gone.push([name, c % 2 === 1]);
      for (const [name, wasDir] of gone) {
        const p = prefix + name;
        this.known.remove(p);
        if (publish) this.emit(p, "Delete", wasDir, false);
        if (wasDir) {
          this.unsupplementBelow(p);
          this.unfastBelow(p);
        }
      }
    }
  }

  private unsupplementBelow(dir: string): void {
    for (const d of [...this.supplements.keys()]) if (d === dir || d.startsWith(`${dir}/`)) this.unsupplement(d);
  }

  private supplement(dir: string): void {
    if (this.backend !== "native" || this.supplements.has(dir) || this.state !== "started" || this.stopping) return;
    try {
      const w = fs.watch(dir, { persistent: false }, (type, name) => {
        if (name === null) {
          this.needFull = true;
          this.scheduleSettle();
          return;
        }
        const p = path.join(dir, name.toString());
        this.onRaw([{ path: p, type: type === "change" ? "update" : "create" }], "supplement");
      });
      w.on("error", () => this.unsupplement(dir));
      this.supplements.set(dir, w);
    } catch (e) {
      this.log.debug(`monitor ${this.id}: fs.watch ${dir}: ${messageOf(e)}`);
      this.needFull = true;
    }
  }

  private confirm(dir: string): void {
    if (this.supplements.has(dir)) this.unsupplement(dir);
  }

  private unsupplement(dir: string): void {
    this.supplements.get(dir)?.close();
    this.supplements.delete(dir);
  }

  private closeSupplements(): void {
    for (const w of this.supplements.values()) w.close();
    this.supplements.clear();
  }

  // ---------------------------------------------------------------- fast path

  /** Fast watches on the watch directory and, within the budget, every directory in scope. */
  private startFast(): void {
    this.closeFast();
    this.fastFull = false;
    if (this.backend !== "native" || this.host.timings.fastWatchDirs <= 0) return;
    let max: string | null = null;
    try {
      max = fs.readFileSync("/proc/sys/fs/inotify/max_user_watches", "utf8");
    } catch {
      // not Linux: the configured cap alone
    }
    const dirs = this.known.dirPaths().filter((d) => d !== this.watchDir && descendInto(d, this.scope));
    const budget = fastWatchBudget(this.host.timings.fastWatchDirs, parseMaxUserWatches(max), dirs.length + 1);
    this.fastRecent = new RecentDirs(Math.max(0, budget - 1));
    if (budget <= 0) {
      this.log.warn(`monitor ${this.id}: no inotify watches to spare for the fast path; events come in batches`);
      return;
    }
    this.fastAdd(this.watchDir);
    // Shallow directories first: with a tree larger than the budget, the top stays fast.
    dirs.sort((a, b) => depthOf(a) - depthOf(b));
    for (const d of dirs.slice(0, this.fastRecent.capacity)) this.fastTouch(d);
    this.log.info(
      `monitor ${this.id}: fast path on ${this.fastWatches.size} of ${dirs.length + 1} directories (budget ${budget})`,
    );
  }

  /** Mark a directory active: give it a fast watch, evicting the least recently active one. */
  private fastTouch(dir: string): void {
    if (dir === this.watchDir || this.backend !== "native" || this.state !== "started" || this.stopping) return;
    if (this.fastFull && !this.fastRecent.has(dir)) return;
    const { added, evicted } = this.fastRecent.touch(dir);
    if (evicted !== null) this.fastClose(evicted);
    if (added && !this.fastAdd(dir)) this.fastRecent.delete(dir);
  }

  private fastAdd(dir: string): boolean {
    if (this.fastWatches.has(dir)) return true;
    try {
      const w = fs.watch(dir, { persistent: false }, (type, name) => this.onFast(dir, type, name));
      w.on("error", () => this.unfast(dir));
      this.fastWatches.set(dir, w);
      return true;
    } catch (e) {
      const code = errnoOf(e);
      if (code === "ENOSPC" || code === "EMFILE" || code === "ENFILE") {
        if (!this.fastFull) {
          this.log.warn(
            `monitor ${this.id}: fast path limited to ${this.fastWatches.size} directories (${code}); the others get the watcher's batches`,
          );
        }
        this.fastFull = true;
      } else {
        this.log.debug(`monitor ${this.id}: fast watch ${dir}: ${messageOf(e)}`);
      }
      return false;
    }
  }

  private fastClose(dir: string): void {
    this.fastWatches.get(dir)?.close();
    this.fastWatches.delete(dir);
  }

  private unfast(dir: string): void {
    this.fastClose(dir);
    this.fastRecent.delete(dir);
  }

  private unfastBelow(dir: string): void {
    if (this.fastWatches.size === 0) return;
    for (const d of this.fastRecent.below(dir)) this.unfast(d);
  }

  private closeFast(): void {
    for (const w of this.fastWatches.values()) w.close();
    this.fastWatches.clear();
    this.fastRecent.clear();
  }

  /**
   * One fs.watch event. Only entries appearing or vanishing ("rename") are handled, and only
   * files: directories, modifications and cookies are the watcher's (it lists new directories
   * after adding their watch; its batching coalesces a long write's many IN_MODIFY).
   */
  private onFast(dir: string, type: string, name: string | Buffer | null): void {
    if (type !== "rename" || name === null || this.state !== "started" || this.rootMissing) return;
    const n = name.toString();
    if (isCookieName(n) || n.includes("\uFFFD")) return;
    const p = dir === "/" ? `/${n}` : `${dir}/${n}`;
    // Only inside directories the known-set holds: a new directory is the watcher's until it
    // has listed it (its files would otherwise be published before the directory itself).
    if (!inScope(p, this.scope) || (dir !== this.watchDir && !this.known.isDir(dir))) return;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(p, { throwIfNoEntry: false });
    } catch {
      return; // EACCES and the like: the watcher and the listing report it
    }
    const now = Date.now();
    if (this.dirty.size === 0) this.firstDirtyAt = now;
    this.dirty.add(dir);
    this.lastRawAt = now;
    this.scheduleSettle();
    if (dir !== this.watchDir && this.fastWatches.has(dir)) this.fastRecent.touch(dir);
    if (!st) {
      if (this.known.has(p) && !this.known.isDir(p)) {
        this.known.remove(p);
        this.emit(p, "Delete", false, false);
        this.scheduleFastFlush();
      }
      return;
    }
    const known = this.known.has(p);
    const action = fastActionFor(known, known && this.known.isDir(p), this.known.inoOf(p), st.ino, st.isDirectory());
    if (action === "none") return;
    if (action === "learnInode") {
      this.known.add(p, false, st.ino);
      return;
    }
    if (action === "replace") {
      this.known.remove(p);
      this.emit(p, "Delete", false, false);
    }
    this.known.add(p, false, st.ino);
    this.emit(p, "Create", false, false);
    this.scheduleFastFlush();
  }

  /** A directory found new: list it again when activity settles (its watch may have lost events). */
  private markNewDir(p: string): void {
    if (this.state !== "started" || this.stopping) return;
    if (this.dirty.size === 0) this.firstDirtyAt = Date.now();
    this.dirty.add(p);
    this.scheduleSettle();
  }

  /** Flush after the fast path's block window (a watcher batch flushing first is fine too). */
  private scheduleFastFlush(): void {
    if (this.fastFlushTimer || this.flushScheduled) return;
    const ms = fastWindowFor(Date.now(), this.lastFastFlushAt, this.host.timings);
    this.fastFlushTimer = setTimeout(() => {
      this.fastFlushTimer = null;
      this.lastFastFlushAt = Date.now();
      if (this.state === "started") this.flush();
    }, ms);
  }

  private badName(dir: string): void {
    const k = `badname:${dir}`;
    if (this.noticed.has(k)) return;
    this.noticed.add(k);
    this.log.warn(
      `monitor ${this.id}: skipping a name in ${dir} that is not valid UTF-8 (cannot be addressed as text)`,
    );
  }

  // ---------------------------------------------------------------- watch dir gone

  private rootGone(): void {
    if (this.rootMissing || this.state !== "started") return;
    this.rootMissing = true;
    const gen = this.gen;
    this.log.warn(`monitor ${this.id}: the watch directory ${this.watchDir} was deleted or moved; waiting for it`);
    this.known.clear();
    this.dirty.clear();
    this.closeSupplements();
    this.closeFast();
    this.rescan("the watch directory was deleted or moved away", this.watchDir);
    this.flush();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    void this.unsubscribe();
    const every = Math.min(500, this.host.pollIntervalMs);
    const check = () => {
      this.recoverTimer = null;
      if (gen !== this.gen) return;
      if (fs.statSync(this.watchDir, { throwIfNoEntry: false })?.isDirectory()) void this.recover(gen);
      else this.recoverTimer = setTimeout(check, every);
    };
    this.recoverTimer = setTimeout(check, every);
  }

  private recover(gen: number): Promise<void> {
    return this.serial(async () => {
      if (gen !== this.gen || this.state !== "started") return;
      this.log.warn(`monitor ${this.id}: the watch directory ${this.watchDir} is back; watching it again`);
      if (this.backend === "native") {
        try {
          await this.subscribe(gen);
        } catch (e) {
          this.log.error(`monitor ${this.id}: resubscribe failed (${messageOf(e)}); polling instead`);
          this.backend = "poll";
        }
      }
      if (this.backend === "poll") await this.writeSnapshot();
      this.rootMissing = false;
      this.known.clear();
      this.diffDir(this.watchDir, true, true);
      if (this.backend === "poll") this.schedulePoll(gen);
      else this.startFast();
      this.flush();
    });
  }

  // ---------------------------------------------------------------- polling

  private schedulePoll(gen: number): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      if (gen !== this.gen || this.state !== "started" || this.rootMissing) return;
      void this.pollNow().finally(() => {
        if (gen === this.gen && this.state === "started" && !this.rootMissing && !this.pollTimer)
          this.schedulePoll(gen);
      });
    }, this.host.pollIntervalMs);
  }

  /** One poll: diff the tree against the last snapshot (serialised). */
  private pollNow(): Promise<void> {
    const run = async () => {
      if (this.backend !== "poll" || this.rootMissing) return;
      if (!fs.statSync(this.watchDir, { throwIfNoEntry: false })?.isDirectory()) {
        this.rootGone();
        return;
      }
      // New snapshot first, then the diff against the old one: a change in between shows up
      // in this diff and maybe the next (dropped by the known-set), never in neither.
      const next = `${this.snapshotFile}.next`;
      try {
        await parcel.writeSnapshot(this.watchDir, next, { ignore: this.ignore });
        const events = await parcel.getEventsSince(this.watchDir, this.snapshotFile, { ignore: this.ignore });
        fs.renameSync(next, this.snapshotFile);
        this.onRaw(events, "poll");
        // Listing the directories the diff touched also covers a change that raced the snapshots.
        this.verifyNow();
      } catch (e) {
        this.log.warn(`monitor ${this.id}: poll of ${this.watchDir} failed: ${messageOf(e)}`);
      }
    };
    this.pollChain = this.pollChain.then(run, run);
    return this.pollChain;
  }

  // ---------------------------------------------------------------- sync barrier

  /** Watchman-style cookie: returns the seq once every earlier change has been published. */
  async sync(): Promise<number> {
    if (this.state !== "started") return this.seq;
    if (this.rootMissing) throw new ControlError("INTERNAL", `sync: the watch directory ${this.watchDir} is missing`);
    const name = `${COOKIE_PREFIX}${randomUUID()}`;
    const cookie = path.join(this.watchDir, name);
    let timer: NodeJS.Timeout | undefined;
    const seen = new Promise<void>((resolve, reject) => {
      this.cookies.set(name, resolve);
      timer = setTimeout(
        () =>
          reject(
            new ControlError("INTERNAL", `sync: cookie event not seen within ${this.host.timings.syncTimeoutMs} ms`),
          ),
        this.host.timings.syncTimeoutMs,
      );
    });
    try {
      fs.writeFileSync(cookie, "");
      if (this.backend === "poll") void this.pollNow();
      await seen;
    } finally {
      clearTimeout(timer);
      this.cookies.delete(name);
      fs.rmSync(cookie, { force: true });
    }
    if (this.state === "started") this.verifyNow();
    return this.seq;
  }

  // ---------------------------------------------------------------- events out

  private emit(p: string, type: EventType, isDir: boolean, catchUp: boolean): void {
    this.pending.add({ path: p, type, isDir, catchUp });
    // Bounded: a burst or a moved-in tree is published in blocks of MAX_BLOCK_EVENTS as it is
    // found, instead of holding every event (and one huge block) until the end of the batch.
    if (this.pending.size >= MAX_BLOCK_EVENTS) this.flush();
  }

  private rescan(reason: string, p: string): void {
    // One notice per flush: the widest path wins.
    if (!this.pendingRescan || p.length < this.pendingRescan.path.length) this.pendingRescan = { reason, path: p };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Publish everything pending as blocks of blockSize. */
  private flush(): void {
    if (this.fastFlushTimer) {
      clearTimeout(this.fastFlushTimer);
      this.fastFlushTimer = null;
    }
    const events: FsEvent[] = this.pending.drain().filter((e) => shouldPublish(e, this.pf));
    const rescan = this.pendingRescan;
    this.pendingRescan = null;
    noteWork(events.length);
    const blocks = buildBlocks(this.id, this.seq, events, rescan, this.params.blockSize);
    for (const b of blocks) {
      this.seq = b.seq;
      this.host.send(b);
      this.logBlock(b);
    }
  }

  private logBlock(b: EventBlock): void {
    const counts: Record<string, number> = {};
    for (const e of b.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
    const summary = Object.entries(counts)
      .map(([t, n]) => `${n} ${t}`)
      .join(", ");
    const catchUp = b.events.some((e) => e.catchUp) ? " (catch-up)" : "";
    const rescan = b.rescan ? ` rescan ${JSON.stringify(b.rescan.path)}: ${b.rescan.reason}` : "";
    this.log.info(`monitor ${this.id} block seq=${b.seq}: ${summary || "no events"}${catchUp}${rescan}`);
    const level =
      b.events.length <= MAX_LOGGED_EVENTS && this.eventLines.take(b.events.length, Date.now()) ? "info" : "debug";
    if (level === "debug" && !this.log.isDebugEnabled()) return;
    for (const e of b.events) this.log.log(level, `  ${e.type}${e.isDir ? " dir" : ""} ${JSON.stringify(e.path)}`);
  }

  // ---------------------------------------------------------------- snapshots

  private async writeSnapshot(): Promise<void> {
    const tmp = `${this.snapshotFile}.tmp`;
    try {
      await parcel.writeSnapshot(this.watchDir, tmp, { ignore: this.ignore });
      fs.renameSync(tmp, this.snapshotFile);
    } catch (e) {
      this.log.warn(`monitor ${this.id}: cannot write snapshot ${this.snapshotFile}: ${messageOf(e)}`);
    }
  }

  private async periodicSnapshot(gen: number): Promise<void> {
    if (gen !== this.gen || this.state !== "started" || this.rootMissing) return;
    // Polling keeps the snapshot current already.
    if (this.backend === "native") await this.writeSnapshot();
    this.writeMarker(true);
  }

  private readMarker(): Marker | null {
    try {
      return JSON.parse(fs.readFileSync(this.markerFile, "utf8")) as Marker;
    } catch {
      return null;
    }
  }

  private writeMarker(running: boolean): void {
    const m: Marker = { watchDir: this.watchDir, running, dirs: this.known.dirPaths() };
    try {
      fs.writeFileSync(`${this.markerFile}.tmp`, JSON.stringify(m));
      fs.renameSync(`${this.markerFile}.tmp`, this.markerFile);
    } catch (e) {
      this.log.warn(`monitor ${this.id}: cannot write ${this.markerFile}: ${messageOf(e)}`);
    }
  }

  /** Known entries (for tests and status). */
  get knownCount(): number {
    return this.known.size;
  }
}

function depthOf(p: string): number {
  let n = 0;
  for (let i = p.indexOf("/"); i !== -1; i = p.indexOf("/", i + 1)) n++;
  return n;
}

/** statfs f_type of a path, or null when unknown. */
export function fsTypeOf(p: string): number | null {
  try {
    return fs.statfsSync(p).type;
  } catch {
    return null;
  }
}
