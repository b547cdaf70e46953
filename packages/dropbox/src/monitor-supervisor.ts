/**
 * The DropBox's side of its MonitorServers (docs/ARCHITECTURE.md, "Processes" and "Watch
 * folders"): one link per MonitorServer (monitor-links.ts), one monitor per watch, the event blocks
 * they publish (blocks.ts), and their supervision: connect at start (a remote one only for a
 * while, then degraded), a health check that notices a restarted or silent MonitorServer and
 * re-creates its monitors, the `sync` barrier, and the watch folders that come and go
 * (watches.ts). The start-up (server.ts) and the control methods (control-methods.ts) use it
 * through its public methods only.
 */
import type { Logger, OmeroFsConfig, OnceLog, WatchConfig } from "@omero-fs/config";
import { ControlError, type EventBlock, type RemoteMonitor } from "@omero-fs/protocol";
import { EventBlocks } from "./blocks";
import { blockToLocal } from "./core/path-map";
import type { WatchChange } from "./core/watch-plan";
import type { Engine } from "./engine";
import type { HealthProblems } from "./health";
import { type LinkEntry, MonitorLinks } from "./monitor-links";
import type { DropBoxOptions } from "./options";
import { remoteTreeSource } from "./remote-tree";
import { WatchLifecycle } from "./watches";

/** A watch whose monitor cannot start (directory missing) is retried this often. */
const START_RETRY_MS = 5000;
/**
 * How long the start waits for a remote MonitorServer before going on without it (degraded; its
 * watches are reconciled through the mount and their monitors started when it answers).
 */
const REMOTE_CONNECT_MS = 5000;
/** How long `stop` gives the MonitorServers to destroy this DropBox's monitors (they write their snapshots). */
const RELEASE_MS = 1500;

export interface MonitorSupervisorDeps {
  /** The config now (a reload replaces its watches); the global part is the one the process started with. */
  config(): OmeroFsConfig;
  /** The options now (a reload replaces them). */
  opts(): DropBoxOptions;
  home: string;
  log: Logger;
  problems: OnceLog;
  health: HealthProblems;
  engine: Pick<
    Engine,
    | "serial"
    | "applyBlock"
    | "reconcileWatch"
    | "regroupWatch"
    | "retireWaiting"
    | "useTreeSource"
    | "useHearing"
    | "heardFrom"
    | "silentFrom"
  >;
  /** The start-up is done (the drop-blocks test hook counts from then). */
  ready(): boolean;
  /** The DropBox is stopping: nothing new is started, waits end. */
  stopped(): boolean;
}

export class MonitorSupervisor {
  /** Blocks in order, seqs, the backlog and the `sync` barrier (blocks.ts). */
  private readonly blocks: EventBlocks;
  /** One link per MonitorServer the watches need (monitor-links.ts). */
  private readonly links: MonitorLinks;
  /** Missing watch folders, and the watches a reload adds, removes or re-creates (watches.ts). */
  private readonly watches: WatchLifecycle;
  /** Watch index -> last failed monitor start (retried every START_RETRY_MS, logged once per reason). */
  private readonly startFailed = new Map<number, { at: number; reason: string }>();
  /**
   * A health check or a reload is changing monitors: one at a time. A reload waiting for the lock
   * gets it before the next health check (a health check of a silent MonitorServer takes its
   * ping's whole second, and one starts every second: a polling waiter would starve).
   */
  private locked = false;
  private readonly waiting: (() => void)[] = [];
  /** Test hook: event blocks still to discard on receipt. */
  private blocksToDrop: number;

