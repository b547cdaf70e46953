/**
 * Streaming reader of a @parcel/watcher snapshot file (DirTree::write in @parcel/watcher 2.x:
 * `<count>\n`, then per entry `<byte length of path><path><mtime ns> <isDir 0|1>\n`), so a
 * catch-up can compare a snapshot with the known-set one entry at a time instead of asking
 * getEventsSince, which holds the snapshot and a fresh scan of the tree (two native trees, ~45
 * MiB at 100,000 files) and returns every change as one array. Also the monitor's files beside
 * it (SnapshotStore): the snapshot and the marker, written atomically.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as parcel from "@parcel/watcher";

export interface SnapshotEntry {
  path: string;
  /** st_mtim in nanoseconds, as written (decimal; beyond 2^53, so kept as text). */
  mtime: string;
  isDir: boolean;
}

const CHUNK = 1 << 20;

/** Every entry of a snapshot file, in file order. Throws on a malformed file. */
export function* readSnapshot(file: string): Generator<SnapshotEntry> {
  const fd = fs.openSync(file, "r");
  try {
    let buf = Buffer.alloc(0);
    let pos = 0;
    let eof = false;
    /** Make sure at least n bytes are buffered from pos (false at end of file). */
    const need = (n: number): boolean => {
      while (buf.length - pos < n && !eof) {
        const chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
        const got = fs.readSync(fd, chunk, 0, chunk.length, null);
        if (got === 0) eof = true;
        buf = Buffer.concat([buf.subarray(pos), chunk.subarray(0, got)]);
        pos = 0;
      }
      return buf.length - pos >= n;
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

  async writeSnapshot(watchDir: string, ignore: string[]): Promise<void> {
    const tmp = `${this.snapshotFile}.tmp`;
    try {
      await parcel.writeSnapshot(watchDir, tmp, { ignore });
      fs.renameSync(tmp, this.snapshotFile);
    } catch (e) {
      this.onError(`cannot write snapshot ${this.snapshotFile}`, e);
    }
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
