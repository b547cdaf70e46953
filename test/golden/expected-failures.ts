/**
 * Golden layouts known to differ from Bio-Formats today, each with the issue bullet that fixes it
 * (issue 18). ONE list: the golden test expects these to differ and fails once one comes out the same,
 * so whoever fixes a layout removes it here. The list must shrink to zero.
 */
export const EXPECTED_FAILURES: Record<string, string> = {
  "dv-raw-and-deconvolved":
    "a file two Bio-Formats filesets share (cells.dv.log is used by cells.dv and by cells_D3D.dv): not modelled, a file is in one fileset here (it stays with cells.dv)",
  "fv-oif-folder-without-entry":
    "a folder named like a layout without its entry: its files become what Bio-Formats makes of them once companionWait has passed (readers-a)",
};
