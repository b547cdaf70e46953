/**
 * In-memory plate layouts for tests: the names, folders and index contents an instrument writes.
 * Pure: `files` is a list of (relative path, bytes); unit tests turn it into candidates with
 * `toCandidates`, end-to-end tests write it to disk (index first, images first, at any pace).
 */
import { wholeFileMax } from "../../grouping";
import type { CandidateFile } from "../../types";
import { HEADER_BYTES } from "../../types";
import { makeTiff, readablePlane } from "../make-tiff";

export interface FixtureFile {
  /** POSIX path relative to the fixture's root. */
  path: string;
  content: Buffer;
  /** index: the plate's entry; image: a pixel file it lists; metadata: anything else the reader takes. */
  kind: "index" | "image" | "metadata";
  /** The size the candidate claims (default: content length), e.g. an OIR over 1 GiB without writing one. */
  size?: number;
}

export interface PlateFixture {
  /** The file Bio-Formats opens (relative path). */
  entry: string;
  reader: string;
  files: FixtureFile[];
  /** What the summary must say. */
  wells: number;
  fields: number;
  channels: number;
  timepoints: number;
}

/** A tiny valid TIFF (4 x 4, 8-bit, Bio-Formats opens it) with an optional ImageDescription. */
export function tinyTiff(description?: string): Buffer {
  return makeTiff({ ifds: [{ width: 4, height: 4, description, ...readablePlane(4, 4) }] });
}

/** The candidate files as the io probe would see them under `root` (absolute POSIX folder). */
export function toCandidates(
  files: readonly FixtureFile[],
  root: string,
  opts: { probe?: boolean } = {},
): CandidateFile[] {
  const probe = opts.probe ?? true;
  return files.map((f) => {
    const path = `${root}/${f.path}`;
    const size = f.size ?? f.content.length;
    if (!probe) return { path, size };
    const whole = Math.max(wholeFileMax(path), HEADER_BYTES);
    const head = f.content.subarray(0, Math.min(f.content.length, whole));
    const isTiff =
      head.length >= 4 && (head.toString("latin1", 0, 2) === "II" || head.toString("latin1", 0, 2) === "MM");
    return { path, size, probe: isTiff ? { head, ...firstIfd(head) } : { head } };
  });
}

/** What io.probeFile reads of a classic little/big-endian TIFF's first IFD (tags, description, Software). */
function firstIfd(b: Buffer): { tiffDescription: string | null; tiffTags?: number[]; tiffSoftware?: string } {
  const le = b.toString("latin1", 0, 2) === "II";
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  if (b.length < 8 || u16(2) !== 42) return { tiffDescription: null };
  const at = u32(4);
  if (at + 2 > b.length) return { tiffDescription: null };
  const tags: number[] = [];
  const out: { tiffDescription: string | null; tiffTags?: number[]; tiffSoftware?: string } = { tiffDescription: null };
  for (let i = 0, n = u16(at); i < n; i++) {
    const e = at + 2 + i * 12;
    const tag = u16(e);
    tags.push(tag);
    if ((tag === 270 || tag === 305) && u16(e + 2) === 2) {
      const count = u32(e + 4);
      const off = count <= 4 ? e + 8 : u32(e + 8);
      const text = b.toString("utf8", off, off + count).replace(/\0.*$/s, "");
      if (tag === 270) out.tiffDescription = text;
      else out.tiffSoftware = text;
    }
  }
  out.tiffTags = tags;
  return out;
}

export function only(files: readonly FixtureFile[], kind: FixtureFile["kind"]): FixtureFile[] {
  return files.filter((f) => f.kind === kind);
}

export function without(files: readonly FixtureFile[], kind: FixtureFile["kind"]): FixtureFile[] {
  return files.filter((f) => f.kind !== kind);
}

/** The order an instrument (or a copy) writes a plate: its index first, or its images first (index last). */
export function acquisitionOrder(files: readonly FixtureFile[], order: "index-first" | "images-first"): FixtureFile[] {
  const index = files.filter((f) => f.kind === "index");
  const rest = files.filter((f) => f.kind !== "index");
  return order === "index-first" ? [...index, ...rest] : [...rest, ...index];
}
