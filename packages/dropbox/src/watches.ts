/**
 * The watches' lifecycle in the DropBox (docs/ARCHITECTURE.md, "Watch folders" and "Reload"): a
 * watchDir that is missing (unmounted share, typo) or disappears is a health problem (`admin
 * status`: DropBox degraded, exit 2) until it is there again, and its monitor starts by itself
 * then; a reload adds, removes and re-creates watches. How a monitor is created and where its
 * events go is the server's business (WatchHost): this module decides when.
 */
import * as fs from "node:fs";
import type { Logger, OmeroFsConfig, OnceLog, WatchConfig } from "@omero-fs/config";
import { type Catalogue, defaultCatalogue, loadReadersFile } from "@omero-fs/readers";
import type { WatchChange } from "./core/watch-plan";
import type { HealthProblems } from "./health";

export interface WatchHost {
  /** Create and start the monitor of a watch, replacing its old one; false when it cannot (logged). */
  startMonitor(index: number): Promise<boolean>;
  /** Does this watch have a started monitor? */
  hasMonitor(index: number): boolean;
  /** Stop and destroy the monitor of a watch (its snapshot is written) and forget it. */
  releaseMonitor(index: number): Promise<void>;
  /** Walk the watch and record what the ledger does not know. */
  reconcile(index: number, why: string): Promise<number>;
  /** Regroup the watch's files not yet imported (its whitelist or readers changed). */
  regroup(index: number): Promise<number>;
  /** Mark the removed watch's waiting filesets with why they wait; how many there are. */
  retireWaiting(index: number, why: string): Promise<number>;
}

/** Each watch's readers catalogue, by watch index (a readers file that cannot be read throws). */
export function cataloguesOf(config: OmeroFsConfig): Map<number, Catalogue> {
  return new Map(config.watches.map((w) => [w.index, w.readers ? loadReadersFile(w.readers) : defaultCatalogue()]));
}

/** The health key of a watch (HealthProblems). */
export const watchHealthKey = (index: number): string => `watch:${index + 1}`;

/** A stat of a hung network mount may never return: after this long the folder "does not answer". */
const STAT_TIMEOUT_MS = 5000;

type DirLook = "dir" | "missing" | "hung";

export class WatchLifecycle {
  /** Watch index -> its folder was missing at the last look (the monitor waits or is not started). */
  private readonly missing = new Set<number>();
  /** Watch index -> the missing-folder reason last logged (a new reason is said at error again). */
  private readonly reasons = new Map<number, string>();
  /** One stat per folder at a time: a hung mount must not pile up stats in libuv's thread pool. */
  private readonly inflight = new Map<string, Promise<DirLook>>();

  /** Is `dir` a directory now? A cheap stat, once per health period and watch. */
  private look(dir: string): Promise<DirLook> {
    let p = this.inflight.get(dir);
    if (!p) {
      p = fs.promises.stat(dir).then(
        (st): DirLook => (st.isDirectory() ? "dir" : "missing"),
        (): DirLook => "missing",
      );
      const mine = p;
      void p.finally(() => {
        if (this.inflight.get(dir) === mine) this.inflight.delete(dir);
      });
      this.inflight.set(dir, p);
    }
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<DirLook>((r) => {
      timer = setTimeout(() => r("hung"), STAT_TIMEOUT_MS);
    });
    return Promise.race([p, hung]).finally(() => clearTimeout(timer));
  }

  constructor(
    private readonly host: WatchHost,
    private readonly health: HealthProblems,
    private readonly log: Logger,
    /** A missing folder is logged once per reason (the health check looks every second). */
    private readonly problems: OnceLog,
  ) {}

  private label(w: WatchConfig): string {
    return `watch ${w.index + 1} (${w.user})`;
  }

