/** Plain-text tables for people (the --json outputs are for programs). */

/** Cut a string to `max` characters, marking the cut with an ellipsis. */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s*\n\s*/g, " ");
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1))}…`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** "3 s", "2 min", "5 h" ago, for ISO times in tables. */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return iso.slice(0, 10);
}
