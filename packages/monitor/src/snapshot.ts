/**
 * Snapshot files in @parcel/watcher 2.x's format (DirTree::write: `<count>\n`, then per entry
 * `<byte length of path><path><mtime ns> <isDir 0|1>\n`): a streaming reader, so a catch-up can
 * compare a snapshot with the known-set one entry at a time instead of asking getEventsSince
 * (two native trees and every change as one array), and a streaming writer (a walk with
 * readdir + lstat, a directory at a time, yielding to the event loop), so a snapshot of a
 * million files never holds the tree (parcel.writeSnapshot builds its whole native DirTree,
 * ~280 MiB at a million files). The poll backend's parcel.getEventsSince reads the same files.
 * Also the monitor's files beside it (SnapshotStore): the snapshot and the marker, written
 * atomically.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { depthBelow, MAX_FOLDER_DEPTH } from "@omero-fs/protocol";

export interface SnapshotEntry {
  path: string;
  /** st_mtim in nanoseconds, as written (decimal; beyond 2^53, so kept as text). */
  mtime: string;
  isDir: boolean;
}

const CHUNK = 1 << 20;

/**
 * A snapshot's mtime (ns, as text) as the `mtimeMs` an ordinary lstat gives for that mtime: Node
 * computes it as sec * 1e3 + nsec / 1e6 from the two integers, and so does this, to the same
 * double. The catch-up compares with it instead of a bigint lstat per file (a third faster, and
 * no BigInts to collect, on a million files).
 */
export function msOfNs(ns: string): number {
  const sec = ns.length > 9 ? Number(ns.slice(0, -9)) : 0;
  const nsec = Number(ns.length > 9 ? ns.slice(-9) : ns);
  return sec * 1000 + nsec / 1e6;
}

/** Every entry of a snapshot file, in file order. Throws on a malformed file. */
export function* readSnapshot(file: string): Generator<SnapshotEntry> {
  const fd = fs.openSync(file, "r");
  try {
    // One buffer, reused: a new one per chunk (and a concat) left ~2 bytes of native memory per
    // byte of a 90 MB snapshot to the collector, a 50 MiB high-water mark on a million files.
    let buf = Buffer.allocUnsafe(2 * CHUNK);
    let pos = 0;
    let end = 0;
    let eof = false;
    /** Make sure at least n bytes are buffered from pos (false at end of file). */
    const need = (n: number): boolean => {
      while (end - pos < n && !eof) {
        if (pos > 0) {
          buf.copy(buf, 0, pos, end);
          end -= pos;
          pos = 0;
        }
        if (buf.length - end < Math.min(CHUNK, n)) {
          const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, n + CHUNK));
          buf.copy(bigger, 0, 0, end);
          buf = bigger;
        }
        const got = fs.readSync(fd, buf, end, buf.length - end, null);
        if (got === 0) eof = true;
        end += got;
      }
      return end - pos >= n;
    };
    const digits = (): string => {
      let s = "";
      while (need(1) && buf[pos] >= 0x30 && buf[pos] <= 0x39) s += String.fromCharCode(buf[pos++]);
      if (s === "") throw new Error(`malformed snapshot ${file}: digits expected`);
      return s;
    };
    const expect = (c: number): void => {
      if (!need(1) || buf[pos] !== c)
        throw new Error(`malformed snapshot ${file}: '${String.fromCharCode(c)}' expected`);
      pos++;
    };
    if (!need(1)) return;
    const count = Number(digits());
    expect(0x0a);
    for (let i = 0; i < count; i++) {
      const len = Number(digits());
      if (!need(len)) throw new Error(`malformed snapshot ${file}: truncated`);
      const p = buf.toString("utf8", pos, pos + len);
      pos += len;
      const mtime = digits();
      expect(0x20);
      const isDir = digits() !== "0";
      expect(0x0a);
      yield { path: p, mtime, isDir };
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Width of the count at the head of a written snapshot: zero-padded, filled in at the end. */
const COUNT_WIDTH = 20;
/** Entries written between two turns of the event loop. */
const YIELD_EVERY = 2000;

/** Is `p` one of `ignore` or below one (parcel's isIgnored for plain paths). */
function ignored(p: string, ignore: readonly string[]): boolean {
  for (const i of ignore) if (p === i || p.startsWith(i.endsWith("/") ? i : `${i}/`)) return true;
  return false;
}

/**
 * Write a snapshot of the tree at `root` to `file` (parcel's format, read by readSnapshot and by
 * parcel.getEventsSince): the root and every entry below it, depth first, but not `ignore`d paths
 * or anything below them; symlinks are entries (not followed), mtimes from lstat in ns. The count
 * goes first, so its place is reserved (zero-padded, which both readers accept) and written last.
 * A directory that cannot be read, or MAX_FOLDER_DEPTH levels down, is an entry without children
 * (the next catch-up reports its content as new: twice, never lost); an entry gone meanwhile, or
 * that cannot be looked at (a path too long), is left out. Memory: the names of one directory and
 * the stack of directories still to read.
 */
export async function writeSnapshotFile(
  root: string,
  file: string,
  ignore: readonly string[],
  /** Checked at each turn of the event loop: true abandons the walk (returns -1; `file` is incomplete). */
  abandoned: () => boolean = () => false,
  /** Entries written between two turns of the event loop. */
  yieldEvery = YIELD_EVERY,
): Promise<number> {
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, `${"0".repeat(COUNT_WIDTH)}\n`);
    let count = 0;
    let sinceYield = 0;
    let out: string[] = [];
    const entry = (p: string, mtimeNs: bigint, isDir: boolean) => {
      out.push(`${Buffer.byteLength(p)}${p}${mtimeNs} ${isDir ? 1 : 0}\n`);
      count++;
    };
    const rootSt = fs.lstatSync(root, { bigint: true });
    entry(root, rootSt.mtimeNs, true);
    const stack = [root];
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      const prefix = dir === "/" ? "/" : `${dir}/`;
      for (const name of names) {
        const p = prefix + name;
        if (ignored(p, ignore)) continue;
        const st = lstatOrNull(p);
        if (!st) continue;
        const isDir = st.isDirectory();
        entry(p, st.mtimeNs, isDir);
        // A folder too deep to enter is an entry, as the monitor knows it, but not walked.
        if (isDir && depthBelow(root, p) < MAX_FOLDER_DEPTH) stack.push(p);
      }
      if (out.length > 0) {
        fs.writeSync(fd, out.join(""));
        out = [];
      }
      sinceYield += names.length + 1;
      if (sinceYield >= yieldEvery) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
        if (abandoned()) return -1;
      }
    }
    fs.writeSync(fd, String(count).padStart(COUNT_WIDTH, "0"), 0);
    return count;
  } finally {
    fs.closeSync(fd);
  }
}