  /**
   * Look at each watch folder: a missing one is a health problem (and its monitor is not asked to
   * start: that would fail); one that is back starts its monitor if it has none, and is walked.
   * Returns the watches whose monitor the caller should still check or start.
   */
  async checkDirs(watches: WatchConfig[]): Promise<WatchConfig[]> {
    const present: WatchConfig[] = [];
    for (const w of watches) {
      const look = await this.look(w.watchDir);
      if (look === "dir") {
        present.push(w);
        this.reasons.delete(w.index);
        this.problems.forgetPrefix(`watchdir:${w.index}:`);
        if (this.missing.delete(w.index)) {
          this.log.warn(`${this.label(w)}: watchDir ${w.watchDir} is there again`);
          this.health.clear(watchHealthKey(w.index));
          if (this.host.hasMonitor(w.index)) void this.host.reconcile(w.index, "watch folder back");
        }
        continue;
      }
      const started = this.host.hasMonitor(w.index);
      const reason =
        look === "hung"
          ? `${this.label(w)}: watchDir ${w.watchDir} does not answer (a hung network mount?); watching resumes by itself when it answers`
          : started
            ? `${this.label(w)}: watchDir ${w.watchDir} is gone (unmounted share, deleted or moved?); watching resumes by itself when the folder is back`
            : `${this.label(w)}: watchDir ${w.watchDir} does not exist; it starts by itself when the folder appears`;
      // Logged once per reason (the health check looks every second).
      if (this.reasons.get(w.index) !== reason) this.problems.forgetPrefix(`watchdir:${w.index}:`);
      this.reasons.set(w.index, reason);
      this.problems.once(
        `watchdir:${w.index}:${reason}`,
        "error",
        `${reason} (mount it, create it, or fix omero.fs.watchDir and run omero-fs admin reload)`,
      );
      this.missing.add(w.index);
      this.health.set(watchHealthKey(w.index), reason);
    }
    return present;
  }

  /** Was the watch's folder missing at the last look? */
  isMissing(index: number): boolean {
    return this.missing.has(index);
  }

  /** A monitor could not start although the folder is there (permissions, MonitorServer refused it). */
  startFailed(w: WatchConfig, reason: string): void {
    this.health.set(watchHealthKey(w.index), `${this.label(w)}: cannot watch ${w.watchDir}: ${reason}`);
  }

  started(w: WatchConfig): void {
    this.missing.delete(w.index);
    this.health.clear(watchHealthKey(w.index));
  }

  /**
   * Apply a reload's watch changes, one watch at a time. A re-created monitor replaces the old
   * one after that one wrote its snapshot, so the new one catches up from it, and the walk that
   * follows finds anything else: no event is lost. A removed watch's monitor is destroyed; its
   * ledger rows stay (adding the slot back resumes it). Returns what could not be applied now
   * (a monitor that cannot start: its folder is missing, its MonitorServer does not answer), with
   * why; each is applied by itself once it can be.
   */
  async apply(changes: WatchChange[]): Promise<string[]> {
    const notApplied: string[] = [];
    for (const c of changes) {
      const w = c.watch;
      switch (c.kind) {
        case "removed":
          await this.host.releaseMonitor(c.index);
          this.missing.delete(c.index);
          this.health.clear(watchHealthKey(c.index));
          {
            const n = await this.host.retireWaiting(
              c.index,
              `not imported: ${this.label(w)} was removed from the configuration (omero.fs.importUsers); add it back and run omero-fs admin reload to import it`,
            );
            this.log.info(
              `${this.label(w)}: removed by reload; monitor destroyed, its ledger rows are kept${n > 0 ? `; its ${n} waiting fileset(s) are not imported unless the watch is added back` : ""}`,
            );
          }
          break;
        case "added":
        case "recreate": {
          const why = c.kind === "added" ? "new watch" : "watch changed by reload";
          if (c.kind === "recreate") await this.host.releaseMonitor(c.index);
          this.missing.delete(c.index);
          this.health.clear(watchHealthKey(c.index));
          // A missing folder: checkDirs reports it and starts the watch when the folder appears.
          if ((await this.checkDirs([w])).length > 0 && (await this.host.startMonitor(c.index)))
            void this.host.reconcile(c.index, why);
          else
            notApplied.push(
              `${this.health.get(watchHealthKey(c.index)) ?? `${this.label(w)}: its monitor does not run yet`} (its monitor starts by itself then)`,
            );
          if (c.regroup) await this.host.regroup(c.index);
          break;
        }
        case "regroup":
          await this.host.regroup(c.index);
          break;
        case "plain":
          break;
      }
    }
    return notApplied;
  }
}
