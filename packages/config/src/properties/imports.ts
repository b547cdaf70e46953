import * as path from "node:path";
import type { PropertyDef } from "./def";

/** Global: where the data is, which importer runs, how often, and what an existing or changed file means. */
export const IMPORT_PROPERTIES: readonly PropertyDef[] = [
  {
    name: "omero.data.dir",
    short: "dataDir",
    scope: "global",
    kind: "dir",
    default: (home) => path.join(home, "data"),
    description: "Data directory: holds the default DropBox and the embedded importer's ManagedRepository",
  },
  {
    name: "omero.fs.defaultDropBoxDir",
    short: "defaultDropBoxDir",
    scope: "global",
    kind: "string",
    default: "DropBox",
    description: "Folder under omero.data.dir watched by a `default` watch with an empty watchDir",
  },
  {
    name: "omero.fs.importer",
    short: "importer",
    scope: "global",
    kind: "enum",
    default: "local",
    allowed: ["local", "omero", "exec"],
    description:
      "local: embedded importer into <omero.data.dir>/ManagedRepository; omero: runs `omero import`; exec: runs execCommand",
  },
  {
    name: "omero.fs.importConcurrency",
    short: "importConcurrency",
    scope: "global",
    kind: "int",
    default: "1",
    min: 1,
    description: "Most imports running at once (fairly shared across users)",
  },
  {
    name: "omero.fs.importRetries",
    short: "importRetries",
    scope: "global",
    kind: "int",
    default: "3",
    min: 0,
    description: "Retries (with backoff) of a failed import before it stays failed",
  },
  {
    name: "omero.fs.importTimeout",
    short: "importTimeout",
    scope: "global",
    kind: "number",
    default: "3600",
    min: 1,
    seconds: true,
    description: "Seconds one importer run may take before it is killed and counted as failed",
  },
  {
    name: "omero.fs.maxFilesetSize",
    short: "maxFilesetSize",
    scope: "global",
    kind: "size",
    default: "0",
    min: 0,
    description:
      "A fileset larger than this (bytes; K, M, G suffixes are powers of 1024; its apparent or allocated size, whichever is larger) is not imported: failed with the reason; 0 = no limit",
  },
  {
    name: "omero.fs.rescanInterval",
    short: "rescanInterval",
    scope: "global",
    kind: "number",
    default: "3600",
    min: 0,
    seconds: true,
    minUnlessZero: 60,
    description: "Seconds between safety-net reconciliations of every watch tree (0 = never, else at least 60)",
  },
  {
    name: "omero.fs.changedAfterImport",
    short: "changedAfterImport",
    scope: "global",
    kind: "enum",
    default: "log",
    allowed: ["log", "ignore", "reimport"],
    description:
      "A file changed after its import, or a late member of an imported fileset: log (listed in `files list` and logged once), ignore (listed only), reimport (imported again as a new fileset)",
  },
  {
    name: "omero.fs.existingFiles",
    short: "existingFiles",
    scope: "global",
    kind: "enum",
    default: "skip",
    allowed: ["skip", "import"],
    description:
      "Files already in a watch folder when omero-fs first walks it (a new install, a new watch, a lost ledger): skip (recorded as `existing`, not imported; `omero-fs dropbox import-existing [PATH]` imports them) or import",
  },
  {
    name: "omero.fs.reimportModified",
    short: "reimportModified",
    scope: "global",
    kind: "bool",
    default: "false",
    description:
      "Deprecated alias: true = omero.fs.changedAfterImport=reimport (changedAfterImport wins when both are set)",
  },
];
