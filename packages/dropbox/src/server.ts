/** The DropBox process: config, ledger, control socket, MonitorServer link, engine (I/O shell). See docs/ARCHITECTURE.md, "Processes". */
import * as fs from "node:fs";
import {
  closeLogger,
  createLogger,
  ensureHomeDirs,
  loadConfigOrThrow,
  type Logger,
  type OmeroFsConfig,
  type OnceLog,
  onceLogger,
  type WatchConfig,
} from "@omero-fs/config";
import {
  type DropBoxMethod,
  DropBoxMethodParams,
  type DropBoxParamsOf,
  type EventBlock,
  OMERO_FS_VERSION,
} from "@omero-fs/protocol";
import { ControlServer } from "@omero-fs/protocol/zmq";
import type { Catalogue } from "@omero-fs/readers";
import { MethodError, probeRunning } from "./control";
import { ledgerWriteFailure } from "./core/ledger-health";
import { isUnder } from "./core/paths";
import { Engine } from "./engine";
import { createImporter } from "./importers";
import { Ledger, LedgerError } from "./ledger";
import { blockToLocal } from "./core/path-map";
import { HealthProblems } from "./health";
import { type LinkEntry, MonitorLinks } from "./monitor-links";
import { remoteTreeSource } from "./remote-tree";
import { LedgerWrites } from "./ledger-health";
import { type DropBoxOptions, planReload, resolveOptions } from "./options";
import { cataloguesOf, WatchLifecycle } from "./watches";

/** Grace for in-flight imports on SIGTERM; the whole stop stays under 10 s. */
const STOP_GRACE_MS = 6000;
/** A watch whose monitor cannot start (directory missing) is retried this often. */
const START_RETRY_MS = 5000;
/**
 * How long the start waits for a remote MonitorServer before going on without it (degraded; its
 * watches are reconciled through the mount and their monitors started when it answers).
 */
const REMOTE_CONNECT_MS = 5000;

export interface DropBoxHandle {
  stop(): Promise<void>;
}

class DropBoxServer {
  private readonly monitorOf = new Map<number, string>();
  private readonly watchOfMonitor = new Map<string, number>();
  private readonly lastSeq = new Map<string, number>();
  /** Monitor id -> a seq the MonitorServer had published while we had received less (see checkBehind). */
  private readonly behind = new Map<string, number>();

  private readonly applied = new Map<string, number>();
  private readonly waiters: { id: string; seq: number; resolve: () => void }[] = [];
  /** Blocks received and not yet applied, in order (each applied by one task on the serial chain). */
  private readonly backlog: { watch: number; block: EventBlock }[] = [];
  private backlogPaths = 0;
  /**
   * Monitor id -> highest seq of a dropped block, while the rescan that replaces it runs: `sync`
   * must not count a block as applied before that rescan is done.
   */
  private readonly droppedUpTo = new Map<string, number>();
  /** Monitor id -> highest seq applied (published to `applied` once no rescan is pending). */
  private readonly appliedRaw = new Map<string, number>();
  private ready = false;
  private stopped = false;
  private healthTimer: NodeJS.Timeout | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  /** A health check or a reload is changing monitors: one at a time. */
  private healthBusy = false;
  private blocksToDrop: number;
  /** Watch index -> last failed monitor start (retried every START_RETRY_MS, logged once per reason). */
  private readonly startFailed = new Map<number, { at: number; reason: string }>();
  /** Problems that persist across retries (a monitor that cannot start) are logged once. */
  private readonly problems: OnceLog;
  /** One link per MonitorServer the watches need (monitor-links.ts). */
  readonly links: MonitorLinks;
  readonly control: ControlServer<typeof DropBoxMethodParams>;
  /** Missing watch folders, and the watches a reload adds, removes or re-creates (watches.ts). */
  private readonly watches: WatchLifecycle;

