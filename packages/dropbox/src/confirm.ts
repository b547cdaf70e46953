/**
 * OMERO's importer confirms each fileset before its import (issue 18, omero.fs.confirmFilesets,
 * the omero importer): `omero import -f` on the entry, with the watch's import arguments, parsed
 * as OMERO.dropbox parses it. The answer is pinned in the ledger; when it names the same files the
 * fileset is confirmed and starts; otherwise the difference is logged once with both answers and
 * noted on the fileset (`imports show`), the fileset goes back to waiting and its folder is grouped
 * again following the answer (core/omero-pins.ts). One `-f` runs at a time, for up to
 * CONFIRM_BATCH queued filesets of one folder (one JVM instead of one per fileset).
 */
import * as path from "node:path";
import type { Chain, Shared, Ticks } from "./context";
import { describeDifference, pinsForFileset } from "./core/omero-pins";
import type { SchedJob } from "./core/scheduler";
import type { UsedFilesGroup } from "./importers/omero-output";
import type { Importer } from "./importers/types";

/** What confirming uses: the shared parts, the chain to record on, the tick, the importer's `import -f`. */
export type ConfirmContext = Shared & Chain & Pick<Ticks, "requestTick"> & { readonly importer: Importer };

/** Entries of one folder confirmed by one `omero import -f`. */
const CONFIRM_BATCH = 100;

export class Confirmations {
  private inFlight: Promise<void> | null = null;
  /** Filesets the importer could not confirm (its `-f` failed): imported as grouped, said once. */
  private readonly unconfirmable = new Set<number>();
  /** Filesets grouped again following an answer: what came of it is imported (no second -f, no loop). */
  private readonly followed = new Set<number>();

  constructor(
    private readonly ctx: ConfirmContext,
    /** Group a folder again (the answer changed a fileset). */
    private readonly regroup: (watch: number, user: string, p: string) => void,
  ) {}

  get busy(): Promise<void> | null {
    return this.inFlight;
  }

  private enabled(): boolean {
    return this.ctx.opts().confirmFilesets && typeof this.ctx.importer.usedFiles === "function";
  }

  /**
   * Whether job `j` may start: confirmed (its files are what OMERO's importer answered for its
   * entry). If not, its folder's confirmation is started (when none runs) and it waits.
   */
  ready(j: SchedJob): boolean {
    if (!this.enabled() || this.unconfirmable.has(j.id)) return true;
    const f = this.ctx.ledger.filesets.get(j.id);
    if (!f) return true;
    const pin = this.ctx.ledger.omero.pinned(f.entry);
    if (
      pin &&
      (this.followed.has(j.id) || describeDifference(f.entry, this.ctx.ledger.filesets.memberPaths(j.id), pin) === null)
    )
      return true;
    if (!this.inFlight) this.start(j.watch, j.id, f.entry);
    return false;
  }

  private start(watch: number, id: number, entry: string): void {
    const dir = path.dirname(entry);
    const fsets = this.ctx.ledger.filesets;
    const batch = this.ctx.ledger.omero
      .queuedIn(watch, dir, CONFIRM_BATCH)
      .filter((q) => path.dirname(q.entry) === dir)
      .map((q) => ({ ...q, members: fsets.memberPaths(q.id) }));
    if (!batch.some((q) => q.id === id)) batch.unshift({ id, entry, members: fsets.memberPaths(id) });
    // Each fileset's entry first, then its other members: the group that holds the entry is OMERO's
    // fileset for it; a member it leaves out gets a group of its own, or none.
    const paths: string[] = [];
    const seen = new Set<string>();
    for (const q of batch)
      for (const p of [q.entry, ...q.members.filter((m) => m !== q.entry)])
        if (!seen.has(p)) {
          seen.add(p);
          paths.push(p);
        }
    const w = this.ctx.watch(watch).config;
    const t0 = this.ctx.clock.now();
    this.inFlight = (async () => {
      let groups: UsedFilesGroup[] | null = null;
      let error: string | null = null;
      try {
        groups = await this.ctx.importer.usedFiles!(w, paths);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const ms = this.ctx.clock.now() - t0;
      await this.ctx.serial(() => this.apply(batch, groups, error, ms, paths.length));
    })().finally(() => {
      this.inFlight = null;
      this.ctx.requestTick();
    });
  }

  private apply(
    batch: { id: number; entry: string; members: string[] }[],
    groups: UsedFilesGroup[] | null,
    error: string | null,
    ms: number,
    files: number,
  ): void {
    const fsets = this.ctx.ledger.filesets;
    const dir = path.dirname(batch[0]?.entry ?? "");
    if (!groups) {
      for (const q of batch) this.unconfirmable.add(q.id);
      this.ctx.problems.once(
        `confirm-failed:${error}`,
        "warn",
        `omero import -f could not confirm ${batch.length} fileset(s) of ${dir}: ${error}; imported as grouped (check the importer: omero-fs omero check)`,
      );
      return;
    }
    this.ctx.log.debug(`omero import -f: ${batch.length} fileset(s), ${files} file(s) of ${dir} in ${ms} ms`);
    const now = this.ctx.clock.now();
    for (const q of batch) {
      const f = fsets.get(q.id);
      // Membership can change while -f runs (a regroup): the next schedule asks again.
      if (f?.state !== "queued" || f.entry !== q.entry) continue;
      if (fsets.memberPaths(q.id).join("\0") !== q.members.join("\0")) continue;
      const { pins, difference } = pinsForFileset(q.entry, q.members, groups);
      this.ctx.ledger.transaction(() => {
        // Only the entry's answer when it agrees: the others are OMERO's words on files it did not split off.
        for (const pin of difference ? pins : pins.slice(0, 1)) this.ctx.ledger.omero.pin(f.watch, f.user, pin, now);
        if (difference) this.ctx.ledger.omero.note(q.id, "confirm", difference, now);
      });
      if (!difference) continue;
      this.ctx.log.warn(`[fileset ${q.id}] ${difference}`);
      this.followed.add(q.id);
      fsets.unqueue(q.id);
      this.regroup(f.watch, f.user, q.entry);
    }
  }
}
