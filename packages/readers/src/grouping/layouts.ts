/**
 * Folder layouts (README rule 2): OME-Zarr `x.zarr/`, cellSens `_x_/`, FV1000 `x.oif.files/`,
 * Volocity `Data/`. A file inside another dataset's folder belongs to it whatever its name.
 */
import { baseOf, join } from "../paths";
import { find, member } from "./context";
import type { Ctx, Decision } from "./context";
import { R } from "./names";
import type { CandidateFile } from "../types";

/** Folder-structure rules: a file inside another dataset's folder belongs to it, whatever its name. */
export function folderRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const parts = f.path.split("/");
  const has = ctx.idx.has;
  if (has.has(R.zarr)) {
    for (let i = 1; i < parts.length - 1; i++) {
      if (parts[i]!.toLowerCase().endsWith(".zarr")) return member(R.zarr, parts.slice(0, i + 1).join("/"), true);
    }
  }
  // Nearest enclosing folder first, and only as deep as each layout goes: a folder far above
  // (e.g. "/srv/_old_/DropBox") must not turn a whole watch into a cellSens set.
  for (let i = parts.length - 2, level = 1; i >= 1 && level <= 3; i--, level++) {
    const comp = parts[i]!;
    const lc = comp.toLowerCase();
    const parent = parts.slice(0, i).join("/") || "/";
    if (has.has(R.cellsens) && level <= 3) {
      const m = /^_(.+)_$/.exec(comp);
      if (m) {
        const vsi = find(ctx, parent, `${m[1]}.vsi`);
        if (vsi) return member(R.cellsens, vsi);
        return {
          kind: "pending",
          waitsFor: join(parent, `${m[1]}.vsi`),
          reason: `${baseOf(f.path)} is inside the cellSens folder ${comp}/ and waits for its entry file ${join(parent, `${m[1]}.vsi`)}`,
        };
      }
    }
    if (has.has(R.fv1000) && level <= 2 && lc.endsWith(".oif.files")) {
      const oifName = comp.slice(0, -".files".length);
      const oif = find(ctx, parent, oifName);
      if (oif) return member(R.fv1000, oif);
      return {
        kind: "pending",
        waitsFor: join(parent, oifName),
        reason: `${baseOf(f.path)} is inside ${comp}/ and waits for its entry file ${join(parent, oifName)}`,
      };
    }
    if (has.has(R.volocity) && level <= 2 && comp === "Data") {
      const mvd2 = firstMvd2(ctx, parent);
      if (mvd2) return member(R.volocity, mvd2);
      if (/\.(aisf|aiix|atsf)$/.test(ln)) {
        return {
          kind: "pending",
          waitsFor: join(parent, "*.mvd2"),
          reason: `${baseOf(f.path)} is a Volocity file in ${join(parent, "Data")}/ and waits for a .mvd2 library in ${parent}`,
        };
      }
    }
  }
  return null;
}

export function firstMvd2(ctx: Ctx, dir: string): string | null {
  let hit = ctx.mvd2.get(dir);
  if (hit === undefined) {
    const n = ctx.dirs.get(dir)?.names.find((x) => x.toLowerCase().endsWith(".mvd2"));
    hit = n ? join(dir, n) : null;
    ctx.mvd2.set(dir, hit);
  }
  return hit;
}
