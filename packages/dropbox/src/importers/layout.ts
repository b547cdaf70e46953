/**
 * Pure layout rules of the embedded (`local`) importer's ManagedRepository:
 * `<dataDir>/ManagedRepository/<user>/<YYYY-MM>/<DD>/<HH-MM-SS.mmm>/` in UTC (so a DST change
 * can never produce the same leaf twice or an out-of-order tree), files kept at their paths
 * relative to the fileset's common directory.
 */
import * as path from "node:path";

export const MANAGED_REPOSITORY = "ManagedRepository";
export const CHECKSUMS_FILE = ".omero-fs-checksums.sha1";
export const MANIFEST_FILE = ".omero-fs-import.json";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** [YYYY-MM, DD, HH-MM-SS.mmm] of an instant, in UTC. */
export function leafParts(at: Date): [string, string, string] {
  return [
    `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}`,
    pad(at.getUTCDate()),
    `${pad(at.getUTCHours())}-${pad(at.getUTCMinutes())}-${pad(at.getUTCSeconds())}.${pad(at.getUTCMilliseconds(), 3)}`,
  ];
}

/** The n-th candidate leaf name: the time, then `-1`, `-2`, ... when two imports share a millisecond. */
export function leafName(base: string, attempt: number): string {
  return attempt === 0 ? base : `${base}-${attempt}`;
}

/** Hidden work-in-progress name of a leaf; carries the fileset id so recovery can find it. */
export function partialName(leaf: string, filesetId: number): string {
  return `.${leaf}.${filesetId}.partial`;
}

export function isPartialOf(name: string, filesetId: number): boolean {
  return name.startsWith(".") && name.endsWith(`.${filesetId}.partial`);
}

/** A user name usable as one path component of the repository. */
export function safeUserDir(user: string): boolean {
  return user !== "" && user !== "." && user !== ".." && !user.includes("/") && !user.includes("\0");
}

/** Deepest directory containing every file (absolute paths). */
export function commonDir(files: readonly string[]): string {
  if (files.length === 0) throw new Error("empty fileset");
  let common = path.dirname(files[0]!);
  for (const f of files.slice(1)) {
    while (!isInside(f, common)) {
      const up = path.dirname(common);
      if (up === common) break;
      common = up;
    }
  }
  return common;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel);
}

/**
 * One line of `sha1sum` output. Like GNU coreutils, a name holding a backslash, newline or
 * carriage return is escaped and the line starts with `\`, so `sha1sum -c` reads it back.
 */
export function sha1sumLine(sha1: string, rel: string): string {
  if (/[\\\n\r]/.test(rel)) {
    const esc = rel.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
    return `\\${sha1}  ${esc}\n`;
  }
  return `${sha1}  ${rel}\n`;
}

/** Parse a checksums file written by sha1sumLine: [sha1, relative path][]. */
export function parseSha1sum(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const escaped = line.startsWith("\\");
    const body = escaped ? line.slice(1) : line;
    const m = /^([0-9a-f]{40}) [ *](.*)$/.exec(body);
    if (!m) throw new Error(`bad checksum line: ${JSON.stringify(line)}`);
    const name = escaped
      ? m[2]!.replace(/\\(\\|n|r)/g, (_s, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : "\\"))
      : m[2]!;
    out.push([m[1]!, name]);
  }
  return out;
}

/** Formats whose dimensions the embedded importer reads itself (TIFF, OME-TIFF). */
export function isTiffEntry(entry: string, reader: string | null): boolean {
  if (reader && /(^|\.)(OMETiff|Tiff)Reader$/.test(reader)) return true;
  return /\.(ome\.)?tiff?$/i.test(entry) || /\.(tf2|tf8|btf)$/i.test(entry);
}
