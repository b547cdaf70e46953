/**
 * OMERO's candidate scan keeps or drops filesets (omero-blitz ImportCandidates and its Groups pruning, as
 * ../shared/bioformats/src/Group.java drives them): it walks the folder depth-first in name order; every file
 * not used by an earlier container is opened, and its reader's used files become a container keyed by that
 * file. A container survives only when it uses at least as many other files as other containers use its key.
 *
 * A file a reader accepts but does not use (a MetaMorph overview beside its `.nd`, a snapshot TIFF beside a
 * Micro-Manager metadata.txt, `CELLS.DV.LOG` beside `CELLS.DV`: `ignored` with `opens`, "pruned") opens the
 * fileset it belongs to: its container holds that fileset's files, so it counts against the fileset's own
 * container, and when it is walked first the fileset's files are never opened at all. Either way OMERO
 * imports nothing of the fileset. Pure.
 */
import { baseOf } from "../paths";
import type { FilesetPlan, GroupingResult } from "../types";

/** The candidate scan's walk order: depth-first, each folder's entries sorted by name (String.compareTo). */
export function walkOrder(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * Drops the filesets the candidate scan drops. `opens`: each pruned file -> the fileset it opens. The dropped
 * filesets' files go to `result.ignored` with the reason.
 */
export function dropPrunedFilesets(result: GroupingResult, opens: Map<string, FilesetPlan>): void {
  if (opens.size === 0) return;
  const byPlan = new Map<FilesetPlan, string[]>();
  for (const [p, plan] of opens) {
    const list = byPlan.get(plan) ?? [];
    list.push(p);
    byPlan.set(plan, list);
  }
  const dropped = new Map<FilesetPlan, string>();
  for (const [plan, phantoms] of byPlan) {
    const first = [...plan.files].sort(walkOrder)[0]!;
    const before = phantoms.filter((p) => walkOrder(p, first) < 0).sort(walkOrder);
    const names = phantoms.map((p) => baseOf(p)).join(", ");
    if (before.length > 0) {
      dropped.set(
        plan,
        `OMERO's candidate scan (import -f) walks ${baseOf(before[0]!)} first: its reader opens this fileset (${baseOf(plan.entry)}) through it without using it, so none of the fileset's files is opened and nothing is imported; move ${names} out of the folder`,
      );
    } else if (phantoms.length > plan.files.length - 1) {
      dropped.set(
        plan,
        `OMERO's candidate scan (import -f) drops this fileset (${baseOf(plan.entry)}): ${names} open${phantoms.length === 1 ? "s" : ""} it without being part of it, more files than its own ${plan.files.length - 1} other file(s); move ${names} out of the folder`,
      );
    }
  }
  if (dropped.size === 0) return;
  result.filesets = result.filesets.filter((f) => !dropped.has(f));
  for (const [plan, why] of dropped) for (const p of plan.files) result.ignored.push({ path: p, reason: why });
  result.ignored.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
