import type { FixtureFile } from "../hcs/plate";

/** One multi-file dataset as an instrument (or converter) writes it; paths relative to the fixture root. */
export interface FormatFixture {
  /** The file (or folder, for OME-Zarr) Bio-Formats opens. */
  entry: string;
  reader: string;
  files: FixtureFile[];
  /** What the plan's `expected` must hold (relative, any order); undefined: the format lists nothing. */
  expected?: string[];
  /** What the plan's `closed` must be once every file is there. */
  closed: boolean;
  /** A readers file to group with (OME-Zarr is external: only where a readers file lists it). */
  readers?: string;
}
