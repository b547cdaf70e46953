import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { type Logger, type OnceLog, onceLogger } from "@omero-fs/config";
import {
  ControlError,
  EXIT_NEEDS_ADMIN,
  HealthMessageSchema,
  ReadyMessageSchema,
  SERVER_NAMES,
  type ServerName,
} from "@omero-fs/protocol";
import type { NodeServerStatus } from "./methods";
import type { NodeOptions } from "./options";
import { decideOnExit, describeExit, exitReason } from "./policy";
import {
  CLI_BIN,
  isAlive,
  type NodeFiles,
  readNodeState,
  SERVER_SUBCOMMAND as SUBCOMMAND,
  writeNodeState,
} from "./records";
import { LineSplitter, ServerLogSink } from "./server-log";

/** Start order; stop order is the reverse (DropBox first: it is MonitorServer's client). */
const START_ORDER: ServerName[] = ["MonitorServer", "DropBox"];
/** Lines of output kept per server for the failure reason. */
const KEEP_LINES = 20;

type SlotState = "stopped" | "starting" | "running" | "failed";

interface Run {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  ready: boolean;
  /** Set when the node asked it to stop: its exit is then expected. */
  stopping: boolean;
  /** Start on demand: an exit before ready fails the start instead of entering the restart policy. */
  explicit: boolean;
  readyTimer: NodeJS.Timeout | null;
  killTimer: NodeJS.Timeout | null;
  exited: Promise<void>;
  /** Resolves true once ready, false if it exits first. */
  readyPromise: Promise<boolean>;
}

class Slot {
  state: SlotState = "stopped";
  enabled: boolean;
  run: Run | null = null;
  restarts = 0;
  quickFailures = 0;
  reason: string | null = null;
  /** What the running server reports keeps it from doing all of its job (HealthMessage). */
  problems: string[] = [];
  /** The same problems by what they are about (`ledger`, `watch:N`), when the server says. */
  checks: Record<string, string> = {};
  lastLines: string[] = [];
  restartTimer: NodeJS.Timeout | null = null;
  sink: ServerLogSink;
  constructor(
    readonly name: ServerName,
    enabled: boolean,
    sink: ServerLogSink,
  ) {
    this.enabled = enabled;
    this.sink = sink;
  }
}

export interface SupervisorDeps {
  home: string;
  files: NodeFiles;
  options: NodeOptions;
  logger: Logger;
  logMaxSize: number;
  logMaxFiles: number;
  /**
   * A foreground node (systemd, docker) passes this: every line a server writes (its log lines,
   * crash traces) is handed to it as well, so the journal has all three servers.
   */
  echo?: (line: string, server: ServerName) => void;
  /** The clock (ms); only tests pass another. */
  now?: () => number;
}

/**
 * Starts, watches and stops the servers (the IceGrid node's job). Owns the restart policy
 * (docs/ARCHITECTURE.md, "Processes"): a server just exits; the supervisor decides whether and when it runs again.
 */
export class Supervisor {
  private readonly slots: Record<ServerName, Slot>;
  private readonly now: () => number;
  /** Problems that repeat on every restart (a pid file that cannot be written) are logged once. */
  private readonly problems: OnceLog;
  phase: "starting" | "ready" | "stopping" = "starting";

