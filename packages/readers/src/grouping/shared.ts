/**
 * Files two Bio-Formats filesets share (issue 18, "Elsewhere"). OMERO's candidate scan keeps a
 * fileset per walked file that is not yet used, and a used file may be used again by a later one:
 * DeltavisionReader.findLogFiles gives a deconvolved `x_D3D.dv` the raw image's `x.dv.log`, which
 * `x.dv` uses too; MetaxpressTiffReader.getUsedFiles adds every `_thumb` file of the folder to each
 * plate. OMERO imports such a file in both filesets.
 *
 * Here every path still ends in exactly one fileset's `files` (its owner: the fileset its name
 * belongs to); the other filesets that use it list it in `FilesetPlan.shared`. Pure.
 */
import type { FilesetPlan, GroupingResult } from "../types";

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * After pruning and the whitelist: keep in each plan's `shared` only paths another fileset of the result
 * owns; a shared path whose owner is gone (pruned, not wanted, never formed) moves into the first plan (by
 * key) that uses it, out of `ignored`/`pending`. Plans without shared paths lose the field.
 */
export function settleShared(result: GroupingResult): void {
  const sharing = result.filesets.filter((f) => f.shared !== undefined);
  if (sharing.length === 0) return;
  const owner = new Map<string, FilesetPlan>();
  for (const f of result.filesets) for (const p of f.files) owner.set(p, f);
  const taken = new Set<string>();
  for (const plan of sharing.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const keep: string[] = [];
    for (const p of new Set(plan.shared)) {
      const o = owner.get(p);
      if (o === plan) continue;
      if (o) keep.push(p);
      else {
        owner.set(p, plan);
        plan.files.push(p);
        taken.add(p);
      }
    }
    if (keep.length > 0) plan.shared = keep.sort();
    else delete plan.shared;
  }
  if (taken.size === 0) return;
  for (const plan of sharing) {
    const [head, ...rest] = plan.files;
    plan.files = head === plan.entry ? [head, ...rest.sort()] : plan.files.sort();
  }
  result.ignored = result.ignored.filter((i) => !taken.has(i.path)).sort(byPath);
  result.pending = result.pending.filter((i) => !taken.has(i.path)).sort(byPath);
}

/** Every member the importer gets: `files`, then the `shared` ones. */
export function allMembers(plan: Pick<FilesetPlan, "files" | "shared">): string[] {
  return plan.shared ? [...plan.files, ...plan.shared] : plan.files;
}