  constructor(
    /** Its watches are replaced by a reload; the global part is the one the process started with. */
    public config: OmeroFsConfig,
    public opts: DropBoxOptions,
    readonly log: Logger,
    readonly ledger: Ledger,
    readonly engine: Engine,
    readonly home: string,
    readonly ledgerWrites: LedgerWrites,
    /** What keeps this DropBox from doing all of its job; `admin status` shows it as `degraded`. */
    readonly health: HealthProblems,
  ) {
    this.problems = onceLogger(log);
    this.blocksToDrop = opts.dropBlocks;
    this.watches = new WatchLifecycle(
      {
        startMonitor: (i) => this.startWatch(i),
        hasMonitor: (i) => this.monitorOf.has(i),
        releaseMonitor: (i) => this.releaseWatch(i),
        reconcile: (i, why) => this.engine.reconcileWatch(i, why),
        regroup: (i) => this.engine.regroupWatch(i),
        retireWaiting: (i, why) => this.engine.retireWaiting(i, why),
      },
      this.health,
      log,
    );
    this.links = new MonitorLinks(
      config,
      home,
      (e, b) => this.onBlock(e, b),
      (e, m) =>
        this.problems.once(`badblock:${e.key}`, "warn", `bad event block from the MonitorServer at ${e.events}: ${m}`),
    );
    engine.reconciler.source = remoteTreeSource({
      linkOf: (i) => this.links.find(i),
      monitorOf: (i) => this.monitorOf.get(i),
      problems: this.problems,
    });
    this.control = new ControlServer({
      endpoint: config.global.dropboxControl,
      methods: DropBoxMethodParams,
      handler: (m, p) => this.handle(m, p),
      log: this.log,
    });
  }

  private onBlock(from: LinkEntry, remoteBlock: EventBlock): void {
    const id = remoteBlock.monitorId;
    const watch = this.watchOfMonitor.get(id);
    if (watch === undefined || this.links.of(watch) !== from) return;
    const w = this.config.watches[watch]!;
    const { block, refused } = blockToLocal(w.monitorPathMap, remoteBlock, w.watchDir);
    if (refused.length > 0 && w.monitorPathMap)
      this.problems.once(
        `outside-map:${watch}`,
        "error",
        `watch ${watch + 1}: ${refused.length} event path(s) from ${from.control} outside ${w.monitorPathMap.remote} (omero.fs.monitorPathMap REMOTE) refused, e.g. ${refused[0]}; check the path map`,
      );
    if (this.blocksToDrop > 0 && this.ready) {
      this.blocksToDrop -= 1;
      this.log.debug(`test hook: block ${block.seq} of monitor ${id} discarded`);
      return;
    }
    const last = this.lastSeq.get(id) ?? 0;
    this.lastSeq.set(id, block.seq);
    let rescan: string | null = null;
    if (block.seq !== last + 1) rescan = `seq gap on monitor ${id}: expected ${last + 1}, got ${block.seq}`;
    if (block.rescan) rescan = `MonitorServer asked for a rescan of ${block.rescan.path}: ${block.rescan.reason}`;
    this.backlog.push({ watch, block });
    this.backlogPaths += block.events.length;
    // Event paths received but not yet applied (all watches) beyond which the queued blocks are
    // dropped and their watches rescanned: events are hints, the walk is the truth, and a burst of
    // 100,000 files must not pile up in memory while the ledger is busy. A single block waiting is
    // never dropped. 5,000 keeps DropBox near 140 MiB peak in the 100,000-file burst (20,000: 157-173 MiB).
    if (this.backlog.length > 1 && this.backlogPaths > this.opts.backlogPaths) this.dropBacklog();
    // One task per block; each applies the oldest block still queued (none if it was dropped).
    void this.engine.serial(async () => {
      const next = this.backlog.shift();
      if (!next) return;
      this.backlogPaths -= next.block.events.length;
      await this.engine.applyBlock(next.watch, next.block);
      const mid = next.block.monitorId;
      this.appliedRaw.set(mid, Math.max(this.appliedRaw.get(mid) ?? 0, next.block.seq));
      this.publishApplied(mid);
    });
    if (rescan) {
      this.log.warn(`watch ${watch + 1}: ${rescan}; rescanning`);
      void this.engine.reconcileWatch(watch, "rescan");
    }
  }

