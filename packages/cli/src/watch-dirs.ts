import * as fs from "node:fs";
import type { ConfigProblem, OmeroFsConfig } from "@omero-fs/config";
import { slotLabel } from "@omero-fs/config/names";
import { escapeName } from "./format";

/** What `config check` knows of a watchDir on disk: a directory, something else, or why not. */
export type DirState = "dir" | "not-dir" | { error: string };

/** stat() of a path as a DirState (the I/O edge of watchDirProblems). */
export function dirState(p: string): DirState {
  try {
    if (!fs.statSync(p).isDirectory()) return "not-dir";
    fs.accessSync(p, fs.constants.R_OK | fs.constants.X_OK);
    return "dir";
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}

/**
 * Problems and notes about the watch directories of a configuration (`config check`; the servers
 * still start without them). Pure: `state` says what is on disk, `freshHome` whether no DropBox
 * has run yet (its ledger does not exist): then a missing `default` DropBox folder is created at
 * the first start, a note and not a problem.
 */
export function watchDirProblems(
  cfg: OmeroFsConfig,
  state: (dir: string) => DirState,
  freshHome: boolean,
): { problems: ConfigProblem[]; notes: string[] } {
  const problems: ConfigProblem[] = [];
  const notes: string[] = [];
  const total = Math.max(...cfg.watches.map((w) => w.index + 1));
  for (const w of cfg.watches) {
    const where = `omero.fs.watchDir, ${slotLabel(w.index, total, w.user)}`;
    const dir = escapeName(w.watchDir);
    const st = state(w.watchDir);
    if (st === "dir") continue;
    let why: string;
    if (st === "not-dir") why = `${dir} is not a directory`;
    else if (st.error === "ENOENT") {
      if (freshHome && w.user === "default") {
        notes.push(`${where}: ${dir} does not exist yet; DropBox creates it at its first start`);
        continue;
      }
      why = `${dir} does not exist (an unmounted share, or a typo?)`;
    } else if (st.error === "EACCES") why = `${dir} cannot be read by this user (permission denied)`;
    else why = `${dir} cannot be used (${st.error})`;
    problems.push({
      property: "omero.fs.watchDir",
      slot: w.index,
      message: `${where}: ${why}; nothing in it is imported until it is there: create or mount it, or fix omero.fs.watchDir`,
    });
  }
  return { problems, notes };
}
