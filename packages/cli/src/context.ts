// The light module only: the package index loads winston and the reader catalogue.
import { resolveHome } from "@omero-fs/config/home";

/** Global options every command receives. */
export interface GlobalArgs {
  home?: string;
}

/** The home of this invocation: --home (the last one when given twice), $OMERO_FS_HOME or ~/.omero-fs. */
export function homeOf(args: GlobalArgs): string {
  const h = args.home as string | string[] | undefined;
  return resolveHome(Array.isArray(h) ? h[h.length - 1] : h);
}
