/**
 * The set of paths a monitor has accounted for (present at start, or published), stored per
 * directory as child names so verification can diff one directory cheaply and memory stays
 * small (names, not full paths: ~60-80 bytes an entry). No I/O.
 */
import * as path from "node:path";

/**
 * One entry of the known-set (or of anything compared with it) as one number, so comparing a
 * listing of 100,000 entries allocates nothing: inode * 2 + (isDir ? 1 : 0); inode 0 = not
 * recorded (found by a listing or a snapshot, which give no inode).
 */
export type EntryCode = number;
/** "Nothing there": a path a source saw vanish, or that is not in the known-set. */
export const ABSENT: EntryCode = -1;

export function entryCode(isDir: boolean, ino = 0): EntryCode {
  return ino * 2 + (isDir ? 1 : 0);
}
export function codeIsDir(c: EntryCode): boolean {
  return c % 2 === 1;
}
export function codeIno(c: EntryCode): number {
  return c < 0 ? 0 : Math.floor(c / 2);
}

export class KnownTree {
  /**
   * dir -> (child name -> code). code = inode * 2 + (isDir ? 1 : 0); inode 0 = not known (found
   * by a listing). Every known directory has an entry, even when empty.
   */
  private readonly dirs = new Map<string, Map<string, number>>();
  private count = 0;

  constructor(readonly root: string) {
    this.dirs.set(root, new Map());
  }

  get size(): number {
    return this.count;
  }

  has(p: string): boolean {
    return this.dirs.get(path.dirname(p))?.has(path.basename(p)) ?? false;
  }

  isDir(p: string): boolean {
    const v = this.dirs.get(path.dirname(p))?.get(path.basename(p));
    return v !== undefined && v % 2 === 1;
  }

  /** The entry code of a path, or ABSENT. */
  codeOf(p: string): EntryCode {
    return this.dirs.get(path.dirname(p))?.get(path.basename(p)) ?? ABSENT;
  }

  /** The inode recorded for a path, or 0 when unknown. */
  inoOf(p: string): number {
    const v = this.dirs.get(path.dirname(p))?.get(path.basename(p));
    return v === undefined ? 0 : Math.floor(v / 2);
  }

  hasDir(dir: string): boolean {
    return this.dirs.has(dir);
  }

  /** Add a path; its parent directory is created in the map if needed. Returns false if known. */
  add(p: string, isDir: boolean, ino = 0): boolean {
    const parent = path.dirname(p);
    let children = this.dirs.get(parent);
    if (!children) {
      children = new Map();
      this.dirs.set(parent, children);
    }
    const name = path.basename(p);
    const had = children.get(name);
    children.set(name, ino * 2 + (isDir ? 1 : 0));
    if (isDir && !this.dirs.has(p)) this.dirs.set(p, new Map());
    if (!isDir && had !== undefined && had % 2 === 1) this.dropSubtree(p);
    if (had === undefined) this.count++;
    return had === undefined;
  }

  /** Remove a path (and, for a directory, everything known below it). Returns whether known. */
  remove(p: string): boolean {
    const children = this.dirs.get(path.dirname(p));
    const name = path.basename(p);
    if (!children?.has(name)) return false;
    children.delete(name);
    this.count--;
    this.dropSubtree(p);
    return true;
  }

  private dropSubtree(p: string): void {
    if (!this.dirs.has(p)) return;
    const prefix = `${p}/`;
    for (const [d, kids] of this.dirs) {
      if (d === p || d.startsWith(prefix)) {
        if (d !== this.root) {
          this.count -= kids.size;
          this.dirs.delete(d);
        }
      }
    }
  }

  /** Child names of a known directory with isDir, or undefined. */
  children(dir: string): Map<string, boolean> | undefined {
    const kids = this.dirs.get(dir);
    if (!kids) return undefined;
    const out = new Map<string, boolean>();
    for (const [n, v] of kids) out.set(n, v % 2 === 1);
    return out;
  }

  /**
   * The live child map of a known directory (name -> code; isDir = code % 2 === 1), without a
   * copy: for diffing a listing. Callers must not modify it.
   */
  childCodes(dir: string): ReadonlyMap<string, number> | undefined {
    return this.dirs.get(dir);
  }

  /** Every known directory path (for snapshots' isDir of deletes, and Recurse's start set). */
  dirPaths(): string[] {
    return [...this.dirs.keys()];
  }

  clear(): void {
    this.dirs.clear();
    this.dirs.set(this.root, new Map());
    this.count = 0;
  }
}
