/**
 * One monitor: a watch of one tree with OMERO's parameters, made loss-proof (README "The
 * loss-proof pipeline"; docs/ARCHITECTURE.md, "MonitorServer pipeline"). This file chooses and
 * falls back between the sources; the sources (sources/) only report what they saw, and every
 * sighting is judged by one rule, compareWithKnown (core/compare.ts), against the known-set
 * (tracker.ts).
 *
 * - the native watcher (sources/watcher.ts; Linux one fs.watch per directory, elsewhere
 *   @parcel/watcher with its fast path) or, when it cannot work, poll (snapshot diffs): the source
 *   of truth; a new directory is watched, then listed, as soon as its event arrives;
 * - listings: when activity settles (or at least every settleMaxMs) every touched directory is
 *   listed again; after a stall, a large burst or a watcher error, the whole tree;
 * - catch-up at start: the snapshot of the last run against the tree now.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import type { Backend, EventBlock, MonitorParams } from "@omero-fs/protocol";
import { noteWork } from "./collect";
import { isCookieName, publishFilter, resolveBlacklist } from "./core/filters";
import { type MonitorOptions, resolveMonitorOptions, type ServerSettings } from "./core/options";
import { chooseBackend, defaultSnapshotKey, fastWindowFor } from "./core/policy";
import { ControlError, messageOf } from "./errors";
import { Publisher } from "./publisher";
import { SnapshotStore } from "./snapshot";
import { Cookies } from "./sources/cookie";
import { DirsWatcher } from "./sources/dirs-watcher";
import { ParcelWatcher } from "./sources/parcel-watcher";
import { PollSource } from "./sources/poll";
import type { EventOrigin, RawEvent, Watcher, WatcherHooks } from "./sources/watcher";
import { Tracker } from "./tracker";

/** What a monitor needs from its server: its settings (as configured) and where things go. */
export interface MonitorHost extends ServerSettings {
  logger: Logger;
  /** var/monitor: snapshots and markers. */
  snapshotDir: string;
  /** Publish one block (the server serialises sends). */
  send(block: EventBlock): void;
}

export class Monitor {
  state: "stopped" | "started" | "failed" = "stopped";
  backend: Backend | undefined;
  reason: string | null = null;
  readonly key: string;

  private readonly opts: MonitorOptions;
  private readonly watchDir: string;
  private readonly blacklist: string[];
  /** The known-set and the listings: every sighting goes through it. */
  private readonly t: Tracker;
  private readonly out: Publisher;
  private readonly store: SnapshotStore;
  /** The native backend (opened unless polling). */
  private readonly watcher: Watcher;
  private poll: PollSource | null = null;
  private rootMissing = false;
  private flushScheduled = false;
  private settleTimer: NodeJS.Timeout | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private timeoutTimer: NodeJS.Timeout | null = null;
  private recoverTimer: NodeJS.Timeout | null = null;
  private fastFlushTimer: NodeJS.Timeout | null = null;
  private lastFastFlushAt = 0;
  private extraIgnore: string[] = [];
  /** Folders too deep to enter (tracker.ts enter): parcel and the poll's snapshots keep out of them. */
  private readonly tooDeep = new Set<string>();
  /** Followed symlinks directly in the watch directory (user folders kept elsewhere). */
  private readonly linked = new Set<string>();
  private readonly cookies = new Cookies();
  private serialChain: Promise<unknown> = Promise.resolve();
  /** Incremented on every start/stop, so late timers of an old run are ignored. */
  private gen = 0;
  /** stop() is under way: its final comparison adds no watches. */
  private stopping = false;

  constructor(
    readonly id: string,
    readonly params: MonitorParams,
    private readonly host: MonitorHost,
  ) {
    this.opts = resolveMonitorOptions(host, params);
    this.watchDir = path.resolve(params.watchDir);
    this.blacklist = resolveBlacklist(this.watchDir, params.blacklist);
    this.key = params.snapshotKey ?? defaultSnapshotKey(params);
    this.t = new Tracker(id, this.watchDir, this.blacklist, params, host.logger, {
      emit: (ev) => this.out.add(ev),
      rescan: (reason, p) => this.out.rescan(reason, p),
      dirGone: (dir) => {
        this.linked.delete(dir);
        this.watcher.dirGone(dir);
      },
      newDirListed: (dir) => {
        this.watcher.newDir(dir, "listing");
        this.markNewDir(dir);
      },
      rootGone: () => this.rootGone(),
      linkedFolder: (link) => this.followLink(link),
      tooDeep: (dir) => this.tooDeep.add(dir),
    });
    this.out = new Publisher(id, publishFilter(params), params.blockSize, host.logger, host.send);
    this.store = new SnapshotStore(host.snapshotDir, this.key, (what, e) =>
      this.log.warn(`monitor ${this.id}: ${what}: ${messageOf(e)}`),
    );
    this.watcher = this.makeWatcher();
  }