  constructor(private readonly deps: SupervisorDeps) {
    this.now = deps.now ?? Date.now;
    this.problems = onceLogger(deps.logger);
    const state = readNodeState(deps.home);
    const mk = (name: ServerName) =>
      new Slot(
        name,
        state.enabled[name],
        new ServerLogSink(deps.files.logDir, name, deps.logMaxSize, deps.logMaxFiles),
      );
    this.slots = { MonitorServer: mk("MonitorServer"), DropBox: mk("DropBox") };
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  /** Start every enabled server in order, each waiting for the previous one to be ready. */
  async startAll(): Promise<void> {
    this.phase = "starting";
    for (const name of START_ORDER) {
      const slot = this.slots[name];
      if (this.phase !== "starting") return; // a shutdown came in meanwhile
      if (!slot.enabled) {
        this.log.info(
          `${name} is disabled: not starting it (enable it with: omero-fs admin ice server enable ${name})`,
        );
        continue;
      }
      await this.spawnAndWait(slot, true).catch(() => undefined);
    }
    if (this.phase === "starting") this.phase = "ready";
    this.log.info("node ready");
  }

  /** `ice server start`: start an enabled server (clears `failed`). Resolves once ready. */
  async start(name: ServerName): Promise<string> {
    const slot = this.slots[name];
    if (!slot.enabled) {
      throw new ControlError(
        "BAD_PARAMS",
        `${name} is disabled; enable it first: omero-fs admin ice server enable ${name}`,
      );
    }
    if (this.phase === "stopping") throw new ControlError("BAD_PARAMS", "the node is shutting down");
    if (slot.run && !slot.run.stopping) {
      if (slot.run.ready) return `${name} is already running (pid ${slot.run.pid})`;
      const ok = await slot.run.readyPromise;
      if (ok && slot.run) return `${name} started (pid ${slot.run.pid})`;
      throw new ControlError("INTERNAL", `${name} failed to start: ${slot.reason ?? "unknown reason"}`);
    }
    if (slot.run?.stopping) await slot.run.exited;
    this.cancelRestart(slot);
    slot.quickFailures = 0;
    await this.spawnAndWait(slot, true);
    return `${name} started (pid ${this.pidOf(slot)})`;
  }

  /** `ice server stop`: stop now; it stays stopped until `start` (or a node restart). */
  async stop(name: ServerName): Promise<string> {
    const slot = this.slots[name];
    const hadRestart = this.cancelRestart(slot);
    if (!slot.run) {
      if (slot.state === "starting" || hadRestart) slot.state = "stopped";
      return `${name} is not running`;
    }
    const pid = slot.run.pid;
    await this.terminate(slot);
    return `${name} stopped (was pid ${pid})`;
  }

  /** `ice server enable`: persisted; a server that was disabled is started (OMERO's "always" activation). */
  async enable(name: ServerName): Promise<string> {
    const slot = this.slots[name];
    if (slot.enabled) return `${name} is already enabled`;
    slot.enabled = true;
    this.persist();
    this.log.info(`${name} enabled`);
    if (this.phase !== "ready" || slot.run) return `${name} enabled`;
    slot.quickFailures = 0;
    await this.spawnAndWait(slot, true);
    return `${name} enabled and started (pid ${this.pidOf(slot)})`;
  }

  /** `ice server disable`: persisted; the node will not start it. A running server keeps running. */
  async disable(name: ServerName): Promise<string> {
    const slot = this.slots[name];
    if (this.cancelRestart(slot)) slot.state = "stopped";
    if (!slot.enabled) return `${name} is already disabled`;
    slot.enabled = false;
    this.persist();
    this.log.info(`${name} disabled`);
    if (slot.run && !slot.run.stopping) {
      return `${name} disabled; it is still running (stop it with: omero-fs admin ice server stop ${name})`;
    }
    return `${name} disabled`;
  }

  /** Stop DropBox, then MonitorServer (each SIGTERM, deadline, SIGKILL). */
  async shutdown(): Promise<void> {
    this.phase = "stopping";
    for (const name of [...START_ORDER].reverse()) {
      const slot = this.slots[name];
      this.cancelRestart(slot);
      if (slot.run) await this.terminate(slot);
    }
  }

  status(): NodeServerStatus[] {
    return SERVER_NAMES.map((name) => this.serverStatus(name));
  }

  serverStatus(name: ServerName): NodeServerStatus {
    const s = this.slots[name];
    const degraded = s.state === "running" && s.problems.length > 0;
    return {
      name,
      enabled: s.enabled,
      state: degraded ? "degraded" : s.state,
      pid: s.run?.pid ?? null,
      restarts: s.restarts,
      log: s.sink.file,
      reason: degraded ? s.problems.join("; ") : s.reason,
      startedAt: s.run ? new Date(s.run.startedAt).toISOString() : null,
    };
  }

  /**
   * A running server's problems by what they are about (`ledger`, `watch:N`); null when it is not
   * running (nothing is known then).
   */
  checks(name: ServerName): Record<string, string> | null {
    const s = this.slots[name];
    return s.state === "running" ? s.checks : null;
  }

  /** A server reported what keeps it from doing all of its job (empty: healthy again). */
  private health(slot: Slot, problems: string[], checks: Record<string, string> = {}): void {
    const was = slot.problems.join("; ");
    slot.problems = problems;
    slot.checks = checks;
    const now = problems.join("; ");
    if (now === was) return;
    if (problems.length > 0) this.log.warn(`${slot.name} is degraded: ${now}`);
    else this.log.info(`${slot.name} is healthy again`);
  }

  /** A method (not a property read) so TypeScript does not narrow `slot.run` across awaits. */
  private pidOf(slot: Slot): number | string {
    return slot.run?.pid ?? "?";
  }

  private persist(): void {
    writeNodeState(this.deps.home, {
      enabled: { MonitorServer: this.slots.MonitorServer.enabled, DropBox: this.slots.DropBox.enabled },
    });
  }

  private cancelRestart(slot: Slot): boolean {
    if (!slot.restartTimer) return false;
    clearTimeout(slot.restartTimer);
    slot.restartTimer = null;
    return true;
  }

  /** Spawn and wait for ready; on an explicit start, rejects with the reason when it fails. */
  private async spawnAndWait(slot: Slot, explicit: boolean): Promise<void> {
    const run = this.spawn(slot, explicit);
    const ok = await run.readyPromise;
    if (!ok) throw new ControlError("INTERNAL", `${slot.name} failed to start: ${slot.reason ?? "unknown"}`);
  }

  private argv(name: ServerName): string[] {
    // --quiet: the server logs to its file only; its stderr then carries nothing but what its
    // logger could not (crash traces), which the node appends to the same file.
    // Echoed (foreground): the server also logs to its stderr, which the node passes on.
    const tail = ["--home", this.deps.home, SUBCOMMAND[name], ...(this.deps.echo ? [] : ["--quiet"])];
    const override = this.deps.options.commandOverride[name];
    // A 4 MiB semi-space keeps V8's young generation from growing to 32 MiB in a burst: the
    // MonitorServer's peak RSS at 50,000 files drops from ~140 to ~120 MiB at the same CPU.
    return override ? [...override, ...tail] : [process.execPath, "--max-semi-space-size=4", CLI_BIN, ...tail];
  }

  private spawn(slot: Slot, explicit: boolean): Run {
    const [cmd, ...args] = this.argv(slot.name);
    slot.state = "starting";
    slot.lastLines = [];
    slot.problems = [];
    slot.checks = {};
    const startedAt = this.now();
    const child = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // Own process group: a Ctrl-C in the node's terminal reaches the node only, which then
      // stops the servers in order instead of all of them dying at once.
      detached: true,
      env: { ...process.env, OMERO_FS_SUPERVISED: "1" },
    });
    let markReady: (ok: boolean) => void = () => undefined;
    const readyPromise = new Promise<boolean>((r) => {
      markReady = r;
    });
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((r) => {
      markExited = r;
    });
    const run: Run = {
      child,
      pid: child.pid ?? -1,
      startedAt,
      ready: false,
      stopping: false,
      explicit,
      readyTimer: null,
      killTimer: null,
      exited,
      readyPromise,
    };
    slot.run = run;
    if (child.pid !== undefined) {
      this.log.info(`starting ${slot.name} (pid ${child.pid}): ${[cmd, ...args].join(" ")}`);
      try {
        fs.writeFileSync(this.deps.files.serverPidFile(slot.name), `${child.pid}\n`);
        this.problems.forget(`pidfile:${slot.name}`);
      } catch (e) {
        this.problems.once(
          `pidfile:${slot.name}`,
          "warn",
          `cannot write ${slot.name}'s pid file: ${(e as Error).message}`,
        );
      }
    }