  constructor(private readonly d: MonitorSupervisorDeps) {
    this.blocksToDrop = d.opts().dropBlocks;
    this.blocks = new EventBlocks({
      log: d.log,
      engine: d.engine,
      backlogPaths: () => d.opts().backlogPaths,
      applyDelayMs: () => d.opts().applyBlockDelayMs,
    });
    this.watches = new WatchLifecycle(
      {
        startMonitor: (i) => this.startWatch(i),
        hasMonitor: (i) => this.blocks.monitorOf(i) !== undefined,
        releaseMonitor: (i) => this.releaseWatch(i),
        reconcile: (i, why) => d.engine.reconcileWatch(i, why),
        regroup: (i) => d.engine.regroupWatch(i),
        retireWaiting: (i, why) => d.engine.retireWaiting(i, why),
      },
      d.health,
      d.log,
      d.problems,
    );
    this.links = new MonitorLinks(
      d.config(),
      d.home,
      (e, b) => this.onBlock(e, b),
      (e, m) =>
        d.problems.once(`badblock:${e.key}`, "warn", `bad event block from the MonitorServer at ${e.events}: ${m}`),
    );
    d.engine.useTreeSource(
      remoteTreeSource({
        linkOf: (i) => this.links.find(i),
        monitorOf: (i) => this.blocks.monitorOf(i),
        problems: d.problems,
      }),
    );
    d.engine.useHearing({ heard: (i) => this.heardOf(i), ask: (i) => void this.ask(i) });
  }

  /** What watch `index`'s MonitorServer confirms (readiness waits for it: core/readiness.ts `heard`). */
  private heardOf(index: number): { untilMs: number; silentSinceMs: number | null } | undefined {
    const e = this.links.find(index);
    if (!e) return { untilMs: 0, silentSinceMs: null };
    return { untilMs: e.heardUntil, silentSinceMs: e.down ? (e.downSince ?? e.heardUntil) : null };
  }

  /** Everything `e` sent before `at` has arrived: its watches' filesets that waited for that are judged again. */
  private hear(e: LinkEntry, at: number): void {
    if (at <= e.heardUntil) return;
    e.heardUntil = at;
    this.d.engine.heardFrom(e.watches);
  }

  /**
   * Readiness asks: a ping now rather than at the next health check, so a fileset waits one round
   * trip. A silent or restarted MonitorServer is the health check's (a barrier or a rescan first).
   */
  private async ask(index: number): Promise<void> {
    const e = this.links.find(index);
    if (!e || e.asking || e.down || e.needsBarrier || this.d.stopped()) return;
    e.asking = true;
    try {
      const sent = Date.now();
      const p = await e.link.ping(1000);
      if (p && p.pid === e.pid && !e.down && !e.needsBarrier) this.hear(e, sent);
    } finally {
      e.asking = false;
    }
  }

  private get config(): OmeroFsConfig {
    return this.d.config();
  }

  /** The monitor of watch `index`, if one is created. */
  monitorOf(index: number): string | undefined {
    return this.blocks.monitorOf(index);
  }

  /** Is watch `index` on the MonitorServer this node runs (its folder is walked here, not listed)? */
  isLocal(index: number): boolean {
    return this.links.of(index).local;
  }

  /** The remote MonitorServers, for `status` (empty when every watch uses the local one). */
  remoteStatus(): RemoteMonitor[] {
    return this.links.remoteStatus();
  }

  /**
   * Subscribe to every MonitorServer and ping each until it answers: the local one as long as it
   * takes (the supervisor may start it a little later), a remote one for REMOTE_CONNECT_MS, then
   * it is reported unreachable (the DropBox is degraded) and the health check keeps trying.
   */
  async connect(): Promise<void> {
    const links = this.links.all();
    for (const e of links) e.link.subscribe();
    const up = await Promise.all(
      links.map((e) => this.ping(e, e.local ? Number.POSITIVE_INFINITY : Date.now() + REMOTE_CONNECT_MS)),
    );
    if (this.d.stopped()) return;
    links.forEach((e, i) => {
      if (up[i]) this.d.log.info(`connected to the MonitorServer at ${e.control} (pid ${e.pid})`);
      else this.remoteDown(e);
    });
  }

  /** Start the monitor of every watch whose folder is there and whose MonitorServer answers. */
  async startMonitors(): Promise<void> {
    for (const w of await this.watches.checkDirs(this.config.watches))
      if (!this.links.of(w.index).down) await this.startWatch(w.index);
  }

