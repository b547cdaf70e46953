/**
 * Folder layouts (README rule 2): OME-Zarr `x.zarr/`, cellSens `_x_/`, FV1000 `x.oif.files/`,
 * Volocity `Data/`. A file inside another dataset's folder belongs to it whatever its name.
 */
import { join } from "../paths";
import { find, member } from "./context";
import type { Ctx, Decision } from "./context";
import { oifElsewhereRule, oifFolderRule, oifMayClaim } from "./fv1000";
import { BD, BD_TIFF } from "../hcs/bd";
import { SCANR, SCANR_IMAGE } from "../hcs/scanr";
import { R } from "./names";
import type { CandidateFile } from "../types";

/** Folder-structure rules: a file inside another dataset's folder belongs to it, whatever its name. */
export function folderRule(ctx: Ctx, f: CandidateFile, _ln: string): Decision | null {
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
        return null; // layoutWithoutEntry: decided as Bio-Formats reads the file alone, held
      }
    }
    if (has.has(R.fv1000) && level <= 2 && lc.endsWith(".oif.files")) {
      // FluoView's folder: fv1000.ts decides which files FV1000Reader uses, prunes or leaves alone.
      return oifFolderRule(ctx, f, comp, parent, level);
    }
    if (has.has(R.fv1000) && level === 1) {
      // Outside a FluoView folder, a file FV1000Reader still ties to an .oif by its or its folder's name.
      const d = oifElsewhereRule(ctx, f, comp, parent);
      if (d) return d;
    }
    if (has.has(R.volocity) && level <= 2 && comp === "Data") {
      const mvd2 = firstMvd2(ctx, parent);
      if (mvd2) return member(R.volocity, mvd2);
      return null;
    }
  }
  return null;
}

/**
 * A file inside a layout folder whose entry is not there (TIFFs in `_x_/` without `x.vsi`, in
 * `x.oif.files/` without `x.oif`, Volocity files in `Data/` without a `.mvd2`): what the entry would
 * make of it, and why it is held. Such a file is decided as Bio-Formats reads it alone (a TIFF is a
 * TIFF), its fileset held up to omero.fs.companionWait for the entry (`hold`); a file only the
 * layout's reader would take is ignored (that reader cannot open it without its entry: CellSensReader
 * "Could not find .vsi file"). Nothing waits for an entry forever. Null: not in such a folder.
 */
export function layoutWithoutEntry(ctx: Ctx, path: string): { reader: string; hold: string } | null {
  // Most paths are in no layout folder: a cheap test first (grouping calls this for every file).
  if (
    !path.includes("_/") &&
    !path.includes("/Data/") &&
    !path.includes("/Well ") &&
    !/\/data\//i.test(path) &&
    !/\.oif\.files\//i.test(path)
  )
    return null;
  const parts = path.split("/");
  const has = ctx.idx.has;
  const name = parts[parts.length - 1]!;
  const folder = parts[parts.length - 2] ?? "";
  // A BD Pathway well image whose plate (Experiment.exp one folder up) no plate rule formed (hcs/bd.ts).
  if (folder.startsWith("Well ") && BD_TIFF.test(name) && has.has(BD)) {
    const exp = join(parts.slice(0, -2).join("/") || "/", "Experiment.exp");
    return {
      reader: BD,
      hold: `${name} is inside the BD Pathway well folder ${folder}/ and may belong to ${exp}, not here yet`,
    };
  }
  // A ScanR plane in `data/` whose acquisition (experiment_descriptor.xml one folder up) no plate rule formed.
  if (folder.toLowerCase() === "data" && SCANR_IMAGE.test(name) && has.has(SCANR)) {
    const xml = join(parts.slice(0, -2).join("/") || "/", "experiment_descriptor.xml");
    return {
      reader: SCANR,
      hold: `${name} is named like a ScanR plane in ${folder}/ and may belong to ${xml}, not here yet`,
    };
  }
  for (let i = parts.length - 2, level = 1; i >= 1 && level <= 3; i--, level++) {
    const comp = parts[i]!;
    const parent = parts.slice(0, i).join("/") || "/";
    const m = /^_(.+)_$/.exec(comp);
    if (m && has.has(R.cellsens)) {
      if (find(ctx, parent, `${m[1]}.vsi`)) return null;
      const vsi = join(parent, `${m[1]}.vsi`);
      return {
        reader: R.cellsens,
        hold: `${name} is inside the cellSens folder ${comp}/ and may belong to ${vsi}, not here yet`,
      };
    }
    if (level <= 2 && has.has(R.fv1000) && comp.toLowerCase().endsWith(".oif.files")) {
      const oif = comp.slice(0, -".files".length);
      // Only what FV1000Reader would tie to the .oif (a '_' in the name, a .pty/.roi/.lut) waits for it.
      if (find(ctx, parent, oif) || !oifMayClaim(ctx, path, level)) return null;
      return {
        reader: R.fv1000,
        hold: `${name} is inside ${comp}/ and may belong to ${join(parent, oif)}, not here yet`,
      };
    }
    if (level <= 2 && has.has(R.volocity) && comp === "Data") {
      if (firstMvd2(ctx, parent)) return null;
      return {
        reader: R.volocity,
        hold: `${name} is inside the Volocity folder ${join(parent, "Data")}/ and may belong to a .mvd2 library in ${parent}, not here yet`,
      };
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
