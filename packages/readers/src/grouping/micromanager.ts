/**
 * Micro-Manager (README rule 3; MicromanagerReader, ome/bioformats df36e691
 * components/formats-bsd/src/loci/formats/in/MicromanagerReader.java).
 *
 * isThisType: a metadata file is `metadata.txt` or `*_metadata.txt` (exact case) whose first MiB says
 * micro-manager; a TIFF is Micro-Manager's when its folder's `metadata.txt` (else `<prefix>_metadata.txt`,
 * prefix = the name up to its first '.') is one. initFile: the positions are every `Pos_*` folder beside a
 * `Pos_*` folder (each with its `metadata.txt`), else the one metadata file. getSeriesUsedFiles: each
 * position's metadata file, `Acqusition.xml`, and its TIFFs: the ones its FileName keys name, or with no
 * FileName key every TIFF of its folder (buildTIFFList, which splits each name at '_' and fails on a name
 * with fewer than four parts). A TIFF the reader accepts but does not use is dropped by OMERO's candidate
 * scan ("pruned"): it is never imported, here `ignored` with the reason.
 */
import { baseOf, dirOf, join, resolveRef } from "../paths";
import { entry, find, findPath, member } from "./context";
import type { Ctx, Decision } from "./context";
import { memo } from "./memo";
import { R, isTiffName } from "./names";
import { wholeFileRead, headText, headUtf8 } from "../head";
import { WHOLE_FILE_MAX_BYTES } from "../types";
import { tiffRule } from "./tiff-names";
import type { CandidateFile } from "../types";

/** MicromanagerReader's metadata names, exact case (Location.exists and String.endsWith). */
export const isMmName = (name: string) => name === "metadata.txt" || name.endsWith("_metadata.txt");

/** The metadata file MicromanagerReader reads for `name` in `dir` (isThisType / initFile), or null. */
function mmMetaFor(ctx: Ctx, dir: string, name: string): string | null {
  const list = ctx.mm.get(dir);
  if (!list) return null;
  const plain = join(dir, "metadata.txt");
  if (ctx.files.has(plain)) return list.includes(plain) ? plain : null;
  const prefix = name.includes(".") ? name.slice(0, name.indexOf(".")) : name;
  const own = join(dir, `${prefix}_metadata.txt`);
  return list.includes(own) ? own : null;
}

export function mmEntryForDir(ctx: Ctx, dir: string, tiffName?: string): string | null {
  const list = ctx.mm.get(dir);
  if (!list || list.length === 0) return null;
  const folder = baseOf(dir);
  if (folder.includes("Pos_")) {
    const group = ctx.mmPos.get(dirOf(dir));
    if (group && group.length > 0) return group[0]!;
  }
  if (tiffName) return mmMetaFor(ctx, dir, tiffName);
  const plain = list.find((p) => baseOf(p) === "metadata.txt");
  return plain ?? list[0]!;
}

/** The TIFFs a metadata file makes its position use: its FileName keys (null: the folder's TIFFs, or unknown). */
function listedTiffs(ctx: Ctx, meta: string): Set<string> | null {
  return memo(ctx, `mm:${meta}`, () => computeListedTiffs(ctx, meta));
}

function computeListedTiffs(ctx: Ctx, meta: string): Set<string> | null {
  const f = ctx.files.get(meta);
  if (!f || !wholeFileRead(f)) return null;
  const names = mmFileNames(f);
  if (names.length === 0) return null;
  const dir = dirOf(meta);
  return new Set(names.map((n) => findPath(ctx, resolveRef(dir, n)) ?? resolveRef(dir, n)));
}

/** buildTIFFList without FileName keys: a TIFF whose name has fewer than four '_' parts makes initFile fail. */
function badTiffName(ctx: Ctx, meta: string): string | null {
  return memo(ctx, `mmbad:${meta}`, () => computeBadTiffName(ctx, meta));
}

function computeBadTiffName(ctx: Ctx, meta: string): string | null {
  const f = ctx.files.get(meta);
  if (!f || !wholeFileRead(f) || mmFileNames(f).length > 0) return null;
  const names = ctx.dirs.get(dirOf(meta))?.names ?? [];
  return names.find((n) => isTiffName(n.toLowerCase()) && javaSplitCount(n, "_") < 4) ?? null;
}

/** Micro-Manager: a TIFF (or Acqusition.xml) in a folder with metadata.txt belongs to it, never alone. */
export function microManagerRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  if (!ctx.idx.has.has(R.mm)) return null;
  const dir = dirOf(f.path);
  const list = ctx.mm.get(dir);
  if (!list) return null;
  const name = baseOf(f.path);
  if (list.includes(f.path)) {
    const bad = positionMetas(ctx, dir)
      .map((m) => [m, badTiffName(ctx, m)] as const)
      .find(([, b]) => b);
    if (bad) {
      return {
        kind: "ignored",
        reason: `${baseOf(bad[0])} has no FileName keys, so MicromanagerReader reads every TIFF of ${dirOf(bad[0])} and fails on ${bad[1]} (not named <prefix>_<time>_<channel>_<z>.tif): OMERO cannot import this set; move the TIFFs that are not planes out of the folder`,
      };
    }
    const e = mmEntryForDir(ctx, dir);
    return e && e !== f.path ? member(R.mm, e) : entry(R.mm);
  }
  if (!isTiffName(ln) && name !== "Acqusition.xml") return null;
  const meta = mmMetaFor(ctx, dir, name);
  if (!meta) return null;
  const e = mmEntryForDir(ctx, dir, name) ?? meta;
  if (name === "Acqusition.xml") return member(R.mm, e);
  // Each position uses the TIFFs its own metadata file names.
  const own = baseOf(dir).includes("Pos_") ? find(ctx, dir, "metadata.txt") : meta;
  const listed = own ? listedTiffs(ctx, own) : null;
  if (listed && !listed.has(f.path)) {
    // Readers before MicromanagerReader in readers.txt (OME-TIFF, Leica, MetaMorph) may read it alone.
    const other = tiffRule(ctx, f, ln);
    if (other && !(other.kind === "entry" && other.reader === R.tiff)) return other;
    return {
      kind: "ignored",
      reason: `Micro-Manager folder: ${baseOf(own!)} does not name ${name} (FileName), so MicromanagerReader does not use it and OMERO's import skips it; move it out of the acquisition folder to import it on its own`,
      opens: e,
    };
  }
  return member(R.mm, e);
}

/** The metadata files of the positions a metadata file in `dir` opens (Pos_* siblings, or itself). */
function positionMetas(ctx: Ctx, dir: string): string[] {
  if (baseOf(dir).includes("Pos_")) return ctx.mmPos.get(dirOf(dir)) ?? [];
  return ctx.mm.get(dir) ?? [];
}

/** String.split(sep).length in Java: trailing empty parts are dropped. */
function javaSplitCount(s: string, sep: string): number {
  const parts = s.split(sep);
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts.length;
}

export function mmFileNames(f: CandidateFile): string[] {
  const text = headUtf8(f);
  if (!text) return [];
  const out = new Set<string>();
  const re = /"FileName"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.add(m[1]!.replace(/\\(.)/g, "$1"));
  return [...out];
}

/** MicromanagerReader.isThisType for a metadata file: its exact name, and "micro-manager" in its first MiB. */
export function mmPasses(f: CandidateFile): boolean {
  if (!isMmName(baseOf(f.path))) return false;
  const t = headText(f, WHOLE_FILE_MAX_BYTES);
  return t === undefined || /micro-?manager/i.test(t);
}
