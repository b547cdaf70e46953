/**
 * Content tests and the plain suffix decision: the modelled isThisType of readers that share a
 * suffix or narrow it (PREDICATES). README "Rules", the suffix test and its fallbacks without a probe.
 */
import { isOmeXml } from "../omexml";
import { SHARED_SUFFIXES, suffixMatches } from "./catalogue-index";
import type { CatIndex } from "./catalogue-index";
import { OME_TIFF_SUFFIXES, P, R, endsWithAny, isTiffName } from "./names";
import { headText } from "../head";
import type { CandidateFile } from "../types";

// Content tests (only when a probe is given; see README for the fallbacks)

export const HDF5_MAGIC = "\x89HDF\r\n\x1a\n";

export function isTiffHead(h: Buffer | undefined): boolean {
  if (!h || h.length < 4) return false;
  const s = h.toString("latin1", 0, 4);
  return s === "II*\0" || s === "MM\0*" || s === "II+\0" || s === "MM\0+";
}

export function looksNumericTable(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .slice(0, 20)
    .filter((l) => l.trim() !== "");
  if (lines.length < 2) return false;
  const numeric = lines.slice(1).filter((l) => /^[\s,;\t]*[-+]?\d/.test(l) && /^[-+0-9.eE,;\t\s]+$/.test(l));
  return numeric.length >= Math.min(3, lines.length - 1);
}

export type Pred = (ln: string, suffix: string, f: CandidateFile) => boolean;

/** Name/content rules for readers that share a suffix, or whose own isThisType narrows it. Readers
 * not listed here accept a name by suffix when no other enabled reader claims that suffix. */
export const PREDICATES: Record<string, Pred> = {
  [R.tiff]: (ln) => isTiffName(ln),
  [R.ometiff]: (ln, _s, f) =>
    ln.endsWith(".companion.ome") ||
    (endsWithAny(ln, OME_TIFF_SUFFIXES) &&
      (f.probe?.tiffDescription === undefined || isOmeXml(f.probe.tiffDescription))),
  [R.omexml]: (ln) => !ln.endsWith(".companion.ome"),
  [`${P}JPEGReader`]: () => true,
  [`${P}JPEG2000Reader`]: () => true,
  [`${P}DNGReader`]: (_ln, s) => s === "cr2" || s === "crw",
  [`${P}CanonRawReader`]: (_ln, s) => s === "cr2" || s === "crw",
  [`${P}ND2Reader`]: (_ln, s) => s === "nd2",
  [`${P}ImarisReader`]: (_ln, _s, f) => !!f.probe?.head && !isTiffHead(f.probe.head) && headText(f, 8) !== HDF5_MAGIC,
  [`${P}ImarisHDFReader`]: (_ln, _s, f) => !f.probe?.head || headText(f, 8) === HDF5_MAGIC,
  [`${P}ImarisTiffReader`]: (_ln, _s, f) => isTiffHead(f.probe?.head),
  [`${P}ImspectorReader`]: (_ln, _s, f) => !!f.probe?.head && !headText(f, 7)!.startsWith("OMAS_BF"),
  [`${P}OBFReader`]: (_ln, _s, f) => !f.probe?.head || headText(f, 7) === "OMAS_BF",
  [`${P}BioRadSCNReader`]: (_ln, _s, f) => !!f.probe?.head && !isTiffHead(f.probe.head),
  [`${P}LeicaSCNReader`]: () => true,
  [`${P}MRCReader`]: () => true,
  [`${P}TextReader`]: (_ln, _s, f) => {
    const t = headText(f, 8192);
    return t !== undefined && looksNumericTable(t);
  },
  [R.bdv]: (_ln, s, f) => s === "xml" && !!headText(f, 1000)?.includes("SpimData"),
  [R.nifti]: (_ln, s) => s === "nii" || s === "nii.gz",
  [R.analyze]: () => false,
  [R.ics]: () => false,
  [R.dv]: (_ln, s) => s === "dv" || s === "r3d" || s === "r3d_d3d",
  [R.mm]: () => false,
  [R.metamorph]: (_ln, s) => s === "nd" || s === "scan" || s === "stk",
  [R.leica]: (_ln, s) => s === "lei",
  [R.fv1000]: (_ln, s) => s === "oib" || s === "oif",
  [R.volocity]: (_ln, s) => s === "mvd2",
  [R.zarr]: () => false,
  [`${P}CellWorxReader`]: (_ln, s) => s === "htd",
  // The Tecan plate rule (hcs/tecan.ts) takes or holds every .db TecanReader.isThisType accepts (SQLite
  // with a PlateDefinition table); a .db left for the ordinary rules is not one.
  [`${P}TecanReader`]: () => false,
  // Readers with a family rule (families.ts, family-rules.ts): the rule decides, never the suffix alone.
  [`${P}PrairieReader`]: () => false,
  [`${P}SPCReader`]: () => false,
  [`${P}VisitechReader`]: () => false,
  [`${P}L2DReader`]: () => false,
  [`${P}QTReader`]: () => false,
  [`${P}TillVisionReader`]: () => false,
  [`${P}VarianFDFReader`]: () => false,
  [`${P}ImagicReader`]: () => false,
  [`${P}HamamatsuVMSReader`]: () => false,
  [`${P}AFIReader`]: () => false,
  [`${P}KLBReader`]: () => false,
  [`${P}MicroCTReader`]: () => false,
  [`${P}OlympusTileReader`]: () => false,
  [`${P}JEOLReader`]: () => false,
  [`${P}APLReader`]: () => false,
  [`${P}UnisokuReader`]: () => false,
  [`${P}PDSReader`]: () => false,
  [`${P}FujiReader`]: () => false,
  [`${P}InveonReader`]: () => false,
  [`${P}PCORAWReader`]: () => false,
  [`${P}NRRDReader`]: () => false,
  [`${P}BioRadReader`]: () => false,
  [`${P}PerkinElmerReader`]: () => false,
  [`${P}VectraReader`]: () => false,
  [`${P}ImprovisionTiffReader`]: () => false,
  [`${P}DicomReader`]: () => false,
};

/** First reader of the catalogue whose (modelled) isThisType accepts the file; Bio-Formats' rule. */
export function suffixDecision(idx: CatIndex, f: CandidateFile, ln: string): string | null {
  for (const { reader, suffix } of suffixMatches(idx, ln)) {
    const pred = PREDICATES[reader.className];
    if (pred ? pred(ln, suffix, f) : !SHARED_SUFFIXES.has(suffix)) return reader.className;
  }
  return null;
}
