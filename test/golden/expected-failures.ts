/**
 * Golden layouts known to differ from Bio-Formats today, each with the issue bullet that fixes it
 * (issue 18) and who is on it. ONE list: the golden test expects these to differ and fails once one
 * comes out the same, so whoever fixes a layout removes it here. The list must shrink to zero.
 */
const DV_LOGS =
  "issue 18, Elsewhere: cells.dv.log is used by cells.dv and by cells_D3D.dv (findLogFiles); a file is in one fileset here, it stays with cells.dv (readers-c: shared files not modelled)";

export const EXPECTED_FAILURES: Record<string, string> = {
  "dv-raw-and-deconvolved":
    "a file two Bio-Formats filesets share (cells.dv.log is used by cells.dv and by cells_D3D.dv): not modelled, a file is in one fileset here (it stays with cells.dv)",
  "plate-metaxpress-two-plates-with-thumbs":
    "a file two Bio-Formats filesets share (MetaxpressTiffReader.getUsedFiles adds every _thumb file of the folder to each plate): not modelled, each plate keeps its own thumbnails",
  "plate-operetta-thumbs-db-everywhere":
    "files plan only: with omero.fs.ignoreSysFiles the DropBox never sees Thumbs.db, which OperettaReader lists from the plate folder (groupFilesets, given it, makes the same plate); OMERO's importer adds it (issue 18, the importer's own Bio-Formats confirms)",
  "dv-d3d-log": DV_LOGS,
};
