/**
 * Event blocks from the MonitorServers, in order: which monitor is which watch, the seq of each
 * monitor (a gap or a rescan notice is a rescan), the blocks received and not yet applied (each
 * applied by one task on the serial chain; too many, and they are dropped for a rescan), and what
 * is applied (the `sync` barrier waits for it). See docs/ARCHITECTURE.md, "Wire protocol".
 */
import type { Logger } from "@omero-fs/config";
import { ControlError, type EventBlock } from "@omero-fs/protocol";
import type { Engine } from "./engine";

export interface BlocksHost {
  log: Logger;
  /** Blocks are applied on the serial chain; a gap, a rescan notice or a dropped backlog is a rescan. */
  engine: Pick<Engine, "serial" | "applyBlock" | "reconcileWatch">;
  /** Event paths waiting to be applied beyond which the queued blocks are dropped (options). */
  backlogPaths(): number;
  /** Test hook: least time to apply one block (0 in production). */
  applyDelayMs(): number;
}

export class EventBlocks {
  private readonly monitors = new Map<number, string>();
  private readonly watches = new Map<string, number>();
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

  constructor(private readonly host: BlocksHost) {}

  /** The monitor of watch `index`, if one is created. */
  monitorOf(index: number): string | undefined {
    return this.monitors.get(index);
  }

  /** The watch of monitor `id`, if it is one of ours. */
  watchOf(id: string): number | undefined {
    return this.watches.get(id);
  }

  /**
   * Watch `index` has no monitor any more; returns the one it had. Its blocks are still applied
   * until forgetMonitor (a monitor being released may still publish).
   */
  unbindWatch(index: number): string | undefined {
    const id = this.monitors.get(index);
    this.monitors.delete(index);
    return id;
  }

  /** A new monitor of watch `index`: its blocks start at seq 1. */
  bind(index: number, id: string): void {
    this.monitors.set(index, id);
    this.watches.set(id, index);
    this.lastSeq.set(id, 0);
    this.applied.set(id, 0);
  }

  /** Forget everything of a released monitor. */
  forgetMonitor(id: string): void {
    this.watches.delete(id);
    for (const m of [this.lastSeq, this.applied, this.appliedRaw, this.behind]) m.delete(id);
  }

  /** One block of watch `watch` (paths already local): queued, applied in order on the serial chain. */
  receive(watch: number, block: EventBlock): void {
    const { log, engine } = this.host;
    const id = block.monitorId;
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
    if (this.backlog.length > 1 && this.backlogPaths > this.host.backlogPaths()) this.dropBacklog();
    // One task per block; each applies the oldest block still queued (none if it was dropped).
    void engine.serial(async () => {
      const next = this.backlog.shift();
      if (!next) return;
      const delay = this.host.applyDelayMs();
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      this.backlogPaths -= next.block.events.length;
      await engine.applyBlock(next.watch, next.block);
      const mid = next.block.monitorId;
      this.appliedRaw.set(mid, Math.max(this.appliedRaw.get(mid) ?? 0, next.block.seq));
      this.publishApplied(mid);
    });
    if (rescan) {
      log.warn(`watch ${watch + 1}: ${rescan}; rescanning`);
      void engine.reconcileWatch(watch, "rescan");
    }
  }

  /**
   * Too many event paths wait to be applied (a burst while the ledger is busy): drop every queued
   * block and rescan the watches they were for. Nothing is lost: the walk starts after the
   * dropped events happened, so it finds their files; later blocks queue as usual.
   */
  private dropBacklog(): void {
    // Watches whose backlog rescan is still pending: a later drop only extends it (logged at debug).
    const pendingWatches = new Set([...this.droppedUpTo.keys()].map((m) => this.watches.get(m)));
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
      const mids = [...this.watches].filter(([, w]) => w === watch).map(([m]) => m);
      this.host.log.log(
        pendingWatches.has(watch) ? "debug" : "warn",
        `watch ${watch + 1}: ${paths} event paths waiting to be applied (more than ${this.host.backlogPaths()}): dropped them; rescanning`,
      );
      const upTo = new Map(mids.map((m) => [m, this.droppedUpTo.get(m) ?? 0]));
      void this.host.engine.reconcileWatch(watch, "event backlog").finally(() => {
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

  /** Resolves once block `seq` of monitor `id` is applied; rejects after `timeoutMs`. */
  waitApplied(id: string, seq: number, timeoutMs: number): Promise<void> {
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
          new ControlError("INTERNAL", `sync: block ${seq} of monitor ${id} did not arrive within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Block `seq` of monitor `id` was lost in transit and a rescan covered it: count it as received and applied. */
  coveredByRescan(id: string, seq: number): void {
    this.applied.set(id, Math.max(this.applied.get(id) ?? 0, seq));
    this.lastSeq.set(id, Math.max(this.lastSeq.get(id) ?? 0, seq));
  }

  /**
   * Blocks the MonitorServer published that never reached us: a SUB reconnecting to a restarted
   * MonitorServer misses what was published meanwhile, and no later block may come to show the
   * gap. A monitor still ahead of what we received one health period later lost blocks in
   * transit: rescan its watch (the walk is the truth).
   */
  checkBehind(index: number, id: string, published: number): void {
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
    this.host.log.warn(
      `watch ${index + 1}: blocks ${got + 1}..${was} of monitor ${id} were lost in transit; rescanning`,
    );
    this.lastSeq.set(id, published);
    void this.host.engine.reconcileWatch(index, "lost blocks").then(() => {
      this.appliedRaw.set(id, Math.max(this.appliedRaw.get(id) ?? 0, published));
      this.publishApplied(id);
    });
  }
}
