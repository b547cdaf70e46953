/**
 * Golden cases for filesets (issue 18): small generated layouts and the filesets real Bio-Formats
 * (../shared/bioformats/group, driven like `omero import -f`) made of them. See README.md here.
 */

/** A small folder tree. Keys are POSIX paths relative to the layout root; names are unique across families. */
export interface GoldenLayout {
  name: string;
  files: Record<string, Buffer | string>;
  note?: string;
  /** Relative paths the layout leaves out on purpose (a listed member missing: "held whole" is allowed). */
  missingOnPurpose?: string[];
}

/** One fileset as Bio-Formats made it; every path relative to the layout root. */
export interface RecordedFileset {
  /** The first used file (the file the reader initialised from). */
  entry: string;
  reader: string;
  /** Used files, those used to initialise first (Bio-Formats' order). */
  files: string[];
  series: number;
  spw: boolean;
  /** The walked file that produced the fileset, when not `entry`. */
  setId?: string;
  /** The members that, given to `group` alone, open this same fileset (same files): any of them is a right entry. */
  opensSame: string[];
}

/** A file in no fileset: `why` = unknown (no reader), error (setId threw), dotfile, depth, pruned. */
export interface RecordedIgnored {
  path: string;
  why: string;
  error?: string;
}

export interface RecordedLayout {
  name: string;
  /** layoutHash() of the layout when it was recorded (a changed layout must be recorded again). */
  hash: string;
  filesets: RecordedFileset[];
  ignored: RecordedIgnored[];
}

/** recorded/<family>.json, written only by record.ts. */
export interface RecordedFamily {
  family: string;
  /** What recorded it (the judge's Bio-Formats). */
  judge: string;
  layouts: RecordedLayout[];
}

/** Our answer for one layout, paths relative to the layout root (from groupFilesets or `files plan --json`). */
export interface OurFileset {
  entry: string;
  reader: string;
  files: string[];
  missing: string[];
}
