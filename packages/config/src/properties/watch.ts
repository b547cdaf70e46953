import { MAX_BLOCK_EVENTS, MONITOR_DEFAULTS as M } from "@omero-fs/protocol";
import { type PropertyDef, EVENT_TYPES, PATH_MODES, pyBool } from "./def";

/** Per watch: OMERO's names and templates.xml defaults; what a monitor watches and publishes. */
export const WATCH_PROPERTIES: readonly PropertyDef[] = [
  {
    name: "omero.fs.importUsers",
    short: "importUsers",
    scope: "watch",
    kind: "users",
    default: "default",
    description:
      "`;` list: one watch per entry. `default` = one watch for everyone (each top-level folder under watchDir names a user); any other name = every file in that watchDir is imported as that user",
  },
  {
    name: "omero.fs.watchDir",
    short: "watchDir",
    scope: "watch",
    kind: "dir",
    default: "",
    description:
      "Absolute directory to watch. Empty: <omero.data.dir>/<defaultDropBoxDir> for `default`, <omero.data.dir>/<defaultDropBoxDir>/<user> for a named user",
  },
  {
    name: "omero.fs.eventTypes",
    short: "eventTypes",
    scope: "watch",
    kind: "eventTypes",
    default: M.eventTypes.join(","),
    allowed: [...EVENT_TYPES, "All"],
    description:
      "`,` list of Creation, Modification, Deletion; All = every type (the DropBox receives deletions whatever this says, for its own record of deleted files)",
  },
  {
    name: "omero.fs.pathMode",
    short: "pathMode",
    scope: "watch",
    kind: "enum",
    default: M.pathMode,
    allowed: PATH_MODES,
    description:
      "Flat: the directory only; Recurse: existing subdirectories only; Follow: all, including new subdirectories",
  },
  {
    name: "omero.fs.whitelist",
    short: "whitelist",
    scope: "watch",
    kind: "list",
    default: M.whitelist.join(","),
    description: "`,` list of file extensions to import (e.g. .tif); empty = all",
  },
  {
    name: "omero.fs.blacklist",
    short: "blacklist",
    scope: "watch",
    kind: "list",
    default: M.blacklist.join(","),
    description: "`,` list of subdirectories to ignore (absolute, or relative to watchDir)",
  },
  {
    name: "omero.fs.timeout",
    short: "timeout",
    scope: "watch",
    kind: "number",
    default: M.timeout.toFixed(1),
    min: 0,
    seconds: true,
    minUnlessZero: 60,
    description: "Seconds after which a one-shot monitor stops (0 = never, else at least 60)",
  },
  {
    name: "omero.fs.blockSize",
    short: "blockSize",
    scope: "watch",
    kind: "int",
    default: String(M.blockSize),
    min: 0,
    description: `Events per published block; 0 = everything pending, in blocks of at most ${MAX_BLOCK_EVENTS.toLocaleString("en-US")} (larger values are capped at ${MAX_BLOCK_EVENTS.toLocaleString("en-US")} too)`,
  },
  {
    name: "omero.fs.ignoreSysFiles",
    short: "ignoreSysFiles",
    scope: "watch",
    kind: "bool",
    default: pyBool(M.ignoreSysFiles),
    description:
      "Ignore dot files and editor/OS temporaries (.DS_Store, Thumbs.db, ~ backups, .nfs*, partial downloads)",
  },
  {
    name: "omero.fs.ignoreDirEvents",
    short: "ignoreDirEvents",
    scope: "watch",
    kind: "bool",
    default: pyBool(M.ignoreDirEvents),
    description: "Do not publish events for directories themselves",
  },
];
