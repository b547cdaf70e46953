/**
 * Many imports at once (`imports retry --state failed`, `imports release --state incomplete`,
 * `imports reimport --importer local`): which imports a selection means. Pure: the imports and
 * `now` are arguments.
 */

export interface Selection {
  state: string;
  user?: string;
  /** Only those whose last change (last run's end, else creation) is at or after this (epoch ms). */
  sinceMs?: number;
  /** Only those recorded with this importer (reimport: "imported before the importer changed"). */
  importer?: string;
}

export interface Selectable {
  id: number;
  user: string;
  state: string;
  importer: string;
  createdAt: string;
  /** The end of its last importer run (ISO), or null. */
  lastRunAt: string | null;
}

/**
 * `--since`: an ISO 8601 date or time (`2026-03-01`, `2026-03-01T08:00`), or a span back from now
 * (`90s`, `30m`, `12h`, `7d`). Throws with what is allowed.
 */
export function parseSince(raw: string, now: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(raw.trim());
  if (m) return now - Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
  const t = /^\d{4}-\d{2}-\d{2}/.test(raw.trim()) ? Date.parse(raw.trim()) : Number.NaN;
  if (Number.isNaN(t))
    throw new Error(
      `--since "${raw}" is neither a date (2026-03-01, 2026-03-01T08:00) nor a span back from now (30m, 12h, 7d)`,
    );
  return t;
}

export function selectImports<T extends Selectable>(all: readonly T[], s: Selection): T[] {
  return all.filter((i) => {
    if (i.state !== s.state) return false;
    if (s.user !== undefined && i.user !== s.user) return false;
    if (s.importer !== undefined && i.importer !== s.importer) return false;
    if (s.sinceMs !== undefined) {
      const at = Date.parse(i.lastRunAt ?? i.createdAt);
      if (!(at >= s.sinceMs)) return false;
    }
    return true;
  });
}

/** "312 failed imports of amy since 2026-03-01T00:00:00.000Z" */
export function describeSelection(n: number, s: Selection): string {
  const parts = [`${n} ${s.state} import${n === 1 ? "" : "s"}`];
  if (s.importer !== undefined) parts.push(`by the ${s.importer} importer`);
  if (s.user !== undefined) parts.push(`of ${s.user}`);
  if (s.sinceMs !== undefined) parts.push(`since ${new Date(s.sinceMs).toISOString()}`);
  return parts.join(" ");
}
