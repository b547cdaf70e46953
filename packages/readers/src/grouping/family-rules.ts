/**
 * The family rules (families.ts) in readers.txt order: the first reader whose isThisType accepts a file gets it.
 */
import { bioRadRule } from "./biorad";
import { DICOM, dicomRule, isDicomSuffix } from "./dicom";
import { P } from "./names";
import { NRRD, nrrdRule } from "./nrrd";
import type { FamilyRule } from "./families";
import { improvisionRule } from "./improvision";
import { PERKIN_ELMER, perkinElmerRule } from "./perkinelmer";
import { prairieRule, prairieWantsWhole } from "./prairie";
import { VECTRA, vectraRule } from "./vectra";

export const FAMILY_RULES: readonly FamilyRule[] = [
  nrrdRule,
  perkinElmerRule,
  bioRadRule,
  prairieRule,
  improvisionRule,
  vectraRule,
  dicomRule,
];

/** Whether a family rule reads this file's head (content checks, entry files listing members). */
export function familyNeedsHeader(ln: string, has: ReadonlySet<string>): boolean {
  // DicomReader reads content for any name no earlier reader claims (extension-less exports, DICOMDIR).
  if (has.has(DICOM) && (isDicomSuffix(ln) || !ln.includes(".") || /\.(ima|raw)$/.test(ln))) return true;
  if (has.has(VECTRA) && ln.endsWith(".qptiff")) return true;
  if (has.has(NRRD) && /\.(nhdr|nrrd)(\.gz|\.bz2)?$/.test(ln)) return true;
  // PerkinElmerReader reads a .cfg for "Ultraview"; PrairieReader's .cfg/.env are XML.
  if (/\.(cfg|env)$/.test(ln)) return has.has(PERKIN_ELMER) || has.has(`${P}PrairieReader`);
  return false;
}

/** Entry files a family rule parses whole (their member lists): read up to LIST_WHOLE_FILE_MAX_BYTES. */
export function familyWantsWholeFile(name: string): boolean {
  return name === "DICOMDIR";
}

/** Files whose head shows they list members beyond it: the io probe then reads them whole. */
export function familyWantsWholeByHead(ln: string, head: Buffer): boolean {
  return prairieWantsWhole(ln, head);
}
