import type { PropertyDef } from "./def";

/** Per watch: when a fileset is imported (OMERO's wait and batch, omero-fs's completeness rules) and with which readers and arguments. */
export const WAITING_PROPERTIES: readonly PropertyDef[] = [
  {
    name: "omero.fs.dirImportWait",
    short: "dirImportWait",
    scope: "watch",
    kind: "number",
    default: "60",
    min: 0,
    seconds: true,
    description: "Seconds with no new event for any file of a fileset before it is imported",
  },
  {
    name: "omero.fs.fileBatch",
    short: "fileBatch",
    scope: "watch",
    kind: "int",
    default: "10",
    min: 1,
    description: "Most files one wait collects before it is flushed",
  },
  {
    name: "omero.fs.throttleImport",
    short: "throttleImport",
    scope: "watch",
    kind: "number",
    default: "10",
    min: 0,
    seconds: true,
    description: "Minimum seconds between two import starts of this watch",
  },
  {
    name: "omero.fs.readers",
    short: "readers",
    scope: "watch",
    kind: "file",
    default: "",
    description:
      "Absolute path of a readers.txt-format file (one Bio-Formats reader class per line) narrowing the formats; empty = the full catalogue",
  },
  {
    name: "omero.fs.importArgs",
    short: "importArgs",
    scope: "watch",
    kind: "string",
    default: "",
    description: 'Extra arguments for the omero importer, split like a POSIX shell (e.g. -T "regex:...")',
  },
  {
    name: "omero.fs.transfer",
    short: "transfer",
    scope: "watch",
    kind: "enum",
    default: "upload",
    allowed: ["upload", "ln_s", "ln", "ln_rm", "cp", "cp_rm", "upload_rm"],
    description:
      "omero importer: how files reach the ManagedRepository (OMERO's --transfer): upload (a copy over the network) or in-place ln_s, ln, ln_rm, cp, cp_rm (the DropBox on the OMERO server host; docs/omero.md)",
  },
  {
    name: "omero.fs.settleTime",
    short: "settleTime",
    scope: "watch",
    kind: "number",
    default: "2",
    min: 0,
    seconds: true,
    description: "Seconds a file must stay closed for writing with unchanged size and mtime before it is imported",
  },
  {
    name: "omero.fs.importWhenComplete",
    short: "importWhenComplete",
    scope: "watch",
    kind: "bool",
    default: "true",
    description:
      "Import a fileset proven complete (its entry lists every member) after settleTime instead of dirImportWait",
  },
  {
    name: "omero.fs.companionWait",
    short: "companionWait",
    scope: "watch",
    kind: "number",
    default: "600",
    min: 0,
    seconds: true,
    description:
      "Seconds a file a later companion could claim (Micro-Manager TIFF, MetaMorph plane) waits for it before it is imported as what it is",
  },
  {
    name: "omero.fs.incompleteWait",
    short: "incompleteWait",
    scope: "watch",
    kind: "number",
    default: "86400",
    min: 0,
    seconds: true,
    description:
      "Seconds a fileset whose entry lists members still missing (a plate) waits after its last file arrived; then it is incomplete, never imported half, until omero-fs imports release ID",
  },
  {
    name: "omero.fs.completeMarker",
    short: "completeMarker",
    scope: "watch",
    kind: "string",
    default: "",
    description:
      "File name (e.g. .done, COMPLETE) that, in a folder or as <entry><marker>, declares its filesets complete; never imported",
  },
];