  /**
   * Too many event paths wait to be applied (a burst while the ledger is busy): drop every queued
   * block and rescan the watches they were for. Nothing is lost: the walk starts after the
   * dropped events happened, so it finds their files; later blocks queue as usual.
   */
  private dropBacklog(): void {
    // Watches whose backlog rescan is still pending: a later drop only extends it (logged at debug).
    const pendingWatches = new Set([...this.droppedUpTo.keys()].map((m) => this.watchOfMonitor.get(m)));
    const dropped = this.backlog.splice(0);
    const paths = this.backlogPaths;
    this.backlogPaths = 0;
    const watches = new Set<number>();
    for (const { watch, block } of dropped) {
      watches.add(watch);
      const mid = block.monitorId;
      this.droppedUpTo.set(mid, Math.max(this.droppedUpTo.get(mid) ?? 0, block.seq));
    }
    for (const watch of watches) {
      const mids = [...this.watchOfMonitor].filter(([, w]) => w === watch).map(([m]) => m);
      this.log.log(
        pendingWatches.has(watch) ? "debug" : "warn",
        `watch ${watch + 1}: ${paths} event paths waiting to be applied (more than ${this.opts.backlogPaths}): dropped them; rescanning`,
      );
      const upTo = new Map(mids.map((m) => [m, this.droppedUpTo.get(m) ?? 0]));
      void this.engine.reconcileWatch(watch, "event backlog").finally(() => {
        for (const [m, seq] of upTo) {
          // A later drop needs a later rescan: only the rescan that covers the last drop releases it.
          if ((this.droppedUpTo.get(m) ?? 0) !== seq) continue;
          this.droppedUpTo.delete(m);
          this.appliedRaw.set(m, Math.max(this.appliedRaw.get(m) ?? 0, seq));
          this.publishApplied(m);
        }
      });
    }
  }

