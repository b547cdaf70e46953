import data from "./catalogue-data.json";

/** One Bio-Formats reader as the watcher sees it (from data/readers.json). */
export interface ReaderEntry {
  /** Fully qualified Java class, e.g. "loci.formats.in.ICSReader". */
  className: string;
  /** Position in the catalogue this entry belongs to (1-based; readers.txt order or readers-file order). */
  order: number;
  /** Position in Bio-Formats' own readers.txt. */
  defaultOrder: number;
  /** Lower-case suffixes without the leading dot ("ome.tif", "ics", "" = names ending in "."). */
  suffixes: string[];
  enabledByDefault: boolean;
  /** readers.txt marks the class [type=external]. */
  external: boolean;
  suffixSufficient: boolean;
  suffixNecessary: boolean;
  /** The reader (or a superclass below FormatReader) overrides isThisType(String, boolean). */
  overridesIsThisType: boolean;
  multiFile: boolean | null;
  /** Format name, e.g. "Image Cytometry Standard". */
  formatName: string | null;
}

/** The readers a watch may use, in the order Bio-Formats tries them. */
export interface Catalogue {
  readers: ReaderEntry[];
  /** "default" or the readers file path. */
  source: string;
}

export type ReadersFileErrorCode = "READERS_FILE_MISSING" | "READERS_FILE_UNKNOWN_READER";

/** A readers file (OMERO readers.txt format) that cannot be used. */
export class ReadersFileError extends Error {
  readonly code: ReadersFileErrorCode;
  readonly file: string;
  readonly line: number | null;
  constructor(code: ReadersFileErrorCode, message: string, file: string, line: number | null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ReadersFileError";
    this.code = code;
    this.file = file;
    this.line = line;
  }
}

interface RawReader {
  className: string;
  name: string | null;
  order: number;
  suffixes: string[];
  enabledByDefault: boolean;
  external: boolean;
  suffixSufficient: boolean;
  suffixNecessary: boolean;
  overridesIsThisType: boolean;
  multiFile: boolean | null;
}

const RAW: RawReader[] = (data as { readers: RawReader[] }).readers;

/** Source of the bundled catalogue (Bio-Formats commit the data was extracted from). */
export const CATALOGUE_SOURCE: string = (data as { source: string }).source;

/** Prefix of the short class names accepted in a readers file. */
export const DEFAULT_PACKAGE = "loci.formats.in.";

/** OMERO's OMEROWrapper removes ZipReader from the default list. */
const OMERO_REMOVED = new Set(["loci.formats.in.ZipReader"]);

function toEntry(r: RawReader, order: number): ReaderEntry {
  return {
    className: r.className,
    order,
    defaultOrder: r.order,
    suffixes: [...r.suffixes],
    enabledByDefault: r.enabledByDefault,
    external: r.external,
    suffixSufficient: r.suffixSufficient,
    suffixNecessary: r.suffixNecessary,
    overridesIsThisType: r.overridesIsThisType,
    multiFile: r.multiFile,
    formatName: r.name,
  };
}

/** Every reader of readers.txt (enabled or not), in readers.txt order. */
export function allReaders(): ReaderEntry[] {
  return [...RAW].sort((a, b) => a.order - b.order).map((r) => toEntry(r, r.order));
}

let cachedDefault: Catalogue | null = null;

/** Default catalogue: enabled readers in readers.txt order. OMERO removes ZipReader. */
export function defaultCatalogue(): Catalogue {
  if (!cachedDefault) {
    const readers = allReaders().filter((r) => r.enabledByDefault && !OMERO_REMOVED.has(r.className));
    cachedDefault = { readers, source: "default" };
  }
  // A fresh copy: callers may not mutate the cached one.
  return { source: "default", readers: cachedDefault.readers.map((r) => ({ ...r, suffixes: [...r.suffixes] })) };
}

const BY_CLASS = new Map<string, RawReader>(RAW.map((r) => [r.className, r]));
const BY_SHORT = new Map<string, RawReader[]>();
for (const r of RAW) {
  const short = r.className.slice(r.className.lastIndexOf(".") + 1);
  const list = BY_SHORT.get(short) ?? [];
  list.push(r);
  BY_SHORT.set(short, list);
}

/** Resolves a class name from a readers file: fully qualified, or a short name ("ICSReader") that names exactly one reader. */
export function resolveReaderClass(name: string): string | null {
  const exact = BY_CLASS.get(name);
  if (exact) return exact.className;
  if (!name.includes(".")) {
    const list = BY_SHORT.get(name);
    if (list && list.length === 1) return list[0]!.className;
  }
  return null;
}

const LINE_RE = /^([A-Za-z_$][\w$.]*)\s*(?:\[([^\]]*)\])?$/;

/**
 * Parses an OMERO/Bio-Formats readers.txt text. Pure.
 *
 * - One reader class per line; `#` starts a comment (whole line or trailing); blank lines are skipped.
 * - A line may carry options in brackets, `Class[type=external]` (space before `[` allowed).
 * - A class may be fully qualified or a short name ("ICSReader") when exactly one known reader has it
 *   (short names resolve to `loci.formats.in.*` or whichever package defines that unique name).
 * - An unknown class is an error naming the file and line, except on a `[type=external]` line, which
 *   Bio-Formats' ClassList skips silently when the class is absent; we skip it the same way.
 * - A class listed twice keeps its first position. The file's order is the try order.
 * - Listing a reader enables it even if it is off by default (e.g. the external ZarrReader). OMERO's
 *   ZipReader removal applies only to the default list: a file that lists ZipReader gets it.
 */
export function parseReadersFile(text: string, fileName: string): Catalogue {
  const readers: ReaderEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const hash = raw.indexOf("#");
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === "") continue;
    const m = LINE_RE.exec(body);
    const lineNo = i + 1;
    if (!m) {
      throw new ReadersFileError(
        "READERS_FILE_UNKNOWN_READER",
        `${fileName}:${lineNo}: cannot parse "${body}" as a reader class name; expected e.g. "loci.formats.in.ICSReader" or "ICSReader", optionally followed by "[type=external]"`,
        fileName,
        lineNo,
      );
    }
    const options = (m[2] ?? "").split(",").map((o) => o.trim().toLowerCase());
    const external = options.includes("type=external");
    const className = resolveReaderClass(m[1]!);
    if (!className) {
      if (external) continue;
      throw new ReadersFileError(
        "READERS_FILE_UNKNOWN_READER",
        `${fileName}:${lineNo}: unknown reader class "${m[1]}"; use a class from Bio-Formats' readers.txt (e.g. loci.formats.in.TiffDelegateReader) or mark the line [type=external]`,
        fileName,
        lineNo,
      );
    }
    if (seen.has(className)) continue;
    seen.add(className);
    readers.push(toEntry(BY_CLASS.get(className)!, readers.length + 1));
  }
  return { readers, source: fileName };
}
