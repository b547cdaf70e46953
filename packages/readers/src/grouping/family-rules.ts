/**
 * The family rules (families.ts) in readers.txt order: the first reader whose isThisType accepts a file gets it.
 */
import { DICOM, dicomRule, isDicomSuffix } from "./dicom";
import type { FamilyRule } from "./families";
import { prairieRule, prairieWantsWhole } from "./prairie";

export const FAMILY_RULES: readonly FamilyRule[] = [prairieRule, dicomRule];

/** Whether a family rule reads this file's head (content checks, entry files listing members). */
export function familyNeedsHeader(ln: string, has: ReadonlySet<string>): boolean {
  // DicomReader reads content for any name no earlier reader claims (extension-less exports, DICOMDIR).
  if (has.has(DICOM) && (isDicomSuffix(ln) || !ln.includes(".") || /\.(ima|raw)$/.test(ln))) return true;
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
