/** Types of the plate rules (documented in ./index.ts). */
import type { FilesetPlan } from "../grouping";
import type { FileView } from "./view";

/** The FilesetPlan fields the grouping split adds (same names); declared here until that merges. */
export interface PlanExtras {
  /** Absolute paths the entry's metadata lists as members (present or not). */
  expected?: string[];
  /** No file arriving later can join (the entry lists all members). */
  closed?: boolean;
  /** A companion yet to come could claim this file: why. */
  hold?: string;
}

/** What a plate's index says it holds, and how much of it is there. A count of 0 means "not known". */
export interface PlateSummary {
  /** Instrument family, e.g. "MetaXpress", "CellWorx", "Operetta". */
  format: string;
  /** Plate name (the index's base name, or the name the index gives). */
  name: string;
  wells: number;
  /** Fields (sites) per well. */
  fields: number;
  channels: number;
  timepoints: number;
  /** Z planes per field (1 when not a stack). */
  zSteps: number;
  /** Image files the index lists (the pixel files of `expected`); 0 for plates without an index (Cellomics). */
  expectedImages: number;
  /** How many of those are present. */
  presentImages: number;
  /** The first MISSING_LIST_MAX missing image paths (all of them are in the plan's `missing`). */
  missing: string[];
}

export type PlatePlan = FilesetPlan & PlanExtras & { plate?: PlateSummary };

export interface PendingFile {
  path: string;
  reason: string;
}

export interface PlateGrouping {
  /** One plan per plate (its entry is the index Bio-Formats initialises from). */
  filesets: PlatePlan[];
  /** Every path placed in one of `filesets` (ordinary grouping must skip them). */
  claimed: Set<string>;
  /** Plate files whose index is not (yet) there; ordinary grouping must skip them too. */
  pending: PendingFile[];
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
