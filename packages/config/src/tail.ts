import * as fs from "node:fs";

/** The last `n` lines of a text file (reads at most the last `maxBytes`); [] when it does not exist. */
export function tailLines(file: string, n: number, maxBytes = 256 * 1024, endAt?: number): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return [];
  }
  try {
    // endAt: where a follower took over (logs --follow), so no line is printed twice or skipped.
    const size = Math.min(fs.fstatSync(fd).size, endAt ?? Number.POSITIVE_INFINITY);
    const len = Math.min(size, maxBytes);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString("utf8").split(/\r?\n/);
    if (lines[lines.length - 1] === "") lines.pop();
    if (len < size) lines.shift(); // the first line is probably cut
    return lines.slice(-n);
  } finally {
    fs.closeSync(fd);
  }
}
