/**
 * Golden layouts known to differ from Bio-Formats today, each with the issue bullet that fixes it
 * (issue 18) and who is on it. ONE list: the golden test expects these to differ and fails once one
 * comes out the same, so whoever fixes a layout removes it here. The list must shrink to zero.
 */
export const EXPECTED_FAILURES: Record<string, string> = {};
