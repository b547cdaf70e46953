// The light module only: the package index loads winston and the reader catalogue.
import { resolveHome } from "@omero-fs/config/home";

/** Global options every command receives. */
export interface GlobalArgs {
  home?: string;
}

/** The home of this invocation: --home, $OMERO_FS_HOME or ~/.omero-fs. */
export function homeOf(args: GlobalArgs): string {
  return resolveHome(args.home);
}