  /** The native watcher this platform uses (core/policy.ts chooseWatcher), reporting here. */
  private makeWatcher(): Watcher {
    const hooks: WatcherHooks = {
      events: (events, origin) => {
        if (!this.stopping) this.onRaw(events, origin);
      },
      fastSighting: (dir, name) => this.onFast(dir, name),
      lost: () => {
        this.t.wantWholeTree();
        this.scheduleSettle();
      },
      selfChanged: (dir) => this.onDirSelfChanged(dir),
      unwatchable: (dir, why) => this.unwatchable(dir, why),
      relist: (dirs) => this.relist(dirs),
      error: (err) => this.onWatcherError(err),
      log: (level, m) => this.log[level](`monitor ${this.id}: ${m}`),
    };
    const { timings } = this.opts;
    if (this.opts.watcher === "dirs")
      return new DirsWatcher(this.watchDir, hooks, this.opts.pollIntervalMs, timings.maxDirWatches);
    return new ParcelWatcher(this.watchDir, hooks, {
      ignore: () => [...this.ignore, ...this.tooDeep],
      inScope: (p) => this.t.inScope(p),
      fastWatchDirs: timings.fastWatchDirs,
      delayMs: timings.nativeDelayMs,
    });
  }

  /** Last published seq. */
  get seq(): number {
    return this.out.seq;
  }
  get eventsPublished(): number {
    return this.out.eventsPublished;
  }
  get rescansPublished(): number {
    return this.out.rescansPublished;
  }
  /** Parts of the tree not watched in this run, with why. */
  refused(): { path: string; reason: string }[] {
    return this.t.refused();
  }

