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
import { EventBlocks } from "./blocks";
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
import { omeroHealthProblem, omeroStatus } from "./omero-status";
import { OmeroStartCheck } from "./omero-start-check";

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
  /** Blocks in order, seqs, the backlog and the `sync` barrier (blocks.ts). */
  private readonly blocks: EventBlocks;
  private ready = false;
  private stopped = false;
  private healthTimer: NodeJS.Timeout | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  /** A health check or a reload is changing monitors: one at a time. */
  private healthBusy = false;
  /** Test hook: event blocks still to discard on receipt. */
  private blocksToDrop: number;
  /** Watch index -> last failed monitor start (retried every START_RETRY_MS, logged once per reason). */
  private readonly startFailed = new Map<number, { at: number; reason: string }>();
  /** Problems that persist across retries (a monitor that cannot start) are logged once. */
  private readonly problems: OnceLog;
  /** One link per MonitorServer the watches need (monitor-links.ts). */
  readonly links: MonitorLinks;
  readonly control: ControlServer<typeof DropBoxMethodParams>;
  /** Waited for before the DropBox says it is ready (the omero importer's start check). */
  beforeReady: Promise<void> = Promise.resolve();
  onStop: () => void = () => undefined;
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
    this.blocks = new EventBlocks({
      log,
      engine,
      backlogPaths: () => this.opts.backlogPaths,
      applyDelayMs: () => this.opts.applyBlockDelayMs,
    });
    this.watches = new WatchLifecycle(
      {
        startMonitor: (i) => this.startWatch(i),
        hasMonitor: (i) => this.blocks.monitorOf(i) !== undefined,
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
      monitorOf: (i) => this.blocks.monitorOf(i),
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
    const watch = this.blocks.watchOf(id);
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
    this.blocks.receive(watch, block);
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
            monitorId: this.blocks.monitorOf(w.index) ?? null,
          })),
          counts: this.ledger.counts(),
          problems: this.health.reasons(),
          ...(remote.length > 0 ? { remoteMonitors: remote } : {}),
          omero: omeroStatus(this.config.global.importer, this.engine.imports.omeroHealth),
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
      case "reimport":
      case "retry": {
        const { id } = params as DropBoxParamsOf<"retry">;
        return this.engine.serial(() => {
          try {
            if (method === "reimport") return this.engine.reimport(id);
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
            this.log.warn(`watch ${index + 1}: block ${seq} of monitor ${id} was lost in transit; rescanning`);
            await this.engine.reconcileWatch(index, "lost block");
            this.blocks.coveredByRescan(id, seq);
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
    const old = this.blocks.unbindWatch(index);
    if (old) this.blocks.forgetMonitor(old);
    try {
      const link = (await this.linkFor(w)).link;
      const id = await link.createWatch(w);
      this.blocks.bind(index, id);
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
    const id = this.blocks.unbindWatch(index);
    this.startFailed.delete(index);
    this.problems.forgetPrefix(`start:${index}:`);
    if (!id) return;
    await this.links.of(index).link.release([id]);
    this.blocks.forgetMonitor(id);
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
    // Each partition waits for the start reconciliation to read it (then is grouped once), or
    // for its own walk when an event touches it first (core/walk-holds.ts). `admin start` waits
    // for ready, which is this reconciliation.
    const held = this.config.watches.map((w) => w.index);
    for (const i of held) this.engine.reconciler.hold(i);
    try {
      // A watch walked before (the ledger knows it) is walked while its monitor starts: creating a
      // monitor on a million files takes its MonitorServer half a minute, and what changes
      // meanwhile comes as the monitor's catch-up events (or a rescan notice) either way. A first
      // walk waits for the monitor's catch-up, so that a file dropped while the system was down is
      // seen by its event before the walk could record it as already there (existingFiles); a
      // remote watch waits for its monitor, whose `list` replaces the walk through the mount.
      const walks = new Map<number, Promise<number>>();
      const walk = (i: number) => walks.set(i, this.engine.reconcileWatch(i, "start"));
      for (const w of this.config.watches)
        if (!this.engine.ctx.firstWalks.has(w.index) && this.links.of(w.index).local) walk(w.index);
      for (const w of await this.watches.checkDirs(this.config.watches))
        if (!this.links.of(w.index).down) await this.startWatch(w.index);
      for (const w of this.config.watches) if (!walks.has(w.index)) walk(w.index);
      await Promise.all(walks.values());
    } finally {
      for (const i of held) this.engine.reconciler.release(i);
    }
    this.engine.requestTick();
    this.healthTimer = setInterval(() => void this.checkHealth(), this.opts.healthMs);
    this.startRescanTimer();
    // The omero importer's check of the OMERO side: `admin start` reports its failure (degraded).
    await this.beforeReady;
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
        const id = this.blocks.monitorOf(index);
        const st = id ? states.get(id) : undefined;
        if (!restarted && st && st.state === "started") {
          this.blocks.checkBehind(index, id!, st.seq);
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

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.log.info("DropBox stopping");
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.onStop();
    this.ledgerWrites.stop();
    await this.engine.stop(STOP_GRACE_MS);
    await Promise.race([
      Promise.all(
        this.links.all().map((e) => e.link.release(e.watches.flatMap((i) => this.blocks.monitorOf(i) ?? []))),
      ),
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
      onOmeroHealth: (h) => omeroHealthProblem(health, h),
    });
    server = new DropBoxServer(config, dbOpts, log, ledger, engine, home, ledgerWrites, health);
    if (g.importer === "omero") {
      const e = engine;
      const check = new OmeroStartCheck(
        config,
        health,
        log,
        (p) => void e.serial(() => e.imports.omeroLogin(p)),
        dbOpts.omeroCheckMs,
      );
      server.beforeReady = check.run();
      server.onStop = () => check.stop();
    }
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
