/** Plain-text tables for people (the --json outputs are for programs). */

// The light module only (no winston): one escaping for CLI tables and log lines.
import { escapeName } from "@omero-fs/config/names";

export { escapeName };

/**
 * A cell of a table made from a name or any text that came from outside (paths, users, errors,
 * config values): escaped (control characters, invalid UTF-8), then cut to `max` characters.
 */
export function cell(s: string | null | undefined, max?: number): string {
  if (s === null || s === undefined) return "";
  const e = escapeName(s);
  return max === undefined ? e : truncate(e, max);
}

/** Free text (an error, a reason) on one line: newlines become spaces, then cut and escaped. */
export function textCell(s: string | null | undefined, max: number): string {
  if (s === null || s === undefined) return "";
  return escapeName(truncate(s, max));
}

/** Cut a string to `max` characters on one line, marking the cut with an ellipsis. */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s*\n\s*/g, " ");
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1))}…`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  return [...tableLines(headers, rows)].join("\n");
}

/** table(headers, rows) followed by a newline, in parts of a few thousand lines (for writeChunks). */
export function* tableChunks(headers: string[], rows: string[][], linesPerPart = 4096): Generator<string> {
  let part: string[] = [];
  for (const l of tableLines(headers, rows)) {
    part.push(l);
    if (part.length >= linesPerPart) {
      yield `${part.join("\n")}\n`;
      part = [];
    }
  }
  if (part.length) yield `${part.join("\n")}\n`;
}

function* tableLines(headers: string[], rows: string[][]): Generator<string> {
  // A loop, not Math.max(...column): a spread of a million rows overflows the stack.
  const widths = headers.map((h) => h.length);
  for (const r of rows) {
    for (let i = 0; i < widths.length; i++) {
      const n = (r[i] ?? "").length;
      if (n > widths[i]) widths[i] = n;
    }
  }
  const line = (cells: string[]) => {
    let s = "";
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) s += "  ";
      s += i === cells.length - 1 ? cells[i] : cells[i].padEnd(widths[i]);
    }
    return s.trimEnd();
  };
  yield line(headers);
  for (const r of rows) yield line(r);
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
