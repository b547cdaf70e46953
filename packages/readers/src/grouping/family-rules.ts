/**
 * The family rules (families.ts) in readers.txt order: the first reader whose isThisType accepts a file gets it.
 */
import { bioRadRule } from "./biorad";
import { DICOM, dicomRule, isDicomSuffix } from "./dicom";
import { aplRule, klbRule, microCtRule, tillVisionRule, varianFdfRule, zeissLsmRule } from "./folder-scans";
import {
  fujiRule,
  imagicRule,
  inveonRule,
  jeolRule,
  pcoRawRule,
  pdsRule,
  qtRule,
  spcRule,
  unisokuRule,
} from "./header-pairs";
import { afiRule, hamamatsuVmsRule, l2dRule, olympusTileRule, seqRule, visitechRule } from "./listing-readers";
import { P } from "./names";
import { NRRD, nrrdRule } from "./nrrd";
import type { FamilyRule } from "./families";
import { improvisionRule } from "./improvision";
import { PERKIN_ELMER, perkinElmerRule } from "./perkinelmer";
import { prairieRule, prairieWantsWhole } from "./prairie";
import { VECTRA, vectraRule } from "./vectra";

export const FAMILY_RULES: readonly FamilyRule[] = [
  spcRule, // 30
  visitechRule, // 36
  l2dRule, // 40
  qtRule, // 44
  tillVisionRule, // 46
  varianFdfRule, // 65
  imagicRule, // 70
  hamamatsuVmsRule, // 71
  afiRule, // 82
  klbRule, // 92
  microCtRule, // 93
  olympusTileRule, // 96
  jeolRule, // 97
  aplRule, // 100
  nrrdRule, // 101
  perkinElmerRule, // 103
  unisokuRule, // 107
  pdsRule, // 108
  fujiRule, // 109
  inveonRule, // 111
  bioRadRule, // 115
  zeissLsmRule, // 127
  seqRule, // 128
  pcoRawRule, // 137
  prairieRule, // 146
  improvisionRule, // 149
  vectraRule, // 162
  dicomRule, // 165
];

/** Whether a family rule reads this file's head (content checks, entry files listing members). */
export function familyNeedsHeader(ln: string, has: ReadonlySet<string>): boolean {
  // DicomReader reads content for any name no earlier reader claims (extension-less exports, DICOMDIR).
  if (has.has(DICOM) && (isDicomSuffix(ln) || !ln.includes(".") || /\.(ima|raw)$/.test(ln))) return true;
  if (has.has(VECTRA) && ln.endsWith(".qptiff")) return true;
  if (has.has(NRRD) && /\.(nhdr|nrrd)(\.gz|\.bz2)?$/.test(ln)) return true;
  // PerkinElmerReader reads a .cfg for "Ultraview"; PrairieReader's .cfg/.env are XML.
  if (/\.(cfg|env)$/.test(ln)) return has.has(PERKIN_ELMER) || has.has(`${P}PrairieReader`);
  // Content or listing read by a family rule (JEOL magic, L2D, VMS, AFI, omp2info, IPS, FDF, VFF, MDB, PCO-RAW TIFF).
  return /\.(img|dat|l2d|vms|afi|omp2info|ips|fdf|vff|mdb|pcoraw|hed)$/.test(ln);
}

/** Entry files a family rule parses whole (their member lists): read up to LIST_WHOLE_FILE_MAX_BYTES. */
export function familyWantsWholeFile(name: string): boolean {
  return name === "DICOMDIR" || /\.(vms|afi|omp2info|ips|l2d)$/i.test(name);
}

/** Files whose head shows they list members beyond it: the io probe then reads them whole. */
export function familyWantsWholeByHead(ln: string, head: Buffer): boolean {
  return prairieWantsWhole(ln, head);
}
