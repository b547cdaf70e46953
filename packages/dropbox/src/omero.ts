/**
 * The face `@omero-fs/dropbox/omero`: the OMERO side as the CLI and the node use it without the
 * server: `omero-fs omero check` (checkOmero), the CLI runner in the admin's own session store
 * (the notifier's address look-ups), OMERO.web links. Loads no server, ledger or readers code.
 */
export { type CheckReport, checkOmero, checkText, cliFor } from "./importers/check";
export { OmeroCli, omeroSessionsDir } from "./importers/omero-cli";
export { type OmeroUser, omeroWebLink } from "./importers/omero-output";