  /** Make what is applied of monitor `id` visible to `sync` waiters, unless a rescan must finish first. */
  private publishApplied(id: string): void {
    if (this.droppedUpTo.has(id)) return;
    this.applied.set(id, Math.max(this.applied.get(id) ?? 0, this.appliedRaw.get(id) ?? 0));
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.id === id && (this.applied.get(id) ?? 0) >= w.seq) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private waitApplied(id: string, seq: number, timeoutMs: number): Promise<void> {
    if ((this.applied.get(id) ?? 0) >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = {
        id,
        seq,
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new MethodError("INTERNAL", `sync: block ${seq} of monitor ${id} did not arrive within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  private async handle(method: DropBoxMethod, params: unknown): Promise<unknown> {
    switch (method) {
      case "ping":
        return { pid: process.pid, version: OMERO_FS_VERSION };
      case "status": {
        const remote = this.links.remoteStatus();
        return {
          ready: this.ready,
          watches: this.config.watches.map((w) => ({
            index: w.index,
            user: w.user,
            watchDir: w.watchDir,
            monitorId: this.monitorOf.get(w.index) ?? null,
          })),
          counts: this.ledger.counts(),
          problems: this.health.reasons(),
          ...(remote.length > 0 ? { remoteMonitors: remote } : {}),
        };
      }
      case "scan": {
        const n = await Promise.all(this.config.watches.map((w) => this.engine.reconcileWatch(w.index, "scan")));
        return { discovered: n.reduce((a, b) => a + b, 0) };
      }
      case "sync": {
        // A watch whose folder is missing has nothing to sync (it is reported as a health problem).
        for (const w of this.config.watches)
          if (!this.watches.isMissing(w.index)) await this.syncWatch(w.index, Date.now() + 60_000);
        await this.engine.drain();
        return { files: this.engine.fileCount() };
      }
      case "reload":
        return this.reload();
      case "importExisting": {
        const { path } = params as DropBoxParamsOf<"importExisting">;
        if (path !== undefined && !this.config.watches.some((w) => isUnder(path, w.watchDir) || path === w.watchDir))
          throw new MethodError(
            "BAD_PARAMS",
            `${path} is not in a watch folder (${this.config.watches.map((w) => w.watchDir).join(", ")})`,
          );
        return { released: await this.engine.importExisting(path ?? null) };
      }
      case "release":
      case "retry": {
        const { id } = params as DropBoxParamsOf<"retry">;
        return this.engine.serial(() => {
          try {
            return method === "release" ? this.engine.release(id) : this.engine.retryNow(id);
          } catch (e) {
            if (e instanceof LedgerError) throw new MethodError("BAD_PARAMS", e.message);
            throw e;
          }
        });
      }
    }
  }

  /**
   * Re-read the config (a bad one, or a readers file that cannot be read, throws: nothing
   * changes), apply what can change live: options, readers catalogues, log level, and the watches
   * (added, removed, monitors re-created: watches.ts).
   */
  private async reload(): Promise<{ applied: string[]; restart: string[] }> {
    let fresh: OmeroFsConfig;
    let catalogues: Map<number, Catalogue>;
    try {
      fresh = loadConfigOrThrow({ home: this.home });
      catalogues = cataloguesOf(fresh);
    } catch (e) {
      throw new MethodError("BAD_PARAMS", `config not reloaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    const running = this.engine.grouping.catalogues;
    const differs = (i: number) =>
      running.has(i) && JSON.stringify(running.get(i)!.readers) !== JSON.stringify(catalogues.get(i)?.readers);
    const plan = planReload(this.opts, resolveOptions(fresh), differs);
    // One lifecycle change at a time: the health check also starts monitors.
    while (this.healthBusy) await new Promise((r) => setTimeout(r, 20));
    this.healthBusy = true;
    try {
      const rescanChanged = plan.opts.rescanIntervalMs !== this.opts.rescanIntervalMs;
      this.opts = plan.opts;
      if (rescanChanged && this.ready) this.startRescanTimer();
      if (this.log.level !== fresh.global.logLevel)
        this.log.info(`reload: log level ${this.log.level} -> ${fresh.global.logLevel}`);
      this.log.level = fresh.global.logLevel;
      for (const c of plan.watches)
        if (c.kind !== "removed" && (c.kind === "added" || c.regroup))
          this.engine.setCatalogue(c.index, catalogues.get(c.index)!);
      this.engine.reload(plan.opts);
      this.config = { global: this.config.global, watches: plan.opts.watches.map((w) => w.config) };
      await this.watches.apply(plan.watches);
    } finally {
      this.healthBusy = false;
    }
    this.log.info(
      `reload: applied ${plan.applied.join(", ") || "nothing"}; needs restart: ${plan.restart.join(", ") || "nothing"}`,
    );
    return { applied: plan.applied, restart: plan.restart };
  }

  /**
   * The barrier for one watch: the MonitorServer's sync (a cookie), then wait until that block is
   * applied. A block can be lost while the SUB reconnects to a restarted MonitorServer, and a
   * monitor id can be stale until the health check re-creates it: both are retried with a fresh
   * cookie until the deadline.
   */
  private async syncWatch(index: number, deadline: number): Promise<void> {
    let last = "no monitor";
    while (Date.now() < deadline && !this.stopped) {
      const id = this.monitorOf.get(index);
      if (id) {
        let seq: number | null = null;
        try {
          seq = await this.links.of(index).link.sync(id, 10_000);
          await this.waitApplied(id, seq, 2000);
          return;
        } catch (e) {
          if (seq !== null && this.monitorOf.get(index) === id) {
            // The MonitorServer published block `seq` but it never reached us (the SUB was
            // reconnecting, e.g. to a restarted MonitorServer). Cookies are not published, so no
            // later block will show the gap: a rescan covers whatever that block held.
            this.log.warn(`watch ${index + 1}: block ${seq} of monitor ${id} was lost in transit; rescanning`);
            await this.engine.reconcileWatch(index, "lost block");
            this.applied.set(id, Math.max(this.applied.get(id) ?? 0, seq));
            this.lastSeq.set(id, Math.max(this.lastSeq.get(id) ?? 0, seq));
            return;
          }
          last = e instanceof Error ? e.message : String(e);
          this.log.debug(`sync: watch ${index + 1}: ${last}; retrying`);
          await this.checkLink(this.links.of(index));
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new MethodError("INTERNAL", `sync: watch ${index + 1}: ${last}`);
  }

  /**
   * Ping until the MonitorServer answers (the supervisor may start the local one a little later);
   * false at `deadline` or when stopped.
   */
  private async connect(e: LinkEntry, deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
    let delay = 100;
    while (!this.stopped) {
      const p = await e.link.ping(1000);
      if (p) {
        e.answered(p.pid, Date.now());
        this.problems.forget(`monitor:waiting:${e.key}`);
        return true;
      }
      e.silent(Date.now());
      this.problems.once(`monitor:waiting:${e.key}`, "warn", `waiting for the MonitorServer at ${e.control}`);
      if (Date.now() + delay > deadline) return false;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(2000, delay * 2);
    }
    return false;
  }

  /** Create and start the monitor of one watch. */
  /** The watch's MonitorServer link; a watch a reload added may need a new one, connected here. */
  private async linkFor(w: WatchConfig): Promise<LinkEntry> {
    const { entry, created } = this.links.ensure(w, this.config);
    if (created) {
      entry.link.subscribe();
      const up = await this.connect(entry, entry.local ? Number.POSITIVE_INFINITY : Date.now() + REMOTE_CONNECT_MS);
      if (!up) this.remoteDown(entry);
    }
    if (entry.down) throw new Error(`the MonitorServer at ${entry.control} does not answer`);
    return entry;
  }

  private async startWatch(index: number): Promise<boolean> {
    const w = this.config.watches.find((x) => x.index === index)!;
    const old = this.monitorOf.get(index);
    if (old) this.watchOfMonitor.delete(old);
    this.monitorOf.delete(index);
    try {
      const link = (await this.linkFor(w)).link;
      const id = await link.createWatch(w);
      this.monitorOf.set(index, id);
      this.watchOfMonitor.set(id, index);
      this.lastSeq.set(id, 0);
      this.applied.set(id, 0);
      await link.start(id);
      this.startFailed.delete(index);
      this.problems.forgetPrefix(`start:${index}:`);
      this.watches.started(w);
      this.log.info(`watch ${index + 1}: monitor ${id} started on ${w.watchDir} (user ${w.user}, ${w.pathMode})`);
      return true;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const msg = `watch ${index + 1}: cannot start a monitor on ${w.watchDir}: ${reason} (retrying every ${START_RETRY_MS / 1000} s)`;
      // A new reason is a new problem: said at error again.
      if (this.startFailed.get(index)?.reason !== reason) this.problems.forgetPrefix(`start:${index}:`);
      this.problems.once(`start:${index}:${reason}`, "error", msg);
      this.startFailed.set(index, { at: Date.now(), reason });
      this.watches.startFailed(w, reason);
      return false;
    }
  }

  /** Destroy the monitor of a watch (a reload removed or changed it) and forget its ids. */
  private async releaseWatch(index: number): Promise<void> {
    const id = this.monitorOf.get(index);
    this.monitorOf.delete(index);
    this.startFailed.delete(index);
    this.problems.forgetPrefix(`start:${index}:`);
    if (!id) return;
    await this.links.of(index).link.release([id]);
    this.watchOfMonitor.delete(id);
    for (const m of [this.lastSeq, this.applied, this.appliedRaw, this.behind]) m.delete(id);
  }

  private prepareWatchDirs(): void {
    for (const w of this.config.watches) {
      if (fs.existsSync(w.watchDir)) continue;
      const known = this.ledger.files.countInWatch(w.index);
      if (known === 0 && w.user === "default") {
        // A fresh home: create the default DropBox folder. Never when the ledger knows files there
        // (an unmounted share must not be papered over with an empty folder).
        fs.mkdirSync(w.watchDir, { recursive: true });
        this.log.info(`created the DropBox folder ${w.watchDir}`);
      } else {
        this.log.error(
          `watch ${w.index + 1}: watch directory ${w.watchDir} is missing${known > 0 ? ` while the ledger knows ${known} file(s) in it (unmounted share?)` : ""}`,
        );
      }
    }
  }

  async start(): Promise<void> {
    for (const w of this.config.watches) {
      if (w.pathMode !== "Follow") {
        this.log.warn(
          `watch ${w.index + 1}: pathMode ${w.pathMode}: ${w.pathMode === "Flat" ? "only files directly in the watch directory are seen" : "files in folders created after the start are not seen"}; Follow is recommended`,
        );
      }
    }
    this.prepareWatchDirs();
    await this.control.bind();
    await this.engine.recover();
    this.engine.reconciler.planFirstWalks();
    const links = this.links.all();
    for (const e of links) e.link.subscribe();
    const up = await Promise.all(
      links.map((e) => this.connect(e, e.local ? Number.POSITIVE_INFINITY : Date.now() + REMOTE_CONNECT_MS)),
    );
    if (this.stopped) return;
    links.forEach((e, i) => {
      if (up[i]) this.log.info(`connected to the MonitorServer at ${e.control} (pid ${e.pid})`);
      else this.remoteDown(e);
    });
    // Grouping and readiness wait for the end of the first reconciliation (then run once per
    // folder): `admin start` waits for ready, which is this reconciliation.
    this.engine.pauseTicks();
    try {
      for (const w of await this.watches.checkDirs(this.config.watches))
        if (!this.links.of(w.index).down) await this.startWatch(w.index);
      await Promise.all(this.config.watches.map((w) => this.engine.reconcileWatch(w.index, "start")));
    } finally {
      this.engine.resumeTicks();
    }
    this.engine.requestTick();
    this.healthTimer = setInterval(() => void this.checkHealth(), this.opts.healthMs);
    this.startRescanTimer();
    this.ready = true;
    this.log.info("DropBox ready");
    if (process.send) process.send({ type: "ready", server: "DropBox" });
  }

  /** The periodic safety-net reconciliation (omero.fs.rescanInterval; a reload starts it anew). */
  private startRescanTimer(): void {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = null;
    const rescan = this.opts.rescanIntervalMs;
    if (rescan > 0 && !this.stopped) {
      this.rescanTimer = setInterval(() => {
        for (const w of this.config.watches) void this.engine.reconcileWatch(w.index, "periodic");
      }, rescan);
    }
  }

  private async checkHealth(): Promise<void> {
    if (this.healthBusy || this.stopped) return;
    this.healthBusy = true;
    try {
      await Promise.all(this.links.all().map((e) => this.checkLink(e)));
      // A watch a reload added on a folder that was missing has no link yet: it starts once the folder is there.
      const unlinked = this.config.watches.filter((w) => !this.links.find(w.index));
      for (const w of await this.watches.checkDirs(unlinked))
        if (await this.startWatch(w.index)) void this.engine.reconcileWatch(w.index, "monitor started");
    } finally {
      this.healthBusy = false;
    }
  }

  /** A remote MonitorServer that does not answer: the DropBox is degraded until it does. */
  private remoteDown(e: LinkEntry): void {
    if (e.local) return;
    const since = new Date(e.downSince ?? Date.now()).toISOString();
    const watches = e.watches.map((i) => i + 1).join(", ");
    this.health.set(
      `remote:${e.key}`,
      `remote MonitorServer ${e.control} unreachable since ${since}: no events for watch ${watches} (reconciled through the mount meanwhile)`,
    );
  }

  /** Detect a restart of one MonitorServer (new pid, unknown or failed monitors) and re-create its monitors. */
  private async checkLink(e: LinkEntry): Promise<void> {
    if (e.healthBusy || this.stopped) return;
    e.healthBusy = true;
    try {
      const p = await e.link.ping(1000);
      if (!p) {
        if (!e.down)
          this.log.warn(`MonitorServer at ${e.control} does not answer: events are not arriving; waiting for it`);
        e.silent(Date.now());
        this.remoteDown(e);
        if (e.renewIfDue(Date.now())) this.log.debug(`MonitorServer at ${e.control}: new sockets, reconnecting`);
        return;
      }
      const wasDown = e.down;
      const neverAnswered = e.pid === null;
      // A MonitorServer too busy to answer one ping (a burst) still has its monitors: only a new
      // pid is a restart; monitors that are not started are re-created below either way.
      const restarted = e.answered(p.pid, Date.now()) || neverAnswered;
      this.health.clear(`remote:${e.key}`);
      if (restarted)
        this.log.warn(`MonitorServer at ${e.control} is back (pid ${p.pid}): re-creating the monitors and rescanning`);
      else if (wasDown) this.log.info(`MonitorServer at ${e.control} answers again (same process, monitors kept)`);
      const states = await e.link.states();
      if (!states) return;
      // A missing watch folder is reported (health) and its monitor left alone until it is back.
      const mine = this.config.watches.filter((w) => e.watches.includes(w.index));
      for (const { index } of await this.watches.checkDirs(mine)) {
        const id = this.monitorOf.get(index);
        const st = id ? states.get(id) : undefined;
        if (!restarted && st && st.state === "started") {
          this.checkBehind(index, id!, st.seq);
          continue;
        }
        const failed = this.startFailed.get(index);
        if (!restarted && failed && Date.now() - failed.at < START_RETRY_MS) continue;
        if (st && st.state === "failed")
          this.log.error(`watch ${index + 1}: monitor ${id} failed: ${st.reason ?? "no reason given"}`);
        if (await this.startWatch(index))
          void this.engine.reconcileWatch(index, restarted || !st ? "monitor started" : "MonitorServer reconnect");
      }
    } finally {
      e.healthBusy = false;
    }
  }

  /**
   * Blocks the MonitorServer published that never reached us: a SUB reconnecting to a restarted
   * MonitorServer misses what was published meanwhile, and no later block may come to show the
   * gap. A monitor still ahead of what we received one health period later lost blocks in
   * transit: rescan its watch (the walk is the truth).
   */
  private checkBehind(index: number, id: string, published: number): void {
    const got = this.lastSeq.get(id) ?? 0;
    if (published <= got) {
      this.behind.delete(id);
      return;
    }
    const was = this.behind.get(id);
    if (was === undefined || was <= got) {
      this.behind.set(id, published);
      return;
    }
    this.behind.delete(id);
    this.log.warn(`watch ${index + 1}: blocks ${got + 1}..${was} of monitor ${id} were lost in transit; rescanning`);
    this.lastSeq.set(id, published);
    void this.engine.reconcileWatch(index, "lost blocks").then(() => {
      this.appliedRaw.set(id, Math.max(this.appliedRaw.get(id) ?? 0, published));
      this.publishApplied(id);
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.log.info("DropBox stopping");
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.ledgerWrites.stop();
    await this.engine.stop(STOP_GRACE_MS);
    await Promise.race([
      Promise.all(this.links.all().map((e) => e.link.release(e.watches.flatMap((i) => this.monitorOf.get(i) ?? [])))),
      new Promise((r) => setTimeout(r, 1500).unref()),
    ]);
    this.links.close();
    await this.control.close();
    this.ledger.close();
    this.log.info("DropBox stopped");
  }
}

/** Run a DropBox for a home until stop() (docs/ARCHITECTURE.md, "Processes" and "DropBox pipeline"). */
export async function runDropBox(opts: {
  home: string;
  console?: boolean;
  /** The ledger turned out damaged while running: the process should stop (main.ts exits 78). */
  onFatal?: (message: string) => void;
}): Promise<DropBoxHandle> {
  const config = loadConfigOrThrow({ home: opts.home });
  const paths = ensureHomeDirs(opts.home);
  const g = config.global;
  const log = createLogger({
    logDir: paths.log,
    component: "DropBox",
    level: g.logLevel,
    maxSize: g.logMaxSize,
    maxFiles: g.logMaxFiles,
    console: opts.console,
  });
  let server: DropBoxServer | null = null;
  try {
    const other = await probeRunning(g.dropboxControl);
    if (other !== null) throw new Error(`a DropBox is already running for this home (pid ${other})`);
    const catalogues = cataloguesOf(config);
    const home = opts.home;
    const dbOpts = resolveOptions(config);
    let ledger: Ledger;
    try {
      ledger = Ledger.open(paths.ledger, dbOpts.ledgerFullWhile);
    } catch (e) {
      const kind = ledgerWriteFailure((e as { code?: string }).code);
      if (!kind) throw e;
      throw new Error(
        `the ledger ${paths.ledger} cannot be written (${kind}: ${(e as Error).message}); free space on its disk or fix its permissions, then start again`,
      );
    }
    const importer = createImporter(config, { log });
    const health = new HealthProblems();
    let engine: Engine | null = null;
    const ledgerWrites = new LedgerWrites({
      ledgerPath: paths.ledger,
      ledger,
      health,
      log,
      probeMs: () => server?.opts.ledgerProbeMs ?? dbOpts.ledgerProbeMs,
      engine: () => engine!,
      watches: () => config.watches.map((w) => w.index),
      fatal: (message) => {
        log.error(`DropBox stops: ${message}`);
        opts.onFatal?.(message);
      },
    });
    engine = new Engine({
      opts: dbOpts,
      ledger,
      log,
      importer,
      catalogues,
      onTaskError: (e) => ledgerWrites.onTaskError(e),
    });
    server = new DropBoxServer(config, dbOpts, log, ledger, engine, home, ledgerWrites, health);
    log.info(
      `DropBox starting (pid ${process.pid}, ${config.watches.length} watch(es), ${g.importer} importer, ledger ${paths.ledger})`,
    );
    await server.start();
  } catch (e) {
    log.error(`DropBox cannot start: ${e instanceof Error ? e.message : String(e)}`);
    if (server) await server.stop().catch(() => undefined);
    await closeLogger(log);
    throw e;
  }
  const s = server;
  return {
    async stop() {
      await s.stop();
      await closeLogger(log);
    },
  };
}