    for (const stream of ["stdout", "stderr"] as const) {
      const splitter = new LineSplitter();
      const src = child[stream];
      src?.setEncoding("utf8");
      const take = (lines: string[]) => {
        if (lines.length === 0) return;
        slot.sink.append(lines, stream);
        if (this.deps.echo) for (const l of lines) this.deps.echo(l, slot.name);
        slot.lastLines.push(...lines);
        if (slot.lastLines.length > KEEP_LINES) slot.lastLines.splice(0, slot.lastLines.length - KEEP_LINES);
      };
      src?.on("data", (chunk: string) => take(splitter.push(chunk)));
      src?.on("end", () => take(splitter.flush()));
    }

    child.on("message", (msg) => {
      const h = HealthMessageSchema.safeParse(msg);
      if (h.success) {
        if (h.data.server === slot.name && slot.run === run) this.health(slot, h.data.problems, h.data.checks);
        return;
      }
      const m = ReadyMessageSchema.safeParse(msg);
      if (!m.success || m.data.server !== slot.name || run.ready || slot.run !== run) return;
      run.ready = true;
      if (run.readyTimer) clearTimeout(run.readyTimer);
      if (!run.stopping) slot.state = "running";
      slot.reason = null;
      const secs = ((this.now() - run.startedAt) / 1000).toFixed(2);
      this.log.info(`${slot.name} is ready (pid ${run.pid}, ${secs} s after spawn)`);
      markReady(true);
    });

    run.readyTimer = setTimeout(() => {
      run.readyTimer = null;
      if (run.ready || run.stopping) return;
      slot.lastLines.push(`(no ready message within ${this.deps.options.readyTimeoutMs} ms)`);
      this.log.error(
        `${slot.name} (pid ${run.pid}) sent no ready message within ${this.deps.options.readyTimeoutMs} ms; killing it`,
      );
      this.kill(run, "SIGKILL");
    }, this.deps.options.readyTimeoutMs);

