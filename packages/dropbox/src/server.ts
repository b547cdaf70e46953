/**
 * The DropBox process's start-up (docs/ARCHITECTURE.md, "Processes"): load the config, open the
 * ledger, build the engine, bind the control socket (control-methods.ts), connect to the
 * MonitorServers and start the monitors (monitor-supervisor.ts), run the first reconciliation,
 * then say ready; and the reverse on stop. Also `reload`, which touches all of them.
 */
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
} from "@omero-fs/config";
import { ControlError, DropBoxMethodParams, DropBoxMethodResults } from "@omero-fs/protocol";
import { ControlServer } from "@omero-fs/protocol/zmq";
import type { Catalogue } from "@omero-fs/readers";
import { controlHandlers, probeRunning } from "./control-methods";
import { ledgerWriteFailure } from "./core/ledger-health";
import { invariantLine } from "./core/ledger-invariant";
import { Engine } from "./engine";
import { HealthProblems } from "./health";
import { createImporter } from "./importers";
import { Ledger } from "./ledger";
import { LedgerWrites } from "./ledger-health";
import { MonitorSupervisor } from "./monitor-supervisor";
import { type DropBoxOptions, planReload, resolveOptions } from "./options";
import { cataloguesOf } from "./watches";
import { omeroHealthProblem, omeroStatus } from "./omero-status";
import { OmeroStartCheck } from "./omero-start-check";

/** Grace for in-flight imports on SIGTERM; the whole stop stays under 10 s. */
const STOP_GRACE_MS = 6000;

export interface DropBoxHandle {
  stop(): Promise<void>;
}

/** The parts of a running DropBox, as runDropBox built them. */
interface Parts {
  config: OmeroFsConfig;
  opts: DropBoxOptions;
  log: Logger;
  problems: OnceLog;
  ledger: Ledger;
  engine: Engine;
  home: string;
  ledgerWrites: LedgerWrites;
  /** What keeps this DropBox from doing all of its job; `admin status` shows it as `degraded`. */
  health: HealthProblems;
}

class DropBoxServer {
  private ready = false;
  private stopped = false;
  private healthTimer: NodeJS.Timeout | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** Its watches are replaced by a reload; the global part is the one the process started with. */
  private config: OmeroFsConfig;
  private opts: DropBoxOptions;
  private readonly log: Logger;
  private readonly engine: Engine;
  private readonly monitors: MonitorSupervisor;
  private readonly control: ControlServer<typeof DropBoxMethodParams, typeof DropBoxMethodResults>;
  /** Waited for before the DropBox says it is ready (the omero importer's start check). */
  beforeReady: Promise<void> = Promise.resolve();
  onStop: () => void = () => undefined;

  constructor(private readonly p: Parts) {
    this.config = p.config;
    this.opts = p.opts;
    this.log = p.log;
    this.engine = p.engine;
    this.monitors = new MonitorSupervisor({
      config: () => this.config,
      opts: () => this.opts,
      home: p.home,
      log: p.log,
      problems: p.problems,
      health: p.health,
      engine: p.engine,
      ready: () => this.ready,
      stopped: () => this.stopped,
    });
    this.control = new ControlServer({
      endpoint: p.config.global.dropboxControl,
      methods: DropBoxMethodParams,
      results: DropBoxMethodResults,
      handlers: controlHandlers({
        engine: p.engine,
        monitors: this.monitors,
        ready: () => this.ready,
        watches: () => this.config.watches,
        problems: () => p.health.reasons(),
        reload: () => this.reload(),
        omero: () => omeroStatus(p.config.global.importer, p.engine.omeroHealth()),
      }),
      log: p.log,
      // On tcp://: CURVE with etc/curve/authorized_keys, or refused unless omero.fs.insecureTcp.
      tcp: { home: p.home, insecureTcp: p.config.global.insecureTcp, what: "DropBox control endpoint", log: p.log },
      zapDomain: "dropbox-control",
    });
  }

