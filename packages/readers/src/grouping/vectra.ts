/**
 * VectraReader (order 162; ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/VectraReader.java):
 * PerkinElmer Vectra / Polaris QPTIFF.
 *
 * - isThisType(name, true): a TIFF whose first IFD's Software starts with `PerkinElmer-QPI`, whatever its name
 *   (`.qptiff`, `.tif`); earlier readers keep what they take first (an OME-XML TIFF is OMETiffReader's).
 * - initStandardMetadata: every file of the QPTIFF's folder whose name ends with `_annotations.xml` or is one of
 *   EXTRA_FILES (exact case) joins it (getSeriesUsedFiles: allFiles). Nothing lists them: no expected list.
 * - Held on purpose: a plain TIFF named like a Vectra companion (`Label.tif`...) with no QPTIFF in its folder is
 *   imported alone by Bio-Formats; the slide may still be copying, so it is held for companionWait.
 * Two QPTIFFs in one folder both use the companions: the first by name holds them, the other shares them.
 */
import { isOmeXml } from "../omexml";
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import { earlierTiffReader } from "./families";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { P, R } from "./names";

export const VECTRA = `${P}VectraReader`;
export const VECTRA_EXTRA_FILES = [
  "CoverslipMask.tif",
  "FocusMap.tif",
  "Label.tif",
  "OverviewBF.tif",
  "OverviewFL.tif",
  "SampleMask.tif",
];
const ANNOTATION_SUFFIX = "_annotations.xml";
const ORDER = 162;

/** VectraReader.isThisType(name, true) on the probe: the Software tag (a file not probed is not decided). */
export function isQptiff(f: CandidateFile): boolean {
  const p = f.probe;
  return !!p?.tiffSoftware?.startsWith("PerkinElmer-QPI") && !isOmeXml(p.tiffDescription ?? undefined);
}

const isCompanionName = (n: string) => n.endsWith(ANNOTATION_SUFFIX) || VECTRA_EXTRA_FILES.includes(n);

function run(ctx: Ctx, files: CandidateFile[], taken: (p: string) => boolean): FamilyOutcome {
  const sets: FamilySet[] = [];
  const slideDirs = new Set<string>();
  const held = new Set<string>();
  for (const f of files) {
    if (!isQptiff(f) || earlierTiffReader(ctx, f, ORDER)) continue;
    const dir = dirOf(f.path);
    slideDirs.add(dir);
    const companions = (ctx.dirs.get(dir)?.names ?? [])
      .filter((n) => !n.startsWith(".") && isCompanionName(n))
      .map((n) => join(dir, n))
      .filter((p) => p !== f.path && !taken(p));
    // Every QPTIFF of the folder uses them all: the first holds them, the others share them (shared.ts).
    const own = companions.filter((p) => !held.has(p));
    const shared = companions.filter((p) => held.has(p));
    for (const p of own) held.add(p);
    sets.push({ reader: VECTRA, entry: f.path, members: [f.path, ...own], ...(shared.length ? { shared } : {}) });
  }
  for (const f of files) {
    const name = baseOf(f.path);
    if (
      !VECTRA_EXTRA_FILES.includes(name) ||
      slideDirs.has(dirOf(f.path)) ||
      isOmeXml(f.probe?.tiffDescription ?? undefined)
    )
      continue;
    sets.push({
      reader: R.tiff,
      entry: f.path,
      members: [f.path],
      hold: `Vectra companion name ${name}: may belong to a QPTIFF not here yet`,
    });
  }
  return { sets };
}

export const vectraRule: FamilyRule = {
  reader: VECTRA,
  wants: (ln) => /\.(qptiff|tiff?)$/.test(ln),
  run,
};
