/** Analyze 7.5 (AnalyzeReader) and NIfTI (NiftiReader): .hdr/.img pairs, .nii. */
import { analyzeHeader, analyzeImage, nii } from "../make/analyze";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "analyze-pair", files: { "brain.hdr": analyzeHeader(), "brain.img": analyzeImage() } },
  {
    name: "analyze-upper-case",
    note: "issue 18 (not images): BRAIN.HDR/BRAIN.IMG: AnalyzeReader opens <name>.img in lower case",
    files: { "BRAIN.HDR": analyzeHeader(), "BRAIN.IMG": analyzeImage() },
  },
  { name: "analyze-mixed-hdr-upper", files: { "scan.HDR": analyzeHeader(), "scan.img": analyzeImage() } },
  { name: "analyze-mixed-img-upper", files: { "scan2.hdr": analyzeHeader(), "scan2.IMG": analyzeImage() } },
  {
    name: "nifti-pair-upper-case",
    files: { "HEAD.HDR": analyzeHeader({ nifti: "ni1" }), "HEAD.IMG": analyzeImage() },
  },
  {
    name: "nifti-hdr-n1-alone",
    note: "an n+1 header named .hdr, no .img: NiftiReader.initFile opens one.img anyway",
    files: { "one.hdr": analyzeHeader({ nifti: "n+1" }) },
    missingOnPurpose: ["one.img"],
  },
  { name: "analyze-hdr-alone", files: { "head.hdr": analyzeHeader() }, missingOnPurpose: ["head.img"] },
  { name: "analyze-img-alone", files: { "tail.img": analyzeImage() } },
  { name: "nifti-pair", files: { "vol.hdr": analyzeHeader({ nifti: "ni1" }), "vol.img": analyzeImage() } },
  { name: "nifti-single", files: { "vol1.nii": nii() } },
];
