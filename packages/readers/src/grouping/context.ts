/**
 * The file index one grouping run works on (folders, names, case-insensitive lookup) and the
 * per-file Decision type.
 */
import { baseOf, dirOf, join } from "../paths";
import type { CatIndex } from "./catalogue-index";
import type { CandidateFile } from "../types";

/** Readiness facts and required files of a format whose entry lists (or numbers) its members (listing-facts.ts, zarr.ts). */
export interface ListingFacts {
  expected?: string[];
  closed?: boolean;
  hold?: string;
  /** Listed files not present, with why (the plan's `missing` / `reasons`). */
  required: { path: string; why: string }[];
}

// File index

export interface DirInfo {
  /** lower-case name -> actual names (sorted) */
  lower: Map<string, string[]>;
  names: string[];
}

export interface Ctx {
  idx: CatIndex;
  files: Map<string, CandidateFile>;
  dirs: Map<string, DirInfo>;
  /** Folder -> its Micro-Manager metadata files (that pass the content test when probed), sorted. */
  mm: Map<string, string[]>;
  /** Parent folder -> Micro-Manager metadata files in its Pos_* sub-folders, sorted. */
  mmPos: Map<string, string[]>;
  /** Folder -> MetaMorph .nd/.scan files, longest base first. */
  nd: Map<string, string[]>;
  /** Member path -> entry path, from entry files that list their members (OME-XML, metadata.txt, .ndpis). */
  claims: Map<string, { entry: string; reader: string }>;
  /** Folder -> its first .mvd2 (cache). */
  mvd2: Map<string, string | null>;
  /** Files held for an entry not here yet, by a listing rule (e.g. an `.xlif` without its `.xlef`): path -> why. */
  waits: Map<string, string>;
  /** Lower-case path -> path (built on first use: case-insensitive references, XLEF). */
  lowerPaths?: Map<string, string>;
}

export function buildDirs(files: Map<string, CandidateFile>): Map<string, DirInfo> {
  const dirs = new Map<string, DirInfo>();
  for (const p of [...files.keys()].sort()) {
    const d = dirOf(p);
    const name = baseOf(p);
    let info = dirs.get(d);
    if (!info) {
      info = { lower: new Map(), names: [] };
      dirs.set(d, info);
    }
    info.names.push(name);
    const ln = name.toLowerCase();
    const list = info.lower.get(ln);
    if (list) list.push(name);
    else info.lower.set(ln, [name]);
  }
  return dirs;
}

/** Path of `name` in `dir`: exact match first, then a case-insensitive one. */
export function find(ctx: Ctx, dir: string, name: string): string | null {
  const exact = join(dir, name);
  if (ctx.files.has(exact)) return exact;
  const hit = ctx.dirs.get(dir)?.lower.get(name.toLowerCase());
  return hit ? join(dir, hit[0]!) : null;
}

export function findPath(ctx: Ctx, p: string): string | null {
  return find(ctx, dirOf(p), baseOf(p));
}

// ---------------------------------------------------------------------------------------------
// Decisions

export type Decision =
  | { kind: "entry"; reader: string }
  | { kind: "member"; reader: string; entry: string; dirEntry?: boolean }
  /** waitsFor: the entry path this file waits for (the whitelist decides by its name). */
  | { kind: "pending"; reason: string; waitsFor?: string }
  /** opens: a file its reader accepts but does not use opens the fileset of this entry (pruning.ts). */
  | { kind: "ignored"; reason: string; opens?: string };

export const entry = (reader: string): Decision => ({ kind: "entry", reader });
export const member = (reader: string, entryPath: string, dirEntry = false): Decision => ({
  kind: "member",
  reader,
  entry: entryPath,
  dirEntry,
});
