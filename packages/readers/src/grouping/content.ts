/**
 * Content tests and the plain suffix decision: the modelled isThisType of readers that share a
 * suffix or narrow it (PREDICATES). README "Rules", the suffix test and its fallbacks without a probe.
 */
import { headText } from "../head";
import { isOmeXml } from "../omexml";
import { SHARED_SUFFIXES, suffixMatches } from "./catalogue-index";
import type { CatIndex } from "./catalogue-index";
import type { Decision } from "./context";
import { OME_TIFF_SUFFIXES, P, R, endsWithAny, isTiffName, shortName } from "./names";
import type { CandidateFile } from "../types";
import {
  cziRefusal,
  deltavisionRefusal,
  lofRefusal,
  nd2Refusal,
  niiRefusal,
  pngRefusal,
  textTableRefusal,
} from "./content-checks";

// Content tests (only when a probe is given; see README for the fallbacks)

export const HDF5_MAGIC = "\x89HDF\r\n\x1a\n";

export function isTiffHead(h: Buffer | undefined): boolean {
  if (!h || h.length < 4) return false;
  const s = h.toString("latin1", 0, 4);
  return s === "II*\0" || s === "MM\0*" || s === "II+\0" || s === "MM\0+";
}

/** true: the reader takes the file; false: not by this name; a string: refused on its content, why. */
export type Pred = (ln: string, suffix: string, f: CandidateFile) => boolean | string;

/** A content check's answer as a Pred's: null (accepted) -> true, else the refusal. */
const checked = (why: string | null): true | string => why ?? true;

/** Name/content rules for readers that share a suffix, or whose own isThisType narrows it. Readers
 * not listed here accept a name by suffix when no other enabled reader claims that suffix. Content
 * checks (content-checks.ts) apply when the file was probed; without a probe the name decides,
 * except for TextReader (a .txt/.csv is a table only when its content says so). */
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
  [`${P}ND2Reader`]: (_ln, s, f) => s === "nd2" && checked(nd2Refusal(f)),
  [`${P}ImarisReader`]: (_ln, _s, f) => !!f.probe?.head && !isTiffHead(f.probe.head) && headText(f, 8) !== HDF5_MAGIC,
  [`${P}ImarisHDFReader`]: (_ln, _s, f) => !f.probe?.head || headText(f, 8) === HDF5_MAGIC,
  [`${P}ImarisTiffReader`]: (_ln, _s, f) => isTiffHead(f.probe?.head),
  [`${P}ImspectorReader`]: (_ln, _s, f) => !!f.probe?.head && !headText(f, 7)!.startsWith("OMAS_BF"),
  [`${P}OBFReader`]: (_ln, _s, f) => !f.probe?.head || headText(f, 7) === "OMAS_BF",
  [`${P}BioRadSCNReader`]: (_ln, _s, f) => !!f.probe?.head && !isTiffHead(f.probe.head),
  [`${P}LeicaSCNReader`]: () => true,
  [`${P}MRCReader`]: () => true,
  [`${P}TextReader`]: (_ln, _s, f) => (f.probe?.head ? checked(textTableRefusal(f)) : false),
  [R.bdv]: (_ln, s, f) => s === "xml" && !!headText(f, 1000)?.includes("SpimData"),
  [R.nifti]: (_ln, s, f) => (s === "nii" || s === "nii.gz") && checked(niiRefusal(f)),
  [R.analyze]: () => false,
  [R.ics]: () => false,
  [R.dv]: (_ln, s, f) => (s === "dv" || s === "r3d" || s === "r3d_d3d") && checked(deltavisionRefusal(f)),
  [R.rcpnl]: (_ln, s, f) => s === "rcpnl" && checked(deltavisionRefusal(f)),
  [R.czi]: (_ln, s, f) => s === "czi" && checked(cziRefusal(f)),
  [R.lof]: (_ln, s, f) => s === "lof" && checked(lofRefusal(f)),
  [`${P}APNGReader`]: (_ln, s, f) => s === "png" && checked(pngRefusal(f)),
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

/**
 * First reader of the catalogue whose (modelled) isThisType accepts the file (Bio-Formats' rule);
 * else why the first reader offered this suffix refused the file's content; else null (no reader).
 */
export function suffixDecision(
  idx: CatIndex,
  f: CandidateFile,
  ln: string,
): { reader: string } | { refused: string; by: string } | null {
  let refused: { refused: string; by: string } | null = null;
  for (const { reader, suffix } of suffixMatches(idx, ln)) {
    const pred = PREDICATES[reader.className];
    const ok = pred ? pred(ln, suffix, f) : !SHARED_SUFFIXES.has(suffix);
    if (ok === true) return { reader: reader.className };
    if (typeof ok === "string" && !refused) refused = { refused: ok, by: reader.className };
  }
  return refused;
}

/** An entry a name rule chose, unless its reader's content check refuses the file (then ignored, with why). */
export function checkedEntry(reader: string, f: CandidateFile, refusal: (f: CandidateFile) => string | null): Decision {
  const why = refusal(f);
  if (why === null) return { kind: "entry", reader };
  return { kind: "ignored", reason: `not an image Bio-Formats opens: ${why} (${shortName(reader)})` };
}
