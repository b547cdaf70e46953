/**
 * HCS plates: which files of a watch form one plate, which file Bio-Formats opens it from, and what the
 * plate's index says must be there. Pure (contents come from `CandidateFile.probe.head`); grouping calls
 * `groupPlates` before its ordinary rules and leaves every claimed or pending path alone.
 *
 * Contract
 * - `groupPlates(files, enabled?)` -> `PlateGrouping` `{ filesets, claimed, pending, ignored }`:
 *   - `filesets`: one `FilesetPlan` per plate = `FilesetPlan` (key = entry = the index file, `files` =
 *     entry first, then every present member sorted, `missing` + one `reasons` line per missing path)
 *     plus `expected` (every path the index lists, present or not; absent when the index could not be
 *     read whole), `closed` (true: the index lists every member, so the plate is complete the moment
 *     `missing` is empty and its files are finished; false: other files may still join, wait for a
 *     quiet period too) and `plate` (`PlateSummary`: wells x fields x channels x timepoints x zSteps,
 *     expectedImages, presentImages, the first `MISSING_LIST_MAX` missing images; absent when the index
 *     gives no counts, as ScanR's).
 *   - `claimed`: every path in one of `filesets` (each path in at most one plate).
 *   - `pending`: `{ path, reason }` for files named like plate files whose index is not there (yet), e.g.
 *     "plate1_A01_s1_w1.TIF is named like a MetaXpress plate image ... waits for its plate index
 *     /d/plate1.HTD". They must not be imported alone; the DropBox bounds the wait (incompleteWait).
 *   - `ignored`: `{ path, reason }` for files a plate's reader takes and opens the plate through without
 *     using them (OMERO's candidate scan prunes them: a stray TIFF in a BD Pathway well folder); also in `claimed`.
 *   Ordinary grouping must skip every path in `claimed` and `pending`.
 * - `enabled(readerClass)`: the watch's catalogue lists the reader (default: all). A rule whose readers
 *   are all disabled places nothing. Rules run in Bio-Formats' readers.txt order (`PLATE_RULES`); a
 *   path an earlier rule claimed is not seen by later ones; a held (pending) path can still be claimed.
 * - Probing: `hcsWantsWholeFile(path)` names the index files that must be read whole (up to
 *   `HCS_WHOLE_FILE_MAX_BYTES`: a 384-well Harmony index is several MiB, more than the general 1 MiB);
 *   `hcsNeedsHeader(path)` the names whose head changes the answer. An index read only in part gives a
 *   plan without `expected` and `closed: false`, with a reason line saying so.
 *
 * Formats (one module each, each citing the Bio-Formats source it follows): `htd.ts` (MetaXpress,
 * CellWorx), `operetta.ts` (PerkinElmer Operetta / Harmony / Phenix), `incell.ts` (IN Cell Analyzer, Cytell),
 * `columbus.ts` (PerkinElmer Columbus), `cv7000.ts` (Yokogawa CellVoyager CV7000/CV8000), `scanr.ts` (Olympus
 * ScanR, by layout: no `expected`, no `plate`), `cellomics.ts` (Cellomics: no index, files grouped by plate name),
 * `flex.ts` (Opera Flex: `nnnnnnnnn.flex` files with the folder's `.mea`/`.res`), `bd.ts` (BD Pathway, by layout),
 * `cellvoyager.ts` (Yokogawa CV1000 MeasurementResult.xml, by layout), `tecan.ts` (Tecan Spark Cyto `.db` + `Images/` +
 * `Export/`, by layout), `mias.ts` (MIAS plate trees, by layout and the TIFF Software tag).
 */
export { groupPlates, HCS_WHOLE_FILE_MAX_BYTES, hcsNeedsHeader, hcsWantsWholeFile, PLATE_RULES } from "./plates";
export type { ExpectedFile } from "./plan";
export type { PlateGrouping, PlateRule } from "./types";
export { MISSING_LIST_MAX } from "./types";
export { CELLWORX, foundHtd, METAXPRESS, mxWellName, parseHtd, wellName } from "./htd";
export type { Htd } from "./htd";
export { BD } from "./bd";
export { CELLOMICS, cellomicsName } from "./cellomics";
export { CELLVOYAGER } from "./cellvoyager";
export type { ColumbusPlane } from "./columbus";
export { COLUMBUS, columbusReferences, parseColumbusImageIndex } from "./columbus";
export type { Cv7000Image } from "./cv7000";
export { CV7000, parseMeasurementData, parseMeasurementDetail } from "./cv7000";
export type { InCellImage } from "./incell";
export { FLEX } from "./flex";
export { INCELL, parseXdce } from "./incell";
export { OPERETTA, parseOperettaIndex } from "./operetta";
export { SCANR } from "./scanr";
export { MIAS, miasPlateOf } from "./mias";
export { TECAN } from "./tecan";
export type { OperettaImage } from "./operetta";
