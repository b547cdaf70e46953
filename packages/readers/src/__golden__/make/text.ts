/**
 * Text tables (TextReader.isThisType: at least 8192 bytes; its first line is skipped, then a header row
 * with `x` and `y` columns followed by a numeric row of as many columns, at least 3). Pure.
 */

/** A table with columns x, y and the given channels, one row per pixel of w x h, padded by rows to `minBytes`. */
export function xyTable(
  o: {
    width?: number;
    height?: number;
    channels?: string[];
    separator?: string;
    minBytes?: number;
    title?: string | null;
  } = {},
): string {
  const sep = o.separator ?? "\t";
  const channels = o.channels ?? ["intensity"];
  const w = o.width ?? 4;
  const lines = [["x", "y", ...channels].join(sep)];
  const title = o.title === undefined ? "Exported intensity table" : o.title;
  let text = `${title === null ? "" : `${title}\n`}${lines[0]}\n`;
  for (let y = 0; text.length < (o.minBytes ?? 0) || y < (o.height ?? 4); y++)
    for (let x = 0; x < w; x++) {
      const row = [x, y, ...channels.map((_c, i) => (x * 7 + y * 3 + i) % 100)].join(sep);
      text += `${row}\n`;
    }
  return text;
}

/** An ImageJ "Results" table (Analyze > Measure): a blank first label, upper-case X/Y. */
export function imagejResults(rows: number): string {
  let text = " \tArea\tMean\tMin\tMax\tX\tY\n";
  for (let i = 1; i <= rows; i++)
    text += `${i}\t${(12.5 + i).toFixed(3)}\t${100 + i}\t50\t200\t${(3.2 * i).toFixed(3)}\t${(4.1 * i).toFixed(3)}\n`;
  return text;
}
