/**
 * A PATH as the user types it (`omero-fs dropbox import-existing PATH`): relative to the current
 * directory, possibly through a symlink; as the ledger spells it, a path under a watch folder.
 * Pure: the caller passes realpath (null when the path cannot be resolved).
 */
import * as path from "node:path";

const trim = (p: string) => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p);
const under = (p: string, dir: string) => p === dir || p.startsWith(dir === "/" ? "/" : `${dir}/`);

export function resolveWatchPath(
  input: string,
  cwd: string,
  watchDirs: string[],
  realpath: (p: string) => string | null,
): { path: string } | { error: string } {
  const abs = trim(path.resolve(cwd, input));
  const dirs = watchDirs.map(trim);
  if (dirs.some((d) => under(abs, d))) return { path: abs };
  // Reached through a symlink (or a watch folder that is one): map the real path back.
  const real = realpath(abs);
  if (real !== null)
    for (const d of dirs) {
      const rd = realpath(d);
      if (rd !== null && under(real, rd)) return { path: d + real.slice(rd.length) };
    }
  const as = abs === input ? "" : ` (${abs})`;
  return {
    error: `${input}${as} is not in a watch folder; the watch folders are ${dirs.join(", ")}: give a path under one of them`,
  };
}
