/** Builds one plate's plan from what a rule found: members, expected files, summary counts. Pure. */
import { baseOf, dirOf } from "../paths";
import type { FilesetPlan, PlateSummary } from "../types";
import { MISSING_LIST_MAX } from "./types";
import type { FileView } from "./view";

export interface ExpectedFile {
  path: string;
  /** Why the index requires it (one line, e.g. "well A01, site 1, wavelength 2 of plate1.HTD"). */
  why: string;
  /** A pixel file (counted in the summary), not a metadata file. */
  image: boolean;
}

export interface PlateFacts {
  reader: string;
  entry: string;
  /** Present files the reader takes (entry included or not). */
  members: Iterable<string>;
  /** What the index lists, present or not; null when the index could not be read whole. */
  expected: ExpectedFile[] | null;
  closed: boolean;
  /** null: the index gives no counts (no `plate` on the plan). */
  summary: Omit<PlateSummary, "expectedImages" | "presentImages" | "missing"> | null;
  /** Extra reason lines (e.g. "index not read whole"). */
  notes?: string[];
  /** Pixel files found when there is no `expected` list (plates without an index). */
  presentImages?: number;
  /** Paths another plate already holds: counted as present, never listed in `files`. */
  taken?: { has(path: string): boolean };
  /** Files another plate holds that this one uses too (FilesetPlan.shared). */
  shared?: Iterable<string>;
}

/** Path relative to the entry's folder when below it (shorter reasons), else absolute. */
function rel(entry: string, p: string): string {
  const d = dirOf(entry);
  return p.startsWith(`${d}/`) ? p.slice(d.length + 1) : p;
}

export function finishPlate(view: FileView, facts: PlateFacts): FilesetPlan {
  const rest = new Set(facts.members);
  rest.delete(facts.entry);
  const expected = facts.expected ?? [];
  const missing: string[] = [];
  const reasons: string[] = [...(facts.notes ?? [])];
  let images = 0;
  let present = 0;
  const seen = new Set<string>();
  const missingImages: string[] = [];
  for (const e of expected) {
    if (seen.has(e.path)) continue;
    seen.add(e.path);
    if (e.image) images++;
    if (view.has(e.path)) {
      if (e.image) present++;
      if (e.path !== facts.entry && !facts.taken?.has(e.path)) rest.add(e.path);
      continue;
    }
    missing.push(e.path);
    if (e.image && missingImages.length < MISSING_LIST_MAX) missingImages.push(e.path);
    reasons.push(`missing ${rel(facts.entry, e.path)}: ${e.why}`);
  }
  const plan: FilesetPlan = {
    key: facts.entry,
    reader: facts.reader,
    entry: facts.entry,
    files: [facts.entry, ...[...rest].sort()],
    missing,
    reasons,
    closed: facts.closed,
  };
  const shared = [...(facts.shared ?? [])].filter((p) => !rest.has(p) && p !== facts.entry);
  if (shared.length > 0) plan.shared = shared.sort();
  if (facts.summary) {
    const found = facts.expected ? present : (facts.presentImages ?? 0);
    plan.plate = { ...facts.summary, expectedImages: images, presentImages: found, missing: missingImages };
  }
  if (facts.expected) plan.expected = [...seen];
  return plan;
}

/** "plate1.HTD" -> "plate1" (up to the last '.', as CellWorxReader.getPlateName). */
export function stripExt(name: string): string {
  const i = name.lastIndexOf(".");
  return i > 0 ? name.slice(0, i) : name;
}

export { baseOf, dirOf };