/** lstat (ns), or null when gone or when it cannot be looked at: one bad entry never fails the snapshot. */
function lstatOrNull(p: string): fs.BigIntStats | null {
  try {
    return fs.lstatSync(p, { bigint: true, throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** What a monitor left beside its snapshot: whether it was running (an unclean stop) and its directories. */
export interface Marker {
  watchDir: string;
  running: boolean;
  dirs: string[];
}

/** A monitor's files in var/monitor: `<key>.snapshot` and the `<key>.json` marker. Written atomically. */
export class SnapshotStore {
  readonly snapshotFile: string;
  readonly markerFile: string;
  private writing: Promise<void> = Promise.resolve();
  private current: { abandoned: boolean } | null = null;

  constructor(
    dir: string,
    key: string,
    private readonly onError: (what: string, e: unknown) => void,
  ) {
    this.snapshotFile = path.join(dir, `${key}.snapshot`);
    this.markerFile = path.join(dir, `${key}.json`);
  }

  hasSnapshot(): boolean {
    return fs.existsSync(this.snapshotFile);
  }

  /**
   * Write the snapshot (tmp + rename). Writes run one at a time, in call order, so a periodic
   * snapshot still walking when the monitor stops cannot land after the stop's own; a newer
   * request abandons the walk under way (the newer one replaces it anyway).
   */
  writeSnapshot(watchDir: string, ignore: string[]): Promise<void> {
    if (this.current) this.current.abandoned = true;
    const token = { abandoned: false };
    this.current = token;
    const run = async () => {
      if (token.abandoned) return;
      const tmp = `${this.snapshotFile}.tmp`;
      try {
        const n = await writeSnapshotFile(watchDir, tmp, ignore, () => token.abandoned);
        if (n >= 0) fs.renameSync(tmp, this.snapshotFile);
      } catch (e) {
        this.onError(`cannot write snapshot ${this.snapshotFile}`, e);
      }
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }

  readMarker(): Marker | null {
    try {
      return JSON.parse(fs.readFileSync(this.markerFile, "utf8")) as Marker;
    } catch {
      return null;
    }
  }

  writeMarker(m: Marker): void {
    try {
      fs.writeFileSync(`${this.markerFile}.tmp`, JSON.stringify(m));
      fs.renameSync(`${this.markerFile}.tmp`, this.markerFile);
    } catch (e) {
      this.onError(`cannot write ${this.markerFile}`, e);
    }
  }
}
