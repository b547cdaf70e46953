/**
 * Golden layouts known to differ from Bio-Formats today, each with the issue bullet that fixes it
 * (issue 18) and who is on it. ONE list: the golden test expects these to differ and fails once one
 * comes out the same, so whoever fixes a layout removes it here. The list must shrink to zero.
 */
const SWALLOWED = "issue 18, Swallowed: files Bio-Formats leaves out are not in ours (readers-c)";
const DV_LOGS = "issue 18, Elsewhere: DeltaVision logs (readers-c)";
const HALF = "issue 18, Half: an .oif whose listed channel TIFF is missing (readers-c)";

export const EXPECTED_FAILURES: Record<string, string> = {
  "mm-snapshot": SWALLOWED,
  "metamorph-overview": SWALLOWED,
  "ome-companion-unnamed-binary": SWALLOWED,
  "oif-stray-tiff": SWALLOWED,
  "oif-stray-tiff-underscore": SWALLOWED,
  "oif-thumbnail": SWALLOWED,
  "dv-d3d-log": DV_LOGS,
  "dv-d3d-own-log": DV_LOGS,
  "oif-missing-channel": HALF,
};
