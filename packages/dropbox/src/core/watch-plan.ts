/**
 * What a reload does to the watches (the `;` slots of omero.fs.*): pure, from the running and the
 * re-read watch configurations. A watch is known by its slot number (`index`, the ledger's key), so
 * emptying a slot (`amy;;carl`) removes that watch and keeps the others' numbers.
 */
import type { WatchConfig } from "@omero-fs/config";

/** What the MonitorServer's monitor of a watch is built from: a change re-creates that monitor. */
export const MONITOR_KEYS: readonly string[] = [
  "watchDir",
  "user",
  "eventTypes",
  "pathMode",
  "blacklist",
  "timeout",
  "blockSize",
  "ignoreSysFiles",
  "ignoreDirEvents",
];
/** Read by grouping: a change regroups the watch's files not yet imported. */
export const GROUPING_KEYS: readonly string[] = ["whitelist", "readers"];
/** Read at each use (readiness, scheduling, the importer): nothing else to do. */
export const PLAIN_KEYS: readonly string[] = [
  "dirImportWait",
  "throttleImport",
  "fileBatch",
  "settleTime",
  "importWhenComplete",
  "companionWait",
  "incompleteWait",
  "completeMarker",
  "importArgs",
];
const KNOWN = new Set([...MONITOR_KEYS, ...GROUPING_KEYS, ...PLAIN_KEYS, "index"]);

export type WatchChangeKind = "added" | "removed" | "recreate" | "regroup" | "plain";

export interface WatchChange {
  index: number;
  kind: WatchChangeKind;
  /** The watch as it runs after the reload (the removed watch's old one for "removed"). */
  watch: WatchConfig;
  /** Changed property names, as `admin reload` reports them. */
  applied: string[];
  /** Changed properties this reload cannot apply (a key this table does not know). */
  restart: string[];
  /** Its files not yet imported must be regrouped (whitelist or readers changed). */
  regroup: boolean;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `omero.fs.KEY`, with the watch number (from 1) when there are several watches. */
export function watchPropertyName(key: string, index: number, several: boolean): string {
  return `omero.fs.${key}${several ? ` (watch ${index + 1})` : ""}`;
}

/**
 * Pure: the changes, by slot. `catalogueChanged(index)`: the readers catalogue the watch would be
 * built with now differs from the running one (the readers file was edited in place).
 */
export function planWatches(
  before: WatchConfig[],
  after: WatchConfig[],
  catalogueChanged: (index: number) => boolean = () => false,
): WatchChange[] {
  const several = Math.max(before.length, after.length) > 1;
  const name = (k: string, i: number) => watchPropertyName(k, i, several);
  const old = new Map(before.map((w) => [w.index, w]));
  const fresh = new Map(after.map((w) => [w.index, w]));
  const out: WatchChange[] = [];
  for (const w of after) {
    const b = old.get(w.index);
    if (!b) {
      out.push({
        index: w.index,
        kind: "added",
        watch: w,
        applied: [`omero.fs.importUsers (watch ${w.index + 1} added: ${w.user}, ${w.watchDir})`],
        restart: [],
        regroup: false,
      });
      continue;
    }
    const a = w as unknown as Record<string, unknown>;
    const o = b as unknown as Record<string, unknown>;
    const changed = Object.keys({ ...a, ...o }).filter((k) => !same(a[k], o[k]));
    const unknown = changed.filter((k) => !KNOWN.has(k));
    // A key the table does not know keeps its running value: reported, never pretended.
    const kept = { ...w } as Record<string, unknown>;
    for (const k of unknown) kept[k] = o[k];
    const applied = changed.filter((k) => KNOWN.has(k)).map((k) => name(k, w.index));
    const readersFile = catalogueChanged(w.index) && !changed.includes("readers");
    if (readersFile) applied.push(`${name("readers", w.index)} (file re-read)`);
    const regroup = readersFile || changed.some((k) => GROUPING_KEYS.includes(k));
    const kind: WatchChangeKind = changed.some((k) => MONITOR_KEYS.includes(k))
      ? "recreate"
      : regroup
        ? "regroup"
        : "plain";
    if (applied.length > 0 || unknown.length > 0)
      out.push({
        index: w.index,
        kind,
        watch: kept as unknown as WatchConfig,
        applied,
        restart: unknown.map((k) => name(k, w.index)),
        regroup,
      });
  }
  for (const b of before) {
    if (fresh.has(b.index)) continue;
    out.push({
      index: b.index,
      kind: "removed",
      watch: b,
      applied: [`omero.fs.importUsers (watch ${b.index + 1} removed: ${b.user}, ${b.watchDir})`],
      restart: [],
      regroup: false,
    });
  }
  return out.sort((x, y) => x.index - y.index);
}
