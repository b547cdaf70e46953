/** What every step of the DropBox pipeline shares (built by engine.ts, the coordinator). */
import type { Logger } from "@omero-fs/config";
import type { Clock } from "./clock";
import type { Importer } from "./importers/types";
import type { Ledger } from "./ledger";
import type { DropBoxOptions, WatchOptions } from "./options";

export interface Context {
  /** Replaced wholesale by a reload (Engine.reload): read it each time, never cache its values. */
  opts: DropBoxOptions;
  readonly ledger: Ledger;
  readonly log: Logger;
  readonly clock: Clock;
  readonly importer: Importer;
  watch(index: number): WatchOptions;
  /** Log `msg` at `level` the first time `key` is seen, at debug after that. */
  once(key: string, level: "debug" | "info" | "warn" | "error", msg: string): void;
  /** Forget the once-keys starting with `prefix` (the problem went away: say it again if it comes back). */
  forgetOnce(prefix: string): void;
  /** These filesets changed: readiness judges them again. Without ids: look for waiting filesets it does not know. */
  readinessChanged(filesets?: readonly number[]): void;
  /** Ask for a pipeline tick (grouping, readiness, scheduling) on the serial chain. */
  requestTick(): void;
  /** Run `fn` after every earlier ledger task (one serial chain for every ledger write). */
  serial<T>(fn: () => Promise<T> | T): Promise<T>;
  stopping(): boolean;
  /** Whether a reconciliation walk holds this partition: not grouped, not judged ready (core/walk-holds.ts). */
  held(watch: number, user: string, part: string): boolean;
  /** An event touched a held partition: walk it ahead of the reconciliation. */
  walkAhead(watch: number, user: string, part: string): void;
  /**
   * Watches whose first walk (no ledger history: omero.fs.existingFiles) runs in this process:
   * when it started, and when it ended (null while it runs).
   */
  readonly firstWalks: Map<number, { startedMs: number; endedMs: number | null }>;
}

/** Per-fileset lines logged for one burst before they are summarised. */
export const BURST_LINES = 50;

/**
 * Lines of one burst (new filesets, queued filesets): the first BURST_LINES and the last. A
 * 100,000-file drop must not queue 200,000 lines in the logger (hundreds of MiB), nor build them.
 */
export class Burst {
  n = 0;
  readonly lines: string[] = [];
  last = "";
  add(line: string): void {
    this.n += 1;
    this.last = line;
    if (this.lines.length < BURST_LINES) this.lines.push(line);
  }

  log(log: Logger, summary: (n: number, first: string, last: string) => string): void {
    if (this.n <= BURST_LINES) for (const l of this.lines) log.info(l);
    else log.info(summary(this.n, this.lines[0]!, this.last));
  }
}
