import type { PropertyDef } from "./def";

/** Global: the omero and exec importers' settings (packages/dropbox/README.md). */
export const IMPORTER_PROPERTIES: readonly PropertyDef[] = [
  {
    name: "omero.fs.omeroBin",
    short: "omeroBin",
    scope: "global",
    kind: "string",
    default: "omero",
    description: "omero importer: the OMERO CLI to run (name on PATH or absolute path)",
  },
  {
    name: "omero.fs.omeroServer",
    short: "omeroServer",
    scope: "global",
    kind: "string",
    default: "localhost",
    description: "omero importer: OMERO server host",
  },
  {
    name: "omero.fs.omeroPort",
    short: "omeroPort",
    scope: "global",
    kind: "int",
    default: "4064",
    min: 1,
    max: 65535,
    description: "omero importer: OMERO server port",
  },
  {
    name: "omero.fs.omeroAdmin",
    short: "omeroAdmin",
    scope: "global",
    kind: "string",
    default: "root",
    description: "omero importer: the admin user for --sudo",
  },
  {
    name: "omero.fs.omeroPasswordFile",
    short: "omeroPasswordFile",
    scope: "global",
    kind: "file",
    default: "",
    description:
      "omero importer: absolute path of a file holding the admin password (else $OMERO_FS_OMERO_PASSWORD; never in config.json)",
  },
  {
    name: "omero.fs.confirmFilesets",
    short: "confirmFilesets",
    scope: "global",
    kind: "bool",
    default: "true",
    description:
      "omero importer: before each import, ask OMERO's importer what it makes of the fileset (omero import -f on its entry) and follow its answer",
  },
  {
    name: "omero.fs.execCommand",
    short: "execCommand",
    scope: "global",
    kind: "string",
    default: "",
    description: "exec importer: argv template split like a shell (no shell runs); {entry} {user} {files} placeholders",
  },
];
