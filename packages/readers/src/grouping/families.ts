/**
 * Multi-file readers whose sets are found by a reader's own folder scan (issue 18): DICOM series, Prairie,
 * Vectra QPTIFF, Improvision TIFF sets, PerkinElmer, Bio-Rad PIC, NRRD detached headers and the others of
 * `FAMILY_RULES`. Each rule is a pure module (one per reader family) that reads the files of a watch as its
 * Bio-Formats reader's isThisType / initFile / getSeriesUsedFiles would and returns its sets; this module runs
 * them in readers.txt order (a file the first rule takes is not offered to later ones, nor a file an earlier
 * listing entry claimed) and answers `decide` and the readiness facts for them.
 */
import { baseOf, join } from "../paths";
import { tiffRule } from "./tiff-names";
import type { Ctx, Decision, ListingFacts } from "./context";
import { entry, member } from "./context";
import type { CandidateFile, FilesetPlan } from "../types";

/** One fileset a family rule found: its entry, the present members, and what its entry says of the rest. */
export interface FamilySet {
  reader: string;
  entry: string;
  /** Present members, the entry included. */
  members: string[];
  /** Every file the entry's metadata names, present or not (README "Readiness facts"). */
  expected?: string[];
  closed?: boolean;
  hold?: string;
  /** Named members not present, one reason each (the plan's `missing`). */
  required?: { path: string; why: string }[];
  /** Files another set holds that this one uses too (FilesetPlan.shared). */
  shared?: string[];
}

export interface FamilyOutcome {
  sets: FamilySet[];
  /** Files that wait for an entry not here yet: path -> why. */
  pending?: Map<string, { reason: string; waitsFor?: string }>;
  /** Files the reader takes and then refuses (Bio-Formats' setId throws): path -> why; or takes and opens
   * another fileset through without using them (`opens`: that fileset's entry; pruning.ts). */
  ignored?: Map<string, string | { reason: string; opens: string }>;
}

export interface FamilyRule {
  reader: string;
  /** The reader's isThisType on names alone could take this lower-case name (cheap pre-filter). */
  wants(ln: string): boolean;
  /** The sets among `files` (sorted by path, the names `wants` accepted, not claimed by an earlier rule). */
  run(ctx: Ctx, files: CandidateFile[], taken: (p: string) => boolean): FamilyOutcome;
}

interface FamilyState {
  decisions: Map<string, Decision>;
  sets: Map<string, FamilySet>;
}

const STATE = new WeakMap<Ctx, FamilyState>();

/** Runs the family rules (in readers.txt order) over the files of one grouping run. */
export function buildFamilies(ctx: Ctx, sorted: CandidateFile[], rules: readonly FamilyRule[]): void {
  const state: FamilyState = { decisions: new Map(), sets: new Map() };
  STATE.set(ctx, state);
  const taken = (p: string) => state.decisions.has(p) || ctx.claims.has(p) || ctx.waits.has(p);
  const named: { f: CandidateFile; ln: string }[] = [];
  for (const f of sorted) {
    const ln = baseOf(f.path).toLowerCase();
    if (!ln.startsWith(".") && !ln.endsWith(".filepart")) named.push({ f, ln });
  }
  for (const rule of rules) {
    if (!ctx.idx.has.has(rule.reader)) continue;
    const files: CandidateFile[] = [];
    for (const { f, ln } of named) if (rule.wants(ln) && !taken(f.path)) files.push(f);
    if (files.length === 0) continue;
    const out = rule.run(ctx, files, taken);
    for (const s of out.sets) {
      if (taken(s.entry)) continue;
      state.sets.set(s.entry, s);
      state.decisions.set(s.entry, entry(s.reader));
      for (const m of s.members) if (m !== s.entry && !taken(m)) state.decisions.set(m, member(s.reader, s.entry));
    }
    for (const [p, w] of out.pending ?? [])
      if (!taken(p)) state.decisions.set(p, { kind: "pending", reason: w.reason, waitsFor: w.waitsFor });
    for (const [p, why] of out.ignored ?? [])
      if (!taken(p))
        state.decisions.set(
          p,
          typeof why === "string" ? { kind: "ignored", reason: why } : { kind: "ignored", ...why },
        );
  }
}

/** The family rules' decision for a path, if one of them took it. */
export function familyDecision(ctx: Ctx, path: string): Decision | undefined {
  return STATE.get(ctx)?.decisions.get(path);
}

/** Readiness facts and required files of a fileset whose entry a family rule found; null otherwise. */
export function familyFacts(ctx: Ctx, plan: FilesetPlan): ListingFacts | null {
  const s = STATE.get(ctx)?.sets.get(plan.entry);
  if (!s || s.reader !== plan.reader) return null;
  const out: ListingFacts = { required: s.required ?? [] };
  if (s.expected) out.expected = s.expected;
  if (s.closed) out.closed = true;
  if (s.hold) out.hold = s.hold;
  return out;
}

/** Files a family set uses that another fileset holds (shared.ts checks they are held). */
export function familyShared(ctx: Ctx, plan: FilesetPlan): string[] {
  const s = STATE.get(ctx)?.sets.get(plan.entry);
  return s && s.reader === plan.reader ? (s.shared ?? []) : [];
}

/**
 * Whether a reader ordered before `order` takes this TIFF by the TIFF-name rule (tiff-names.ts: BinaryOnly
 * OME-TIFF, Leica `.lei` prefix, MetaMorph `.nd` prefix, OME-XML description): the TIFF family rules leave it.
 */
export function earlierTiffReader(ctx: Ctx, f: CandidateFile, order: number): boolean {
  const d = tiffRule(ctx, f, baseOf(f.path).toLowerCase());
  if (!d) return false;
  if (d.kind !== "entry" && d.kind !== "member") return true;
  const o = ctx.idx.readers.find((r) => r.className === d.reader)?.order;
  return o !== undefined && o < order;
}

const SORTED_DIRS = new WeakMap<Ctx, string[]>();

/** Every candidate file under `dir` (at any depth), sorted: a binary search over the run's sorted folders. */
export function filesUnder(ctx: Ctx, dir: string): string[] {
  let dirs = SORTED_DIRS.get(ctx);
  if (!dirs) {
    dirs = [...ctx.dirs.keys()].sort();
    SORTED_DIRS.set(ctx, dirs);
  }
  const prefix = `${dir}/`;
  let lo = 0;
  let hi = dirs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dirs[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = (ctx.dirs.get(dir)?.names ?? []).map((n) => join(dir, n));
  for (let i = lo; i < dirs.length && dirs[i]!.startsWith(prefix); i++)
    for (const n of ctx.dirs.get(dirs[i]!)!.names) out.push(join(dirs[i]!, n));
  return out.sort();
}

/** The sub-folders (holding candidate files, at any depth) directly below `dir`. */
export function subfoldersOf(ctx: Ctx, dir: string): string[] {
  const out = new Set<string>();
  for (const p of filesUnder(ctx, dir)) {
    const rest = p.slice(dir.length + 1);
    if (rest.includes("/")) out.add(join(dir, rest.slice(0, rest.indexOf("/"))));
  }
  return [...out].sort();
}
