/**
 * Symlinks directly in the watch directory that point to a folder (a user's folder kept
 * elsewhere, `DropBox/bob -> /data/bob`): which are followed (linkedFolderProblem decides; this
 * is its I/O). A followed link is a directory to the monitor; the native watcher does not follow
 * links, so the folders below it are watched by supplementary fs.watch watches.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { linkedFolderProblem } from "@omero-fs/protocol";

const ADMIN_UIDS = [0, process.getuid?.() ?? 0];

export class LinkedFolders {
  private realWatchDir: string | null = null;

  constructor(
    private readonly watchDir: string,
    /** A link that is not followed, with why (the caller logs it once). */
    private readonly refused: (link: string, why: string) => void,
  ) {}

  /** Whether the symlink p (lstat `st`) directly in the watch directory is a followed folder. */
  follows(p: string, st: fs.Stats): boolean {
    if (!st.isSymbolicLink() || path.dirname(p) !== this.watchDir) return false;
    try {
      if (!fs.statSync(p).isDirectory()) return false;
      this.realWatchDir ??= fs.realpathSync(this.watchDir);
      const why = linkedFolderProblem({
        link: p,
        linkUid: st.uid,
        adminUids: ADMIN_UIDS,
        realTarget: fs.realpathSync(p),
        realWatchDir: this.realWatchDir,
      });
      if (why) this.refused(p, why);
      return why === null;
    } catch {
      return false; // dangling or unreadable: an entry like any other
    }
  }
}
