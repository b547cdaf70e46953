/** The plate rules in readers.txt order and the run over one watch's candidates (contract: ./index.ts). */
import type { CandidateFile } from "../types";
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
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import { FileView } from "./view";

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
  const filesets: FilesetPlan[] = [];
  const claimed = new Set<string>();
  const pending: PendingFile[] = [];
  const held = new Map<string, PendingFile>();
  const ignored: { path: string; reason: string }[] = [];
  for (const rule of rules) {
    if (!rule.readers.some(enabled)) continue;
    const r = rule.group(view, enabled, taken);
    filesets.push(...r.filesets);
    for (const p of r.claimed) {
      claimed.add(p);
      taken.add(p);
    }
    for (const p of r.pending) if (!held.has(p.path)) held.set(p.path, p);
    ignored.push(...(r.ignored ?? []));
  }
  // A file one rule holds for a missing index may be named by another rule's present index.
  for (const p of held.values()) if (!claimed.has(p.path)) pending.push(p);
  filesets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  pending.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { filesets, claimed, pending, ignored };
}
