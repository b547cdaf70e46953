/**
 * In-process pipeline for tests: the real Engine and steps, an in-memory ledger (better-sqlite3
 * ":memory:" through the ledger module), a hand-driven clock, a scripted importer (it stands in for
 * OMERO, which cannot run here), real files in a temp folder. Time moves only when the test says so.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Logger, WatchConfig } from "@omero-fs/config";
import { defaultCatalogue } from "@omero-fs/readers";
import { dv } from "../../../readers/src/__golden__/make/dv";
import type { Clock } from "../clock";
import type { ProbePolicy } from "../core/omero-health";
import { DEFAULT_RETRY } from "../core/retry";
import { Engine } from "../engine";
import type { ServerProblem, UsedFilesGroup } from "../importers/omero-output";
import type { ImportOutcome, ImportRequest, Importer } from "../importers/types";
import { Ledger } from "../ledger";
import type { DropBoxOptions } from "../options";

export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void }[] = [];
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const h = { at: this.t + ms, fn };
    this.timers.push(h);
    return h;
  }
  clearTimer(h: unknown): void {
    this.timers = this.timers.filter((x) => x !== h);
  }
  /** The earliest timer due at or before `t`, removed; null when none. */
  takeDue(t: number): { at: number; fn: () => void } | null {
    let best: { at: number; fn: () => void } | null = null;
    for (const h of this.timers) if (h.at <= t && (!best || h.at < best.at)) best = h;
    if (best) this.clearTimer(best);
    return best;
  }
}

export interface Start {
  id: number;
  user: string;
  entry: string;
  files: string[];
  at: number;
}

export interface PipelineOptions {
  quietMs?: number;
  throttleMs?: number;
  fileBatch?: number;
  concurrency?: number;
  retries?: number;
  retryBaseMs?: number;
  incompleteWaitMs?: number;
  /** Outcome of the n-th run (1-based) overall; default ok. */
  outcome?: (n: number, req: ImportRequest) => Partial<ImportOutcome>;
  /** An omero-like importer's probe: the n-th probe's answer (null: OMERO answers). */
  probe?: (n: number) => ServerProblem | null;
  probePolicy?: ProbePolicy;
  /** An omero-like importer's `import -f` (omero.fs.confirmFilesets on): the groups for these paths. */
  usedFiles?: (paths: string[]) => UsedFilesGroup[];
  /** The importer can take back a run's result (as the local importer can). */
  discard?: boolean;
}

export class Pipeline {
  readonly dir: string;
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly ledger = Ledger.open(":memory:");
  readonly starts: Start[] = [];
  readonly engine: Engine;
  readonly lines: string[] = [];
  readonly probes: number[] = [];
  /** The paths of each usedFiles call. */
  readonly confirms: string[][] = [];
  /** Targets of runs the DropBox asked the importer to take back. */
  readonly discarded: (string | null)[] = [];

  constructor(o: PipelineOptions = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-pipe-"));
    const config = {
      index: 0,
      user: "default",
      watchDir: this.dir,
      whitelist: [],
      blacklist: [],
      pathMode: "Follow",
      ignoreSysFiles: true,
      importArgs: "",
    } as unknown as WatchConfig;
    const opts: DropBoxOptions = {
      watches: [
        {
          index: 0,
          user: "default",
          watchDir: this.dir,
          quietMs: o.quietMs ?? 1000,
          settleMs: 0,
          importWhenComplete: true,
          companionWaitMs: 600_000,
          incompleteWaitMs: o.incompleteWaitMs ?? 86_400_000,
          completeMarker: "",
          throttleMs: o.throttleMs ?? 0,
          fileBatch: o.fileBatch ?? 10,
          whitelist: [],
          config,
        },
      ],
      importer: "local",
      concurrency: o.concurrency ?? 1,
      retry: { retries: o.retries ?? 3, baseMs: o.retryBaseMs ?? DEFAULT_RETRY.baseMs, maxMs: DEFAULT_RETRY.maxMs },
      importTimeoutMs: 60_000,
      maxFilesetSize: 0,
      localRepository: null,
      rescanIntervalMs: 0,
      reimportModified: false,
      healthMs: 1000,
      backlogPaths: 5000,
      dropBlocks: 0,
      walkDirDelayMs: 0,
      walkGate: null,
      applyBlockDelayMs: 0,
      probe: o.probePolicy ?? { baseMs: 1000, maxMs: 8000 },
      confirmFilesets: o.usedFiles !== undefined,
    };
    const importer: Importer = {
      kind: "local",
      run: async (req) => {
        this.starts.push({
          id: req.filesetId,
          user: req.user,
          entry: req.entry,
          files: req.files,
          at: this.clock.now(),
        });
        const d = o.outcome?.(this.starts.length, req) ?? {};
        return { ok: true, retryable: true, target: `t${req.filesetId}`, images: null, error: null, ...d };
      },
      recover: async () => ({ state: "redo" }),
      ...(o.discard
        ? {
            discard: async (_req: ImportRequest, out: ImportOutcome) => {
              this.discarded.push(out.target);
            },
          }
        : {}),
      ...(o.usedFiles
        ? {
            usedFiles: async (_w: WatchConfig, paths: string[]) => {
              this.confirms.push(paths);
              return o.usedFiles!(paths);
            },
          }
        : {}),
      ...(o.probe
        ? {
            probe: async () => {
              this.probes.push(this.clock.now());
              return o.probe!(this.probes.length);
            },
          }
        : {}),
    };
    const line = (level: string) => (msg: string) => {
      this.lines.push(`${level} ${msg}`);
    };
    const log = {
      info: line("info"),
      warn: line("warn"),
      error: line("error"),
      debug: line("debug"),
      log: (level: string, msg: string) => line(level)(msg),
    } as unknown as Logger;
    this.engine = new Engine({
      opts,
      ledger: this.ledger,
      log,
      importer,
      catalogues: new Map([[0, defaultCatalogue()]]),
      clock: this.clock,
    });
  }

  /** Write a file under the DropBox folder and report it to intake at the current time. */
  /** Default content: a whole minimal DeltaVision image (its magic number passes DeltavisionReader's content check). */
  async drop(rel: string, content: string | Buffer = dv()): Promise<string> {
    const p = path.join(this.dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    await this.engine.serial(() => this.engine.observePaths(0, [p]));
    this.engine.requestTick();
    await this.engine.settle();
    return p;
  }

  /** Move time to `t` (absolute), firing every timer due on the way, in order. */
  async advanceTo(t: number): Promise<void> {
    await this.engine.settle();
    for (;;) {
      const h = this.clock.takeDue(t);
      if (!h) break;
      this.clock.t = Math.max(this.clock.t, h.at);
      h.fn();
      await this.engine.settle();
    }
    this.clock.t = t;
    await this.engine.settle();
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.clock.t + ms);
  }

  stateOf(rel: string): string | undefined {
    return this.ledger.files.byPath(path.join(this.dir, rel))?.state;
  }

  async close(): Promise<void> {
    await this.engine.stop(0);
    this.ledger.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
