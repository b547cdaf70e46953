/** A read-only view of one watch's candidates for the plate rules: folders, names, exact lookups. Pure. */
import type { CandidateFile } from "../types";
import { baseOf, dirOf, join } from "../paths";

export class FileView {
  readonly files = new Map<string, CandidateFile>();
  /** Folder -> names in it (sorted). */
  readonly dirs = new Map<string, string[]>();
  /** Folder -> immediate sub-folders that hold candidates (sorted names). */
  readonly subdirs = new Map<string, Set<string>>();

  constructor(files: readonly CandidateFile[]) {
    for (const f of files) if (!this.files.has(f.path)) this.files.set(f.path, f);
    for (const p of [...this.files.keys()].sort()) {
      const d = dirOf(p);
      const list = this.dirs.get(d);
      if (list) list.push(baseOf(p));
      else this.dirs.set(d, [baseOf(p)]);
    }
    for (const d of this.dirs.keys()) {
      for (let child = d, parent = dirOf(d); child !== "/"; child = parent, parent = dirOf(parent)) {
        const set = this.subdirs.get(parent) ?? new Set<string>();
        if (set.has(baseOf(child))) break;
        set.add(baseOf(child));
        this.subdirs.set(parent, set);
      }
    }
  }

  /** Bio-Formats' Location.exists on a case-sensitive file system: exact path only. */
  has(path: string): boolean {
    return this.files.has(path);
  }

  names(dir: string): readonly string[] {
    return this.dirs.get(dir) ?? [];
  }

  /** Sub-folder names of `dir` (those holding at least one candidate somewhere below), sorted. */
  childDirs(dir: string): string[] {
    return [...(this.subdirs.get(dir) ?? [])].sort();
  }

  /** Every candidate under `dir` (any depth), sorted. */
  under(dir: string): string[] {
    const prefix = dir === "/" ? "/" : `${dir}/`;
    return [...this.files.keys()].filter((p) => p.startsWith(prefix)).sort();
  }

  /** Paths of `dir`'s files whose names pass `test`. */
  pick(dir: string, test: (name: string) => boolean): string[] {
    return this.names(dir)
      .filter(test)
      .map((n) => join(dir, n));
  }
}

/** Bio-Formats' checkSuffix: case-insensitive "ends with .suffix" (also .gz/.bz2 are not relevant here). */
export function hasSuffix(name: string, ...suffixes: string[]): boolean {
  const ln = name.toLowerCase();
  return suffixes.some((s) => ln.endsWith(`.${s}`));
}
