/**
 * `@omero-fs/dropbox`: the DropBox process. Its other faces: `@omero-fs/dropbox/ledger` (the
 * ledger, for the CLI and the node) and `@omero-fs/dropbox/plan` (`omero-fs files plan`).
 */
export { dropboxMain } from "./main";
export { snapshotKeyOf } from "./monitor-link";
export { type DropBoxOptions, resolveOptions } from "./options";
export { type DropBoxHandle, runDropBox } from "./server";
