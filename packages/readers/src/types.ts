/**
 * The readers package's shared types and probe sizes: the ground floor that grouping, hcs, complete
 * and io import (this module imports nothing of the package).
 */

/** What the io module learnt about a file's content. */
export interface FileProbe {
  /** The first HEADER_BYTES bytes (the whole file for small index files: companion OME-XML, metadata.txt, .nd, .ndpis). */
  head?: Buffer;
  /** For a TIFF: the first IFD's ImageDescription (null: TIFF without one). Undefined: not a TIFF or not probed. */
  tiffDescription?: string | null;
  /** For a TIFF: the tag numbers of the first IFD (e.g. 51123 MicroManagerMetadata). Undefined: not a TIFF or not probed. */
  tiffTags?: number[];
  /** For a TIFF: the first IFD's Software tag (305), when it has one (MIASReader tests its prefix). */
  tiffSoftware?: string;
  /** For a TIFF: the first IFD's DocumentName (269), DateTime (306) and Copyright (33432), when present
   * (TCSReader, SlidebookTiffReader, TrestleReader read them). */
  tiffText?: Record<number, string>;
}

export interface CandidateFile {
  /** Absolute POSIX path. */
  path: string;
  size: number;
  probe?: FileProbe;
}

/** What a plate's index says it holds, and how much of it is there. A count of 0 means "not known". */
export interface PlateSummary {
  /** Instrument family, e.g. "MetaXpress", "CellWorx", "Operetta". */
  format: string;
  /** Plate name (the index's base name, or the name the index gives). */
  name: string;
  wells: number;
  /** Fields (sites) per well. */
  fields: number;
  channels: number;
  timepoints: number;
  /** Z planes per field (1 when not a stack). */
  zSteps: number;
  /** Image files the index lists (the pixel files of `expected`); 0 for plates without an index (Cellomics). */
  expectedImages: number;
  /** How many of those are present. */
  presentImages: number;
  /** The first MISSING_LIST_MAX missing image paths (all of them are in the plan's `missing`). */
  missing: string[];
}

/** One fileset to import. */
export interface FilesetPlan {
  /** Stable identity: the entry path. */
  key: string;
  /** Reader class, e.g. "loci.formats.in.ICSReader". */
  reader: string;
  /** Absolute path handed to the importer (the file the reader initialises from; a folder for OME-Zarr). */
  entry: string;
  /** Every member path, entry first (when it is a file), then sorted. Each input path is in one plan's `files` at most. */
  files: string[];
  /**
   * Members this fileset uses that another fileset of the same result has in its `files` (Bio-Formats puts
   * them in both: a deconvolved `x_D3D.dv` uses the raw `x.dv.log`; each MetaXpress plate lists every `_thumb`
   * file of its folder). The importer gets `files` and `shared`. Absent when none (grouping/shared.ts).
   */
  shared?: string[];
  /** Required companions not present yet (non-empty => must not import yet). */
  missing: string[];
  /** Why each missing path is required, one line each. */
  reasons: string[];
  /** Absolute paths the entry's metadata lists as members (present or not); undefined when the format lists none. */
  expected?: string[];
  /** True when no file arriving later can join this fileset: its entry lists all members, or it is a single-file format no other reader or companion can claim (e.g. a single-file OME-TIFF whose OME-XML names only itself). */
  closed?: boolean;
  /** Set when a companion yet to come could claim this fileset's file(s): why, e.g. "Micro-Manager TIFF (tag 51123): may belong to a metadata.txt not here yet". The DropBox holds such a fileset up to omero.fs.companionWait. */
  hold?: string;
  /** HCS plates only: what the plate index says it holds and how much of it is there (hcs/). */
  plate?: PlateSummary;
}

export interface GroupingOptions {
  /**
   * Wanted filesets by their entry's name (OMERO's whitelist: ".ics", "ome.tif", "*.dv"; case-insensitive
   * suffix, see matchesWhitelist). A wanted fileset keeps all its members whatever their suffix; the
   * files of unwanted filesets go to `ignored`. Empty or absent: every fileset is wanted.
   */
  whitelist?: string[];
}

/** A file placed nowhere (yet), with why. */
export interface PendingFile {
  path: string;
  reason: string;
}

export interface GroupingResult {
  filesets: FilesetPlan[];
  /** No reader matches, partial copy (.filepart), dot file, or excluded by the watch's readers file. */
  ignored: PendingFile[];
  /** A companion whose entry file is not (yet) present. */
  pending: PendingFile[];
}

/** How many leading bytes content rules need. The largest fixed-offset test is NIfTI's magic at 344;
 * 64 KiB also covers an OME-XML companion or metadata.txt header that names the format. */
export const HEADER_BYTES = 65536;

/** Index files the io probe reads whole (when at most this size) so their file lists can be parsed. */
export const WHOLE_FILE_MAX_BYTES = 1024 * 1024;
