/**
 * Catalogue index: readers in catalogue order, by suffix, and the suffixes two readers share
 * (only a reader's own rule may take those). README "Rules", suffix test.
 */
import { defaultCatalogue } from "../catalogue";
import type { Catalogue, ReaderEntry } from "../catalogue";
import { candidateSuffixes } from "../paths";

// Catalogue index

export interface CatIndex {
  readers: ReaderEntry[];
  has: Set<string>;
  bySuffix: Map<string, ReaderEntry[]>;
  source: string;
}

/** Suffixes claimed by two or more enabled readers of the default list: only a reader's own rule
 * (modelled below) can accept them; the plain suffix test is not enough. */
export const SHARED_SUFFIXES: Set<string> = (() => {
  const count = new Map<string, number>();
  for (const r of defaultCatalogue().readers) for (const s of r.suffixes) count.set(s, (count.get(s) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n > 1).map(([s]) => s));
})();

const indexCache = new WeakMap<Catalogue, CatIndex>();

export function indexOf(cat: Catalogue): CatIndex {
  const cached = indexCache.get(cat);
  if (cached) return cached;
  const readers = [...cat.readers].sort((a, b) => a.order - b.order);
  const bySuffix = new Map<string, ReaderEntry[]>();
  for (const r of readers) {
    for (const s of r.suffixes) {
      const list = bySuffix.get(s) ?? [];
      if (!list.includes(r)) list.push(r);
      bySuffix.set(s, list);
    }
  }
  const idx = { readers, has: new Set(readers.map((r) => r.className)), bySuffix, source: cat.source };
  indexCache.set(cat, idx);
  return idx;
}

let defaultIdx: CatIndex | null = null;
export function defaultIndex(): CatIndex {
  defaultIdx ??= indexOf(defaultCatalogue());
  return defaultIdx;
}

/** Readers whose suffix test accepts the name, in catalogue order, with the suffix that matched. */
export function suffixMatches(idx: CatIndex, ln: string): { reader: ReaderEntry; suffix: string }[] {
  const hits = new Map<ReaderEntry, string>();
  for (const s of candidateSuffixes(ln)) {
    for (const r of idx.bySuffix.get(s) ?? []) {
      const prev = hits.get(r);
      if (prev === undefined || s.length > prev.length) hits.set(r, s);
    }
  }
  return [...hits].map(([reader, suffix]) => ({ reader, suffix })).sort((a, b) => a.reader.order - b.reader.order);
}