  private get log(): Logger {
    return this.host.logger;
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
      this.reason = null;
      const st = fs.statSync(this.watchDir, { throwIfNoEntry: false });
      if (!st?.isDirectory()) {
        throw new ControlError("BAD_DIRECTORY", `watchDir ${this.watchDir} does not exist or is not a directory`);
      }
      this.rootMissing = false;
      this.stopping = false;

      // a. Baseline: what is there now is accounted for (not published).
      this.t.baseline();

      // b. Catch-up since the snapshot of the last run (stop, shutdown or the periodic one).
      const marker = this.store.readMarker();
      if (this.store.hasSnapshot()) {
        this.t.catchUp(this.store.snapshotFile, marker);
      } else if (marker) {
        this.log.warn(
          `monitor ${this.id}: no snapshot for key ${this.key} after an unclean stop; publishing a rescan notice`,
        );
        this.out.rescan("no snapshot after unclean stop", this.watchDir);
      }
      this.writeMarker(true);
      // What the catch-up found goes out now: on a million files the watches and the listing
      // below take seconds more, and a file dropped while the system was down need not wait.
      this.flush();

      // c. Backend: native unless the file system sends no events; polling when native fails (auto).
      const choice = chooseBackend(this.opts.watchBackend, fsTypeOf(this.watchDir));
      this.backend = choice.backend;
      if (choice.backend === "poll") {
        this.log.warn(
          `monitor ${this.id}: POLLING ${this.watchDir} every ${this.opts.pollIntervalMs} ms: ${choice.why}`,
        );
      } else {
        try {
          await this.openWatcher();
        } catch (e) {
          const why = messageOf(e);
          if (this.opts.watchBackend !== "auto") {
            this.state = "failed";
            this.reason = `native watch failed: ${why}`;
            this.log.error(`monitor ${this.id}: ${this.reason}`);
            throw new ControlError("INTERNAL", `cannot watch ${this.watchDir}: ${why}`, { cause: e });
          }
          this.backend = "poll";
          this.reason = `native watch failed (${why}); polling`;
          this.log.warn(
            `monitor ${this.id}: NATIVE WATCH FAILED on ${this.watchDir}: ${why}; FALLING BACK TO POLLING every ${this.opts.pollIntervalMs} ms`,
          );
        }
      }
      // The next catch-up's starting point: seconds on a million files, so written in the
      // background (a stop's or a periodic write replaces it), except when polling diffs against it.
      if (this.backend === "poll") await this.writeSnapshot();
      else void this.writeSnapshot();

      // d. What changed between the baseline walk and the watch being in place.
      this.t.list(this.watchDir, true, true);
      this.state = "started";
      this.startSources();
      this.snapshotTimer = setInterval(() => void this.periodicSnapshot(gen), this.opts.timings.snapshotEveryMs);
      if (this.opts.timeoutMs > 0) {
        this.timeoutTimer = setTimeout(() => {
          this.log.info(`monitor ${this.id}: timeout of ${this.params.timeout} s reached (one-shot); stopping`);
          void this.stop().catch((e) =>
            this.log.error(`monitor ${this.id}: stop after timeout failed: ${messageOf(e)}`),
          );
        }, this.opts.timeoutMs);
      }
      this.log.info(
        `monitor ${this.id} started: ${this.watchDir} (${this.params.pathMode}, backend ${this.backend}, ${this.t.knownCount} entries known, key ${this.key})`,
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
      this.stopping = true;
      this.clearTimers();
      this.poll?.stop();
      await this.poll?.settled();
      this.poll = null;
      await this.watcher.close();
      // Snapshot first, then compare the tree with what we published: a change in between is
      // published now and reported again by the next catch-up (twice, never lost).
      if (!this.rootMissing && fs.existsSync(this.watchDir)) {
        await this.writeSnapshot();
        this.t.list(this.watchDir, true, true);
      }
      this.flush();
      this.writeMarker(false);
      this.cookies.releaseAll();
      this.state = "stopped";
      this.stopping = false;
      this.log.info(`monitor ${this.id} stopped: ${this.watchDir} (last seq ${this.seq})`);
    });
  }

  private clearTimers(): void {
    for (const t of [this.settleTimer, this.timeoutTimer, this.recoverTimer, this.fastFlushTimer])
      if (t) clearTimeout(t);
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.settleTimer = this.timeoutTimer = this.recoverTimer = this.snapshotTimer = this.fastFlushTimer = null;
  }

  /** The native watcher on the watch directory and every known directory it descends into. */
  private async openWatcher(): Promise<void> {
    await this.watcher.open(this.watchableDirs());
    this.log.info(
      `monitor ${this.id}: watching ${this.watchDir} (${this.watcher.description}; ${this.watcher.size} watches)`,
    );
  }

  /** After the start's walk: polling, or the watcher's fast path and the followed links. */
  private startSources(): void {
    if (this.backend === "poll") {
      this.startPolling();
      return;
    }
    this.watcher.started(this.watchableDirs());
    for (const link of this.linked) this.followLink(link);
  }

  private watchableDirs(): string[] {
    return this.t.knownDirs().filter((d) => d === this.watchDir || this.watchable(d));
  }

  private watchable(d: string): boolean {
    return this.t.isKnownDir(d) && this.t.inScope(d) && this.t.descendInto(d);
  }

  /** An unreadable subdirectory: left out, said so, the rest is watched. */
  private unwatchable(dir: string, why: string): void {
    if (!this.extraIgnore.includes(dir)) this.extraIgnore.push(dir);
    this.log.warn(`monitor ${this.id}: cannot watch ${dir} (${why}); watching the rest of the tree`);
    this.t.recordRefused(dir, `cannot watch: ${why}`);
    if (why === "Permission denied") this.out.rescan(`permission denied: ${why}`, dir);
  }

  /** Directories without a watch (out of inotify watches): listed instead, every pollInterval. */
  private relist(dirs: string[]): void {
    if (this.state !== "started" || this.rootMissing || this.stopping) return;
    for (const d of dirs) if (d === this.watchDir || this.watchable(d)) this.t.list(d, false, true);
    this.flush();
  }

  /**
   * A watched directory itself was deleted, moved or replaced (its watch follows the old inode):
   * the path is judged again, as gone and then as whatever is there now (a directory there is
   * new: watched, listed). The watch directory itself: waited for, as when it is deleted.
   */
  private onDirSelfChanged(dir: string): void {
    if (this.state !== "started" || this.stopping) return;
    if (dir === this.watchDir) {
      this.rootGone();
      return;
    }
    this.watcher.dirGone(dir);
    this.onRaw(
      [
        { path: dir, type: "delete" },
        { path: dir, type: "create" },
      ],
      "single",
    );
  }

  private startPolling(): void {
    this.poll?.stop();
    const ignore = () => [...this.ignore, ...this.tooDeep];
    this.poll = new PollSource(this.watchDir, this.store.snapshotFile, ignore, this.opts.pollIntervalMs, {
      events: (events) => {
        this.onRaw(events, "poll");
        // Listing the directories the diff touched also covers a change that raced the snapshots.
        this.verifyNow();
      },
      rootMissing: () => this.rootGone(),
      failed: (why) => this.log.warn(`monitor ${this.id}: poll of ${this.watchDir} failed: ${why}`),
    });
    this.poll.start();
  }

  /** The native watcher could not be (re)opened: poll from now on. */
  private fallBackToPolling(e: unknown): void {
    this.log.error(`monitor ${this.id}: resubscribe failed (${messageOf(e)}); polling instead`);
    this.backend = "poll";
    this.reason = `native watch failed (${messageOf(e)}); polling`;
  }

  /** A watcher error: rescan notice, resubscribe (or poll when that fails), compare the whole tree. */
  private onWatcherError(err: Error): void {
    const gen = this.gen;
    this.log.error(
      `monitor ${this.id}: watcher error on ${this.watchDir}: ${err.message}; resubscribing and rescanning`,
    );
    this.out.rescan(`watcher error: ${err.message}`, this.watchDir);
    this.flush();
    void this.serial(async () => {
      if (gen !== this.gen || this.state !== "started") return;
      await this.watcher.close();
      try {
        await this.openWatcher();
      } catch (e) {
        this.fallBackToPolling(e);
      }
      this.startSources();
      this.t.wantWholeTree();
      this.verifyNow();
    });
  }

  // ---------------------------------------------------------------- sightings in

  /** Events of the native watcher (its own watches or a supplement) or of a poll diff. */
  private onRaw(events: RawEvent[], origin: EventOrigin | "poll"): void {
    if (this.state !== "started" && origin !== "poll") return;
    noteWork(events.length);
    const now = Date.now();
    // Every raw event counts (a burst near the inotify queue's size may have overflowed it).
    this.t.noteRaw(events.length, now);
    for (const ev of events) {
      const p = ev.path;
      const name = path.basename(p);
      if (isCookieName(name)) {
        if (ev.type !== "delete") this.cookies.seen(name);
        continue;
      }
      if (p === this.watchDir) {
        if (ev.type === "delete") this.rootGone();
        continue;
      }
      if (!this.t.inScope(p)) continue;
      // A new (or moved-in) directory: watched (unless its watcher does already), then listed.
      if (this.t.sighting(p, ev.type, now) === "newDir" && this.t.enter(p)) {
        if (origin !== "poll") this.watcher.newDir(p, origin);
        this.markNewDir(p);
        this.t.list(p, true, true);
      }
    }
    // fs.watch events come one by one, without parcel's debounce: the fast path's block window
    // coalesces them (a create+delete of a temporary file is nothing) and grows under a burst.
    if (origin === "single") this.scheduleFastFlush();
    else this.scheduleFlush();
    if (origin !== "poll") this.scheduleSettle();
  }

  /** A fast-path sighting (parcel): an entry of `dir` appeared or went; only files are judged. */
  private onFast(dir: string, name: string): void {
    if (this.state !== "started" || this.rootMissing) return;
    if (isCookieName(name) || name.includes("\uFFFD")) return;
    const v = this.t.fastSighting(dir, name, Date.now());
    if (v === null) return;
    this.scheduleSettle();
    if (v === "create" || v === "replace" || v === "delete") this.scheduleFastFlush();
  }

  // ---------------------------------------------------------------- listings

  private scheduleSettle(): void {
    if (this.settleTimer) return;
    this.settleTimer = setTimeout(() => this.onSettleTimer(), this.opts.timings.settleQuietMs);
  }

  private onSettleTimer(): void {
    this.settleTimer = null;
    if (this.state !== "started") return;
    const d = this.t.settle(Date.now(), this.opts.timings);
    if (d.kind === "wait") {
      this.settleTimer = setTimeout(() => this.onSettleTimer(), d.ms);
      return;
    }
    if (d.full) this.t.wantWholeTree();
    this.verifyNow();
  }

  /** List every touched directory (or the whole tree) and publish what the watcher missed. */
  private verifyNow(): void {
    if (this.rootMissing) return;
    this.t.verify();
    this.flush();
  }

  /** The process was stalled: the kernel queue may have overflowed. */
  noteStall(ms: number): void {
    if (this.state !== "started" || this.backend !== "native") return;
    this.log.warn(
      `monitor ${this.id}: MonitorServer was stalled for ${(ms / 1000).toFixed(1)} s; events may have been lost (inotify queue overflow): verifying the whole tree`,
    );
    this.out.rescan(`stalled for ${(ms / 1000).toFixed(1)} s: events may have overflowed`, this.watchDir);
    this.t.noteStall(Date.now());
    this.scheduleSettle();
  }

  /** A followed symlink to a folder: the watcher watches through it (parcel does not follow links). */
  private followLink(link: string): void {
    this.linked.add(link);
    this.watcher.followLink(link, () => this.t.knownDirs().filter((d) => d.startsWith(`${link}/`)));
  }

  /** A directory found new: list it again when activity settles (its watch may have lost events). */
  private markNewDir(p: string): void {
    if (this.state !== "started" || this.stopping) return;
    this.t.touchDir(p, Date.now());
    this.scheduleSettle();
  }

  /** Flush after the fast path's block window (a watcher batch flushing first is fine too). */
  private scheduleFastFlush(): void {
    if (this.fastFlushTimer || this.flushScheduled) return;
    const ms = fastWindowFor(Date.now(), this.lastFastFlushAt, this.opts.timings);
    this.fastFlushTimer = setTimeout(() => {
      this.fastFlushTimer = null;
      this.lastFastFlushAt = Date.now();
      if (this.state === "started") this.flush();
    }, ms);
  }

  // ---------------------------------------------------------------- watch dir gone

  private rootGone(): void {
    if (this.rootMissing || this.state !== "started") return;
    this.rootMissing = true;
    const gen = this.gen;
    this.log.warn(`monitor ${this.id}: the watch directory ${this.watchDir} was deleted or moved; waiting for it`);
    this.t.forget();
    this.out.rescan("the watch directory was deleted or moved away", this.watchDir);
    this.flush();
    this.poll?.stop();
    void this.watcher.close();
    const check = () => {
      this.recoverTimer = null;
      if (gen !== this.gen) return;
      if (fs.statSync(this.watchDir, { throwIfNoEntry: false })?.isDirectory()) void this.recover(gen);
      else this.recoverTimer = setTimeout(check, this.opts.rootCheckMs);
    };
    this.recoverTimer = setTimeout(check, this.opts.rootCheckMs);
  }

  private recover(gen: number): Promise<void> {
    return this.serial(async () => {
      if (gen !== this.gen || this.state !== "started") return;
      this.log.warn(`monitor ${this.id}: the watch directory ${this.watchDir} is back; watching it again`);
      if (this.backend === "native") {
        try {
          await this.openWatcher();
        } catch (e) {
          this.fallBackToPolling(e);
        }
      }
      if (this.backend === "poll") await this.writeSnapshot();
      this.rootMissing = false;
      this.t.forget();
      this.t.list(this.watchDir, true, true);
      this.startSources();
      this.flush();
    });
  }

  // ---------------------------------------------------------------- sync barrier

  /** Watchman-style cookie: returns the seq once every earlier change has been published. */
  async sync(): Promise<number> {
    if (this.state !== "started") return this.seq;
    if (this.rootMissing) throw new ControlError("INTERNAL", `sync: the watch directory ${this.watchDir} is missing`);
    await this.cookies.roundTrip(this.watchDir, this.opts.timings.syncTimeoutMs, () => {
      if (this.backend === "poll") void this.poll?.pollNow();
    });
    if (this.state === "started") this.verifyNow();
    return this.seq;
  }

  // ---------------------------------------------------------------- events out

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.fastFlushTimer) {
      clearTimeout(this.fastFlushTimer);
      this.fastFlushTimer = null;
    }
    this.out.flush();
  }

  // ---------------------------------------------------------------- snapshots

  private writeSnapshot(): Promise<void> {
    return this.store.writeSnapshot(this.watchDir, this.ignore);
  }

  private async periodicSnapshot(gen: number): Promise<void> {
    if (gen !== this.gen || this.state !== "started" || this.rootMissing) return;
    // Polling keeps the snapshot current already.
    if (this.backend === "native") await this.writeSnapshot();
    this.writeMarker(true);
  }

  private writeMarker(running: boolean): void {
    this.store.writeMarker({ watchDir: this.watchDir, running, dirs: this.t.knownDirs() });
  }
}

/** statfs f_type of a path, or null when unknown. */
export function fsTypeOf(p: string): number | null {
  try {
    return fs.statfsSync(p).type;
  } catch {
    return null;
  }
}
