/** The shape of a property definition (the data is in the files beside this one). Pure. */

/** templates.xml spells booleans the Python way. */
export const pyBool = (b: boolean) => (b ? "True" : "False");

/** How a raw string value is read. Per-watch properties apply the kind to each `;` slot. */
export type PropertyKind =
  | "users" // importUsers: `;` list of names
  | "dir" // an absolute directory ("" allowed where the default is computed)
  | "file" // an absolute file path or ""
  | "list" // `,` separated items, trimmed, empty items dropped
  | "dirs" // `,` separated absolute directories
  | "eventTypes" // `,` list of Creation|Modification|Deletion, or All
  | "enum"
  | "bool"
  | "int"
  | "number"
  | "size" // bytes, optional K/M/G (KiB/MiB/GiB) suffix
  | "endpoint" // ipc://path or tcp://host:port
  | "listen" // host:port to listen on, or `off`
  | "curveKey" // a Z85 CURVE public key (40 characters) or an absolute path to a .pub file
  | "pathMap" // REMOTE=LOCAL, two absolute paths
  | "string";

export type PropertyScope = "watch" | "global";

export interface PropertyDef {
  /** Full name, e.g. "omero.fs.dirImportWait". */
  name: string;
  /** Short name: the key in WatchConfig / GlobalConfig, e.g. "dirImportWait". */
  short: string;
  scope: PropertyScope;
  kind: PropertyKind;
  /** The default as a raw string; a function where it depends on the home. */
  default: string | ((home: string) => string);
  /** One-line description for `config list` and the README. */
  description: string;
  /** Allowed values (enum, eventTypes). */
  allowed?: readonly string[];
  /** Inclusive lower bound for numbers. */
  min?: number;
  /** Inclusive upper bound for numbers. */
  max?: number;
  /** A duration in seconds: at most MAX_TIMER_SECONDS, the longest a Node timer waits. */
  seconds?: true;
  /** A duration where 0 means "never" and anything else must be at least this (no busy loop). */
  minUnlessZero?: number;
}

/** The longest delay a Node timer holds (2^31-1 ms); a longer one fires at once, every time. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** MAX_TIMER_MS in seconds (2147483.647 s, about 24.8 days): the maximum of every duration. */
export const MAX_TIMER_SECONDS = MAX_TIMER_MS / 1000;

export const EVENT_TYPES = ["Creation", "Modification", "Deletion"] as const;
export const PATH_MODES = ["Flat", "Recurse", "Follow"] as const;
