/**
 * The folders a MonitorServer serves (omero.fs.monitorRoots; README "Monitor roots"): createMonitor,
 * startMonitor and list on anything else are refused with BAD_DIRECTORY naming the roots and the
 * property. Both the path as given and its real path (symlinks resolved) must be under a root, so
 * a link inside a root cannot point the watch at /etc. Pure: real paths are passed in.
 */
import { isUnder } from "@omero-fs/protocol";

export interface MonitorRoots {
  /** Absolute, normalised. */
  dirs: string[];
  /** Their real paths (null: the root does not exist). */
  real: (string | null)[];
  /** From omero.fs.monitorRoots (else this home's watch folders, the property being empty). */
  fromProperty: boolean;
}

/** Why `dir` may not be watched or listed, or null. `realDir`: its real path, null when it has none. */
export function rootsProblem(dir: string, realDir: string | null, roots: MonitorRoots): string | null {
  const under = (p: string, i: number) =>
    isUnder(p, roots.dirs[i]!) || (roots.real[i] !== null && isUnder(p, roots.real[i]!));
  const which = roots.fromProperty
    ? `omero.fs.monitorRoots (${roots.dirs.join(", ") || "none"})`
    : `this home's watch folders (${roots.dirs.join(", ")}), which a MonitorServer serves while omero.fs.monitorRoots is empty`;
  const fix =
    "add the folder to omero.fs.monitorRoots on the MonitorServer's host (omero-fs config set monitorRoots ...)";
  if (!roots.dirs.some((_, i) => under(dir, i)))
    return `watchDir ${dir} is not under ${which}: this MonitorServer watches and lists only folders there; ${fix}`;
  if (realDir !== null && !roots.dirs.some((_, i) => under(realDir, i)))
    return `watchDir ${dir} is ${realDir} once its links are resolved, which is not under ${which}; ${fix}`;
  return null;
}