  /**
   * The `sync` barrier for every watch: a cookie through its monitor, then until that block is
   * applied. A watch whose folder is missing has nothing to sync (it is reported as a health problem).
   */
  async sync(deadline: number): Promise<void> {
    for (const w of this.config.watches) if (!this.watches.isMissing(w.index)) await this.syncWatch(w.index, deadline);
  }

  /** Run `fn` while no health check or other lifecycle change runs (a reload re-creating monitors). */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.locked) await new Promise<void>((r) => this.waiting.push(r));
    else this.locked = true;
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }

  /** Hand the lock to the next waiter, or free it. */
  private unlock(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.locked = false;
  }

  /**
   * Apply a reload's watch changes (added, removed, re-created monitors: watches.ts). Call inside
   * exclusive(). Returns what could not be applied now, with why (it is, by itself, later).
   */
  applyWatchChanges(changes: WatchChange[]): Promise<string[]> {
    return this.watches.apply(changes);
  }

  /**
   * The periodic health check: each MonitorServer is pinged (a restart re-creates its monitors, a
   * silent remote one is reported), and a watch a reload added on a folder that was missing starts
   * once the folder is there.
   */
  async checkHealth(): Promise<void> {
    // Busy, or a reload waits: this round is skipped (the next comes in a second).
    if (this.locked || this.d.stopped()) return;
    this.locked = true;
    try {
      await Promise.all(this.links.all().map((e) => this.checkLink(e)));
      const unlinked = this.config.watches.filter((w) => !this.links.find(w.index));
      for (const w of await this.watches.checkDirs(unlinked))
        if (await this.startWatch(w.index)) void this.d.engine.reconcileWatch(w.index, "monitor started");
    } finally {
      this.unlock();
    }
  }

  /** Destroy this DropBox's monitors (each writes its snapshot; bounded wait) and close the links. */
  async stop(): Promise<void> {
    await Promise.race([
      Promise.all(
        this.links.all().map((e) => e.link.release(e.watches.flatMap((i) => this.blocks.monitorOf(i) ?? []))),
      ),
      new Promise((r) => setTimeout(r, RELEASE_MS).unref()),
    ]);
    this.links.close();
  }

  private onBlock(from: LinkEntry, remoteBlock: EventBlock): void {
    const id = remoteBlock.monitorId;
    const watch = this.blocks.watchOf(id);
    if (watch === undefined || this.links.of(watch) !== from) return;
    const w = this.config.watches[watch]!;
    const { block, refused } = blockToLocal(w.monitorPathMap, remoteBlock, w.watchDir);
    if (refused.length > 0 && w.monitorPathMap)
      this.d.problems.once(
        `outside-map:${watch}`,
        "error",
        `watch ${watch + 1}: ${refused.length} event path(s) from ${from.control} outside ${w.monitorPathMap.remote} (omero.fs.monitorPathMap REMOTE) refused, e.g. ${refused[0]}; check the path map`,
      );
    if (this.blocksToDrop > 0 && this.d.ready()) {
      this.blocksToDrop -= 1;
      this.d.log.debug(`test hook: block ${block.seq} of monitor ${id} discarded`);
      return;
    }
    this.blocks.receive(watch, block);
  }

  /**
   * The barrier for one watch: the MonitorServer's sync (a cookie), then wait until that block is
   * applied. A block can be lost while the SUB reconnects to a restarted MonitorServer, and a
   * monitor id can be stale until the health check re-creates it: both are retried with a fresh
   * cookie until the deadline.
   */
  private async syncWatch(index: number, deadline: number): Promise<void> {
    let last = "no monitor";
    while (Date.now() < deadline && !this.d.stopped()) {
      const id = this.blocks.monitorOf(index);
      if (id) {
        let seq: number | null = null;
        try {
          seq = await this.links.of(index).link.sync(id, 10_000);
          await this.blocks.waitApplied(id, seq, 2000);
          return;
        } catch (e) {
          if (seq !== null && this.blocks.monitorOf(index) === id) {
            // The MonitorServer published block `seq` but it never reached us (the SUB was
            // reconnecting, e.g. to a restarted MonitorServer). Cookies are not published, so no
            // later block will show the gap: a rescan covers whatever that block held.
            this.d.log.warn(`watch ${index + 1}: block ${seq} of monitor ${id} was lost in transit; rescanning`);
            await this.d.engine.reconcileWatch(index, "lost block");
            this.blocks.coveredByRescan(id, seq);
            return;
          }
          last = e instanceof Error ? e.message : String(e);
          this.d.log.debug(`sync: watch ${index + 1}: ${last}; retrying`);
          await this.checkLink(this.links.of(index));
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new ControlError("INTERNAL", `sync: watch ${index + 1}: ${last}`);
  }

  /** Ping until the MonitorServer answers; false at `deadline` or when stopped. */
  private async ping(e: LinkEntry, deadline: number): Promise<boolean> {
    let delay = 100;
    while (!this.d.stopped()) {
      const sent = Date.now();
      const p = await e.link.ping(1000);
      if (p) {
        e.answered(p.pid, Date.now());
        this.d.problems.forget(`monitor:waiting:${e.key}`);
        // Connecting: no monitor of this DropBox runs there yet (the start walks what is on disk).
        if (e.heardUntil === 0) {
          e.needsBarrier = false;
          this.hear(e, sent);
        }
        return true;
      }
      e.silent(Date.now());
      this.d.problems.once(`monitor:waiting:${e.key}`, "warn", `waiting for the MonitorServer at ${e.control}`);
      if (Date.now() + delay > deadline) return false;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(2000, delay * 2);
    }
    return false;
  }

  /** The watch's MonitorServer link; a watch a reload added may need a new one, connected here. */
  private async linkFor(w: WatchConfig): Promise<LinkEntry> {
    const { entry, created } = this.links.ensure(w, this.config);
    if (created) {
      entry.link.subscribe();
      const up = await this.ping(entry, entry.local ? Number.POSITIVE_INFINITY : Date.now() + REMOTE_CONNECT_MS);
      if (!up) this.remoteDown(entry);
    }
    if (entry.down) throw new Error(`the MonitorServer at ${entry.control} does not answer: ${entry.noAnswer}`);
    return entry;
  }

  /** Create and start the monitor of one watch (replacing its old one); false when it cannot (logged once per reason). */
  private async startWatch(index: number): Promise<boolean> {
    const w = this.config.watches.find((x) => x.index === index)!;
    const old = this.blocks.unbindWatch(index);
    if (old) this.blocks.forgetMonitor(old);
    try {
      const link = (await this.linkFor(w)).link;
      const id = await link.createWatch(w);
      this.blocks.bind(index, id);
      await link.start(id);
      this.startFailed.delete(index);
      this.d.problems.forgetPrefix(`start:${index}:`);
      this.watches.started(w);
      this.d.log.info(`watch ${index + 1}: monitor ${id} started on ${w.watchDir} (user ${w.user}, ${w.pathMode})`);
      return true;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const msg = `watch ${index + 1}: cannot start a monitor on ${w.watchDir}: ${reason} (retrying every ${START_RETRY_MS / 1000} s)`;
      // A new reason is a new problem: said at error again.
      if (this.startFailed.get(index)?.reason !== reason) this.d.problems.forgetPrefix(`start:${index}:`);
      this.d.problems.once(`start:${index}:${reason}`, "error", msg);
      this.startFailed.set(index, { at: Date.now(), reason });
      this.watches.startFailed(w, reason);
      return false;
    }
  }

  /** Destroy the monitor of a watch (a reload removed or changed it) and forget its ids. */
  private async releaseWatch(index: number): Promise<void> {
    const id = this.blocks.unbindWatch(index);
    this.startFailed.delete(index);
    this.d.problems.forgetPrefix(`start:${index}:`);
    if (!id) return;
    await this.links.of(index).link.release([id]);
    this.blocks.forgetMonitor(id);
  }

  /** A remote MonitorServer that does not answer: the DropBox is degraded until it does. */
  private remoteDown(e: LinkEntry): void {
    if (e.local) return;
    const since = new Date(e.downSince ?? Date.now()).toISOString();
    const watches = e.watches.map((i) => i + 1).join(", ");
    this.d.health.set(
      `remote:${e.key}`,
      `remote MonitorServer ${e.control} unreachable since ${since}: no events for watch ${watches} (reconciled through the mount meanwhile); ${e.noAnswer}`,
    );
  }

  /**
   * After an answered health ping sent at `sent`: what that confirms. Monitors re-created: once
   * their rescans have walked what is on disk. After a silence: once a sync barrier has brought the
   * events it sent meanwhile (a ping answer can overtake them). Else at once.
   */
  private async confirm(e: LinkEntry, sent: number, walks: Promise<unknown>[]): Promise<void> {
    if (walks.length > 0) {
      e.needsBarrier = false;
      void Promise.allSettled(walks).then(() => this.hear(e, sent));
      return;
    }
    if (e.needsBarrier) {
      try {
        for (const i of e.watches) if (this.blocks.monitorOf(i)) await this.syncWatch(i, Date.now() + 30_000);
      } catch (err) {
        this.d.log.debug(`MonitorServer at ${e.control}: barrier after its silence failed: ${String(err)}`);
        return;
      }
      e.needsBarrier = false;
    }
    this.hear(e, sent);
  }

  /** Detect a restart of one MonitorServer (new pid, unknown or failed monitors) and re-create its monitors. */
  private async checkLink(e: LinkEntry): Promise<void> {
    if (e.healthBusy || this.d.stopped()) return;
    e.healthBusy = true;
    try {
      const sent = Date.now();
      const p = await e.link.ping(1000);
      if (!p) {
        const wasUp = !e.down;
        if (wasUp)
          this.d.log.warn(
            `MonitorServer at ${e.control} does not answer (${e.noAnswer}): events are not arriving; waiting for it`,
          );
        e.silent(Date.now());
        if (wasUp) this.d.engine.silentFrom(e.watches);
        this.remoteDown(e);
        if (e.renewIfDue(Date.now())) this.d.log.debug(`MonitorServer at ${e.control}: new sockets, reconnecting`);
        return;
      }
      const wasDown = e.down;
      const neverAnswered = e.pid === null;
      // A MonitorServer too busy to answer one ping (a burst) still has its monitors: only a new
      // pid is a restart; monitors that are not started are re-created below either way.
      const restarted = e.answered(p.pid, Date.now()) || neverAnswered;
      this.d.health.clear(`remote:${e.key}`);
      if (restarted)
        this.d.log.warn(
          `MonitorServer at ${e.control} is back (pid ${p.pid}): re-creating the monitors and rescanning`,
        );
      else if (wasDown) this.d.log.info(`MonitorServer at ${e.control} answers again (same process, monitors kept)`);
      const states = await e.link.states();
      if (!states) return;
      // A missing watch folder is reported (health) and its monitor left alone until it is back.
      const mine = this.config.watches.filter((w) => e.watches.includes(w.index));
      const walks: Promise<unknown>[] = [];
      for (const { index } of await this.watches.checkDirs(mine)) {
        const id = this.blocks.monitorOf(index);
        const st = id ? states.get(id) : undefined;
        if (!restarted && st && st.state === "started") {
          this.blocks.checkBehind(index, id!, st.seq);
          continue;
        }
        const failed = this.startFailed.get(index);
        if (!restarted && failed && Date.now() - failed.at < START_RETRY_MS) continue;
        if (st && st.state === "failed")
          this.d.log.error(`watch ${index + 1}: monitor ${id} failed: ${st.reason ?? "no reason given"}`);
        if (await this.startWatch(index))
          walks.push(
            this.d.engine.reconcileWatch(index, restarted || !st ? "monitor started" : "MonitorServer reconnect"),
          );
      }
      await this.confirm(e, sent, walks);
    } finally {
      e.healthBusy = false;
    }
  }
}