  /**
   * Re-read the config (a bad one, or a readers file that cannot be read, throws: nothing
   * changes), apply what can change live: options, readers catalogues, log level, and the watches
   * (added, removed, monitors re-created: watches.ts).
   */
  private async reload(): Promise<{ applied: string[]; restart: string[]; notApplied: string[] }> {
    let fresh: OmeroFsConfig;
    let catalogues: Map<number, Catalogue>;
    try {
      fresh = loadConfigOrThrow({ home: this.p.home });
      catalogues = cataloguesOf(fresh);
    } catch (e) {
      throw new ControlError("BAD_PARAMS", `config not reloaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    const differs = (i: number) => {
      const running = this.engine.catalogue(i);
      return running !== undefined && JSON.stringify(running.readers) !== JSON.stringify(catalogues.get(i)?.readers);
    };
    const plan = planReload(this.opts, resolveOptions(fresh), differs);
    // One lifecycle change at a time: the health check also starts monitors.
    const notApplied = await this.monitors.exclusive(async () => {
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
      return this.monitors.applyWatchChanges(plan.watches);
    });
    this.log.info(
      `reload: applied ${plan.applied.join(", ") || "nothing"}; needs restart: ${plan.restart.join(", ") || "nothing"}${notApplied.length > 0 ? `; not yet in effect: ${notApplied.join("; ")}` : ""}`,
    );
    return { applied: plan.applied, restart: plan.restart, notApplied };
  }

  private prepareWatchDirs(): void {
    for (const w of this.config.watches) {
      if (fs.existsSync(w.watchDir)) continue;
      const known = this.p.ledger.files.countInWatch(w.index);
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
    this.engine.planFirstWalks();
    await this.monitors.connect();
    if (this.stopped) return;
    // Each partition waits for the start reconciliation to read it (then is grouped once), or
    // for its own walk when an event touches it first (core/walk-holds.ts). `admin start` waits
    // for ready, which is this reconciliation.
    const held = this.config.watches.map((w) => w.index);
    for (const i of held) this.engine.holdWatch(i);
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
        if (!this.engine.hasFirstWalk(w.index) && this.monitors.isLocal(w.index)) walk(w.index);
      await this.monitors.startMonitors();
      for (const w of this.config.watches) if (!walks.has(w.index)) walk(w.index);
      await Promise.all(walks.values());
    } finally {
      for (const i of held) this.engine.endHold(i);
    }
    this.engine.requestTick();
    this.healthTimer = setInterval(() => void this.monitors.checkHealth(), this.opts.healthMs);
    // A failed checkpoint (a ledger that cannot be written) is the chain's (ledger-health.ts).
    this.checkpointTimer = setInterval(
      () => void this.engine.checkpointLedger().catch(() => undefined),
      this.opts.checkpointMs,
    );
    this.startRescanTimer();
    // The omero importer's check of the OMERO side: `admin start` reports its failure (degraded).
    await this.beforeReady;
    this.ready = true;
    this.log.info("DropBox ready");
    if (process.send) process.send({ type: "ready", server: "DropBox" });
    void this.checkLedgerAfterStart();
  }

  /**
   * After every start, once what the start walked is grouped: the ledger's invariant (nothing a
   * crash left seen-not-grouped, grouped into nothing, ...), logged as holding or with each problem.
   */
  private async checkLedgerAfterStart(): Promise<void> {
    try {
      const v = await this.engine.checkInvariant();
      if (!v || this.stopped) return;
      this.log.log(v.ok ? "info" : "error", invariantLine(v, v.files));
    } catch (e) {
      if (!this.stopped) this.log.warn(`ledger invariant not checked: ${e instanceof Error ? e.message : String(e)}`);
    }
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

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.log.info("DropBox stopping");
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.onStop();
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.p.ledgerWrites.stop();
    await this.engine.stop(STOP_GRACE_MS);
    await this.monitors.stop();
    await this.control.close();
    this.p.ledger.close();
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
    const other = await probeRunning(opts.home, g.dropboxControl);
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
      probeMs: () => dbOpts.ledgerProbeMs,
      engine: () => engine!,
      watches: () => config.watches.map((w) => w.index),
      fatal: (message) => {
        log.error(`DropBox stops: ${message}`);
        opts.onFatal?.(message);
      },
    });
    // One log-once memory for the whole process: a problem one part noticed is not said again by another.
    const problems = onceLogger(log);
    engine = new Engine({
      opts: dbOpts,
      ledger,
      log,
      problems,
      importer,
      catalogues,
      onTaskError: (e) => ledgerWrites.onTaskError(e),
      onOmeroHealth: (h) => omeroHealthProblem(health, h),
    });
    server = new DropBoxServer({ config, opts: dbOpts, log, problems, ledger, engine, home, ledgerWrites, health });
    if (g.importer === "omero") {
      const e = engine;
      const check = new OmeroStartCheck(config, health, log, (p) => void e.omeroLogin(p), dbOpts.omeroCheckMs);
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