    let done = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (done) return;
      done = true;
      if (run.readyTimer) clearTimeout(run.readyTimer);
      if (run.killTimer) clearTimeout(run.killTimer);
      if (spawnError) slot.lastLines.push(`cannot run ${cmd}: ${spawnError.message}`);
      this.onExit(slot, run, code, signal);
      markReady(false);
      markExited();
    };
    // "close" (not "exit"): the pipes are drained by then, so a crash trace is in the log and in
    // lastLines before the reason is computed.
    child.on("close", (code, signal) => onEnd(code, signal));
    child.on("error", (e) => {
      // Spawn failure (ENOENT, EACCES): no close follows when the process never started.
      if (child.pid === undefined) onEnd(null, null, e);
    });
    return run;
  }

  private onExit(slot: Slot, run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.run !== run) return;
    slot.run = null;
    try {
      fs.rmSync(this.deps.files.serverPidFile(slot.name), { force: true });
    } catch {
      // best effort: a stale server pid file is checked against the process before use
    }
    const ranMs = this.now() - run.startedAt;
    const lastLine = slot.lastLines.length ? slot.lastLines[slot.lastLines.length - 1] : null;
    if (run.stopping) {
      slot.state = "stopped";
      this.log.info(`${slot.name} stopped (pid ${run.pid}, ${describeExit(code, signal)})`);
      return;
    }
    const reason = exitReason(code, signal, ranMs, lastLine);
    if (!run.ready && run.explicit) {
      slot.state = "failed";
      slot.reason = `failed to start: ${reason}`;
      this.log.error(`${slot.name} (pid ${run.pid}) failed to start: ${reason}`);
      return;
    }
    if (!slot.enabled || this.phase === "stopping") {
      slot.state = "stopped";
      slot.reason = reason;
      this.log.warn(
        `${slot.name} (pid ${run.pid}) ${reason}; not restarting it (${slot.enabled ? "node stopping" : "disabled"})`,
      );
      return;
    }
    const needsAdmin = code === EXIT_NEEDS_ADMIN;
    const d = decideOnExit(slot.quickFailures, run.startedAt, this.now(), this.deps.options.policy, needsAdmin);
    slot.quickFailures = d.quickFailures;
    if (d.action === "fail" && needsAdmin) {
      slot.state = "failed";
      slot.reason = `not restarted (a restart cannot help): ${reason}`;
      this.log.error(`${slot.name} ${slot.reason}`);
      return;
    }
    if (d.action === "fail") {
      slot.state = "failed";
      slot.reason = `gave up after ${d.quickFailures} failures in a row, each within ${
        this.deps.options.policy.quickFailureMs / 1000
      } s of its start; last: ${reason}`;
      this.log.error(
        `${slot.name} ${slot.reason}; left stopped (start it again with: omero-fs admin ice server start ${slot.name})`,
      );
      return;
    }
    slot.state = "starting";
    slot.reason = `${reason}; restarting in ${(d.delayMs / 1000).toFixed(1)} s`;
    this.log.warn(`${slot.name} (pid ${run.pid}) ${reason}; restarting in ${(d.delayMs / 1000).toFixed(1)} s`);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (!slot.enabled || this.phase === "stopping" || slot.run) return;
      slot.restarts += 1;
      this.log.info(`restarting ${slot.name} (restart ${slot.restarts})`);
      this.spawn(slot, false);
    }, d.delayMs);
  }

  /** Send a signal to a running server that is ready (its handlers are installed by then). */
  signal(name: ServerName, signal: NodeJS.Signals): void {
    const run = this.slots[name].run;
    if (run?.ready && !run.stopping) this.kill(run, signal);
  }

  private kill(run: Run, signal: NodeJS.Signals): void {
    try {
      if (isAlive(run.pid)) process.kill(run.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, wait up to the server's deadline, then SIGKILL; resolves when it has exited. */
  private async terminate(slot: Slot): Promise<void> {
    const run = slot.run;
    if (!run) return;
    if (!run.stopping) {
      run.stopping = true;
      const deadline = this.deps.options.stopTimeoutMs[slot.name];
      this.log.info(`stopping ${slot.name} (pid ${run.pid}): SIGTERM, SIGKILL after ${deadline} ms`);
      this.kill(run, "SIGTERM");
      run.killTimer = setTimeout(() => {
        this.log.warn(`${slot.name} (pid ${run.pid}) did not exit within ${deadline} ms of SIGTERM: SIGKILL`);
        this.kill(run, "SIGKILL");
      }, deadline);
    }
    await run.exited;
  }
}
