/**
 * HCS plates: which files of a watch form one plate, which file Bio-Formats opens it from, and what the
 * plate's index says must be there. Pure (contents come from `CandidateFile.probe.head`); grouping calls
 * `groupPlates` before its ordinary rules and leaves every claimed or pending path alone.
 *
 * Contract
 * - `groupPlates(files, enabled?)` -> `PlateGrouping` `{ filesets, claimed, pending }`:
 *   - `filesets`: one `PlatePlan` per plate = `FilesetPlan` (key = entry = the index file, `files` =
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
import type { CandidateFile } from "../grouping";
import { baseOf } from "../paths";
import { bdRule } from "./bd";
import { cellomicsRule } from "./cellomics";
import { cellVoyagerRule } from "./cellvoyager";
import { columbusRule } from "./columbus";
import { cv7000Rule } from "./cv7000";
import { flexRule } from "./flex";
import { htdRule } from "./htd";
import { inCellRule } from "./incell";
import { miasRule } from "./mias";
import { operettaRule } from "./operetta";
import { scanrRule } from "./scanr";
import { tecanRule } from "./tecan";
import type { PendingFile, PlateGrouping, PlatePlan, PlateRule } from "./types";
import { FileView } from "./view";

export type { ExpectedFile } from "./plan";
export type { PendingFile, PlanExtras, PlateGrouping, PlatePlan, PlateRule, PlateSummary } from "./types";
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

/** Plate rules in readers.txt order (InCell 39, Cellomics 48, CellWorx 62, MetaXpress 63, ScanR 105, BD 106, Operetta 110, CellVoyager 112,
 * Columbus 113, CV7000 114, Tecan 126, Flex 131, MIAS 141). */
export const PLATE_RULES: readonly PlateRule[] = [
  inCellRule,
  cellomicsRule,
  htdRule,
  scanrRule,
  bdRule,
  operettaRule,
  cellVoyagerRule,
  columbusRule,
  cv7000Rule,
  tecanRule,
  flexRule,
  miasRule,
];

/** Plate indexes are read whole up to this size (a 384-well x 9-field x 4-channel Harmony index is ~15 MiB). */
export const HCS_WHOLE_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** Whether the io probe should read the whole file (up to HCS_WHOLE_FILE_MAX_BYTES): a plate index. */
export function hcsWantsWholeFile(path: string): boolean {
  const ln = baseOf(path).toLowerCase();
  return !ln.startsWith(".") && PLATE_RULES.some((r) => r.wantsWholeFile(ln));
}

/** Whether a plate rule's answer for this file depends on its probed head. */
export function hcsNeedsHeader(path: string): boolean {
  const ln = baseOf(path).toLowerCase();
  return !ln.startsWith(".") && PLATE_RULES.some((r) => r.needsHeader(ln));
}

/** Runs every plate rule over one watch's candidates. Pure; O(n log n) in the number of files. */
export function groupPlates(
  files: readonly CandidateFile[],
  enabled: (reader: string) => boolean = () => true,
  rules: readonly PlateRule[] = PLATE_RULES,
): PlateGrouping {
  // Dot files and partial copies stay with the ordinary grouping, which ignores them with a reason.
  const view = new FileView(
    files.filter((f) => !baseOf(f.path).startsWith(".") && !baseOf(f.path).toLowerCase().endsWith(".filepart")),
  );
  const taken = new Set<string>();
  const filesets: PlatePlan[] = [];
  const claimed = new Set<string>();
  const pending: PendingFile[] = [];
  const held = new Map<string, PendingFile>();
  for (const rule of rules) {
    if (!rule.readers.some(enabled)) continue;
    const r = rule.group(view, enabled, taken);
    filesets.push(...r.filesets);
    for (const p of r.claimed) {
      claimed.add(p);
      taken.add(p);
    }
    for (const p of r.pending) if (!held.has(p.path)) held.set(p.path, p);
  }
  // A file one rule holds for a missing index may be named by another rule's present index.
  for (const p of held.values()) if (!claimed.has(p.path)) pending.push(p);
  filesets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  pending.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { filesets, claimed, pending };
}
