import { PROPERTIES, type PropertyDef } from "./properties";
import { levenshtein } from "./property-lookup";

/**
 * Environment variables: `OMERO_FS_` + the property's short name, written either as is
 * (`OMERO_FS_dirImportWait`) or in UPPER_SNAKE case (`OMERO_FS_DIR_IMPORT_WAIT`). The rule:
 * drop the prefix, drop underscores, compare case-insensitively with the short name.
 * omero.data.dir is `OMERO_FS_DATA_DIR` (short name dataDir). Not properties: OMERO_FS_HOME
 * (the home) and OMERO_FS_OMERO_PASSWORD (the omero importer's admin password). Pure.
 */

export const ENV_PREFIX = "OMERO_FS_";
/** OMERO_FS_* variables that are not properties. */
export const ENV_NON_PROPERTIES: readonly string[] = ["OMERO_FS_HOME", "OMERO_FS_OMERO_PASSWORD"];

const fold = (s: string) => s.replace(/_/g, "").toLowerCase();
const BY_FOLDED = new Map<string, PropertyDef>(PROPERTIES.map((p) => [fold(p.short), p]));

/** UPPER_SNAKE form of a short name: dirImportWait -> DIR_IMPORT_WAIT. */
export function upperSnake(short: string): string {
  return short.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** The documented environment variable of a property. */
export function envNameOf(def: PropertyDef): string {
  return ENV_PREFIX + upperSnake(def.short);
}

export type EnvKeyResult =
  | { kind: "property"; name: string }
  | { kind: "reserved" }
  | { kind: "unknown"; suggestion: string };

/** What an OMERO_FS_* variable means. */
export function envKeyToProperty(key: string): EnvKeyResult {
  if (ENV_NON_PROPERTIES.includes(key) || !key.startsWith(ENV_PREFIX)) return { kind: "reserved" };
  // Test and tool hooks of other packages use OMERO_FS_TEST_* / OMERO_FS_DEBUG_*: not properties, not warned.
  if (/^OMERO_FS_(TEST|DEBUG|BENCH)_/.test(key)) return { kind: "reserved" };
  const rest = fold(key.slice(ENV_PREFIX.length));
  const def = BY_FOLDED.get(rest);
  if (def) return { kind: "property", name: def.name };
  let best: PropertyDef | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const p of PROPERTIES) {
    const d = levenshtein(rest, fold(p.short));
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  const suggestion =
    best && bestD <= Math.max(2, Math.floor(rest.length / 3)) ? ` (did you mean ${envNameOf(best)}?)` : "";
  return { kind: "unknown", suggestion };
}
