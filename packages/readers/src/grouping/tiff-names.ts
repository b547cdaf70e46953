/**
 * TIFF naming (README rule 5), in readers.txt order: OMETiffReader (139: BinaryOnly -> its MetadataFile,
 * OME-XML in the description), LeicaReader (143: `{base}.lei` prefixes), MetamorphReader (147: `.nd`/`.scan`
 * prefixes), else TiffDelegateReader. A file a reader claims but does not use (its entry does not list it)
 * is dropped by OMERO's candidate scan ("pruned"): `ignored` here, with the reason.
 */
import { isOmeXml, isOmeXmlWithImage, omeBinaryOnlyMetadataFile, omeReferencedFiles } from "../omexml";
import { baseOf, dirOf, resolveRef } from "../paths";
import { entry, find, findPath, member } from "./context";
import type { Ctx, Decision } from "./context";
import { metamorphClaim, metamorphNdFor, ndPlanes } from "./metamorph";
import { zeissOrphan } from "./tiff-sets";
import { walkOrder } from "./pruning";
import { OME_TIFF_SUFFIXES, R, endsWithAny, isTiffName } from "./names";
import { wholeFileRead, headUtf8 } from "../head";
import type { CandidateFile } from "../types";

/** A BinaryOnly OME-TIFF's MetadataFile as an absolute path (null: not a BinaryOnly stub). */
export function binaryOnlyTarget(f: CandidateFile): string | null {
  const desc = f.probe?.tiffDescription;
  if (!desc || !isOmeXml(desc) || isOmeXmlWithImage(desc)) return null;
  const meta = omeBinaryOnlyMetadataFile(desc);
  return meta ? resolveRef(dirOf(f.path), meta) : null;
}

/**
 * A BinaryOnly stub whose MetadataFile is in another folder ("../x.companion.ome") and that OMERO's walk opens
 * before the companion: OMETiffReader then names the set's TIFFs "data/../data/x_0.ome.tif", which the
 * candidate scan matches with no walked file, so it keeps no fileset and counts them all used (nothing imported).
 */
export function stubLosesSet(f: CandidateFile, companion: string): boolean {
  const ref = omeBinaryOnlyMetadataFile(f.probe?.tiffDescription ?? "") ?? "";
  return /[/\\]/.test(ref) && walkOrder(f.path, companion) < 0;
}

/**
 * OMETiffReader.isThisType/initFile for a BinaryOnly OME-TIFF (l. 180-207): with its MetadataFile present, the
 * file is read through it, and used only when that OME-XML names it (TiffData/UUID@FileName); without it,
 * OMETiffReader refuses the file and it is a plain TIFF (held: the companion may still come, facts.ts).
 */
function binaryOnlyRule(ctx: Ctx, f: CandidateFile, target: string): Decision {
  const found = findPath(ctx, target);
  if (!found) return entry(R.tiff);
  // Opened through a stub whose MetadataFile is in another folder ("../x.companion.ome"), OMETiffReader names
  // the set's TIFFs "data/../data/x_0.ome.tif": OMERO's candidate scan matches none of them with the files it
  // walks, keeps no fileset, and counts them used. Walked before the companion, the stub so loses the set.
  if (stubLosesSet(f, found))
    return {
      kind: "ignored",
      reason: `BinaryOnly OME-TIFF naming its metadata file in another folder: opened through it, OMETiffReader lists the set's files under paths with '..' that OMERO's candidate scan does not match, so nothing of ${baseOf(found)}'s set is imported; keep the companion beside its TIFFs`,
      opens: found,
    };
  const meta = ctx.files.get(found);
  if (meta?.probe?.head && wholeFileRead(meta)) {
    const dir = dirOf(found);
    const named = omeReferencedFiles(headUtf8(meta)!).map((r) => findPath(ctx, resolveRef(dir, r)));
    if (named.length > 0 && !named.includes(f.path)) {
      return {
        kind: "ignored",
        reason: `BinaryOnly OME-TIFF whose metadata file ${baseOf(found)} does not name it: OMETiffReader reads ${baseOf(found)}'s files only, so OMERO's import skips ${baseOf(f.path)}`,
        opens: found,
      };
    }
  }
  return member(R.ometiff, found);
}

/** MetamorphReader: the .nd that claims a TIFF/STK, and whether it uses it. */
function metamorphRule(ctx: Ctx, f: CandidateFile, dir: string, name: string): Decision | null {
  const claim = metamorphClaim(ctx, dir, name);
  if (claim === null || claim === "htd") return null;
  const nd = metamorphNdFor(ctx, dir, name) ?? claim;
  const planes = ndPlanes(ctx, nd);
  // The computed names are trusted once one of them is there (otherwise MetamorphReader fails on every file
  // and the .nd's absent planes hold the set: required.ts).
  if (planes && planes.present.length > 0 && !planes.presentSet.has(f.path)) {
    return {
      kind: "ignored",
      reason: `MetaMorph: ${baseOf(nd)} claims ${name} by its name but does not list it among its planes, so MetamorphReader does not use it and OMERO's import skips it; rename it (no '${baseOf(nd).slice(0, baseOf(nd).lastIndexOf("."))}_' prefix) to import it on its own`,
      opens: nd,
    };
  }
  return member(R.metamorph, nd);
}

export function tiffRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const has = ctx.idx.has;
  const dir = dirOf(f.path);
  const name = baseOf(f.path);
  const desc = f.probe?.tiffDescription;
  const isStk = ln.endsWith(".stk");
  if (!isTiffName(ln) && !isStk) return null;

  if (has.has(R.ometiff)) {
    const target = binaryOnlyTarget(f);
    if (target) {
      const d = binaryOnlyRule(ctx, f, target);
      if (d.kind !== "entry") return d;
    } else if (desc !== undefined && isOmeXmlWithImage(desc)) return entry(R.ometiff);
  }
  if (has.has(R.leica) && !isStk) {
    let base = name.slice(0, name.lastIndexOf("."));
    for (;;) {
      const lei = find(ctx, dir, `${base}.lei`);
      if (lei) return member(R.leica, lei);
      const cut = base.lastIndexOf("_");
      if (cut <= 0) break;
      base = base.slice(0, cut);
    }
  }
  if (has.has(R.metamorph)) {
    const d = metamorphRule(ctx, f, dir, name);
    if (d) return d;
    if (isStk) return entry(R.metamorph);
  }
  if (has.has(R.ometiff) && desc === undefined && endsWithAny(ln, OME_TIFF_SUFFIXES)) return entry(R.ometiff);
  const zeiss = zeissOrphan(ctx, f);
  if (zeiss) return zeiss;
  // A BinaryOnly stub whose metadata file is absent is a plain TIFF for Bio-Formats (OMETiffReader refuses it).
  if (binaryOnlyTarget(f) && has.has(R.tiff)) return entry(R.tiff);
  return null;
}
