/**
 * What the steps of the DropBox pipeline share, in small pieces: each step's constructor names the
 * pieces it uses (its own `...Context` type, beside the step), so who calls whom is in the types.
 * engine.ts builds them.
 */
import type { Logger, OnceLog } from "@omero-fs/config";
import type { Clock } from "./clock";
import type { Ledger } from "./ledger";
import type { DropBoxOptions, WatchOptions } from "./options";

/** What every step reads: the options, the ledger, the log and the clock. */
export interface Shared {
  /** The options now: a reload replaces them wholesale (Engine.reload), so ask each time, never keep them. */
  opts(): DropBoxOptions;
  readonly ledger: Ledger;
  readonly log: Logger;
  /** A problem that persists is logged once (docs/ARCHITECTURE.md, "Logging a problem"). */
  readonly problems: OnceLog;
  readonly clock: Clock;
  /** A configured watch, or one a reload removed while what it queued finishes. */
  watch(index: number): WatchOptions;
}

/** The pipeline's tick (engine.ts), for a step that changes what the next tick decides. */
export interface Ticks {
  /** Ask for a pipeline tick (grouping, readiness, scheduling) on the serial chain. */
  requestTick(): void;
  /**
   * These filesets changed: readiness judges them again (Queueing.changed). Without ids: a walk
   * read folders, so the filesets it held there are judged again.
   */
  readinessChanged(filesets?: readonly number[]): void;
}

/** The serial chain (engine.ts), for a step that works outside it and records on it. */
export interface Chain {
  /** Run `fn` after every earlier ledger task (one serial chain for every ledger write). */
  serial<T>(fn: () => Promise<T> | T): Promise<T>;
  stopping(): boolean;
}

/** The reconciliation walks' holds (reconciler.ts, core/walk-holds.ts), for grouping and readiness. */
export interface Holds {
  /** Whether a walk holds this partition: not grouped, not judged ready. */
  held(watch: number, user: string, part: string): boolean;
  /** An event touched a held partition: walk it ahead of the reconciliation. */
  walkAhead(watch: number, user: string, part: string): void;
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
