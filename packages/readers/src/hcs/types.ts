/** Types of the plate rules (documented in ./index.ts). */
import type { FilesetPlan, PendingFile } from "../types";
import type { FileView } from "./view";

export interface PlateGrouping {
  /** One plan per plate (its entry is the index Bio-Formats initialises from). */
  filesets: FilesetPlan[];
  /** Every path placed in one of `filesets` (ordinary grouping must skip them). */
  claimed: Set<string>;
  /** Plate files whose index is not (yet) there; ordinary grouping must skip them too. */
  pending: PendingFile[];
  /** Files a plate's reader takes and opens the plate through without using them (pruned); in `claimed` too. */
  ignored?: { path: string; reason: string }[];
}

export interface PlateRule {
  /** Short name for logs and docs, e.g. "htd". */
  name: string;
  /** Reader classes this rule decides for (any enabled => the rule runs). */
  readers: readonly string[];
  /** Lower-case file names whose whole content (<= HCS_WHOLE_FILE_MAX_BYTES) the rule parses. */
  wantsWholeFile(lowerName: string): boolean;
  /** Lower-case names whose probed head changes the rule's answer. */
  needsHeader(lowerName: string): boolean;
  /**
   * Plates of the view. `enabled(reader)`: the watch's readers file lists it. `taken`: paths an earlier
   * rule (lower catalogue order) already claimed or holds; this rule must not place them again.
   */
  group(view: FileView, enabled: (reader: string) => boolean, taken: ReadonlySet<string>): PlateGrouping;
}

/** How many missing paths a PlateSummary lists (the plan's `missing` has all). */
export const MISSING_LIST_MAX = 20;
