/**
 * In-memory plate layouts for tests: the names, folders and index contents an instrument writes.
 * Pure: `files` is a list of (relative path, bytes); unit tests turn it into candidates with
 * `toCandidates`, end-to-end tests write it to disk (index first, images first, at any pace).
 */
import { HEADER_BYTES, wantsWholeFile } from "../../grouping";
import type { CandidateFile } from "../../grouping";
import { HCS_WHOLE_FILE_MAX_BYTES, hcsWantsWholeFile } from "../../hcs";
import { makeTiff } from "../make-tiff";

export interface FixtureFile {
  /** POSIX path relative to the fixture's root. */
  path: string;
  content: Buffer;
  /** index: the plate's entry; image: a pixel file it lists; metadata: anything else the reader takes. */
  kind: "index" | "image" | "metadata";
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

/** A tiny valid TIFF (4 x 4, 8-bit) with an optional ImageDescription. */
export function tinyTiff(description?: string): Buffer {
  return makeTiff({ ifds: [{ width: 4, height: 4, description }] });
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
    if (!probe) return { path, size: f.content.length };
    const whole = hcsWantsWholeFile(path)
      ? HCS_WHOLE_FILE_MAX_BYTES
      : wantsWholeFile(path)
        ? 1024 * 1024
        : HEADER_BYTES;
    const head = f.content.subarray(0, Math.min(f.content.length, whole));
    const isTiff =
      head.length >= 4 && (head.toString("latin1", 0, 2) === "II" || head.toString("latin1", 0, 2) === "MM");
    return { path, size: f.content.length, probe: isTiff ? { head, tiffDescription: null } : { head } };
  });
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
