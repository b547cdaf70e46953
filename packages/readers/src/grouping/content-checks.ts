/**
 * What Bio-Formats reads of a file's content before a reader takes it (isThisType(stream)), for the
 * readers whose suffix is not enough: TextReader's table rules, DeltaVision, ND2, CZI, LOF and NIfTI
 * magic numbers, and the TIFF header every TIFF reader opens. Each check returns why Bio-Formats
 * refuses the file, or null when it accepts it. Pure; the probe's head is all they read. Sources:
 * ome/bioformats df36e691, components/formats-{bsd,gpl}/src/loci/formats/in/<Reader>.java.
 */
import { headText } from "../head";
import type { CandidateFile } from "../types";

/** TextReader.isThisType: FormatTools.validStream(stream, 8192) and the table found in those bytes. */
export const TEXT_TABLE_MIN_BYTES = 8192;

/** Java's String.trim: strips every char <= ' '. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

/** Java's line.split("[\\s,]"): one token per separator, trailing empty tokens dropped. */
function javaSplit(line: string): string[] {
  const t = line.split(/[\s,]/);
  while (t.length > 0 && t[t.length - 1] === "") t.pop();
  return t;
}

/**
 * Double.parseDouble's decimal and special forms (hex floats are left out: no table writes them).
 * Number() reads the same decimals; it also reads hex/binary/octal integers, which Java refuses.
 */
function parseJavaDouble(s: string): number | null {
  if (s === "" || /[xXbBoO_]/.test(s)) return null;
  const last = s.charCodeAt(s.length - 1);
  // 'f', 'F', 'd', 'D': Java's float/double suffixes.
  const body = last === 102 || last === 70 || last === 100 || last === 68 ? s.slice(0, -1) : s;
  if (body === "NaN" || body === "+NaN" || body === "-NaN") return Number.NaN;
  const v = Number(body);
  return Number.isNaN(v) || body === "" || body === "+" || body === "-" ? null : v;
}
/** Java's (int) cast of a double. */
const javaInt = (v: number) => (Number.isNaN(v) ? 0 : Math.trunc(v));

/**
 * TextReader.isThisType(stream) on the first 8192 bytes: the first non-blank line is skipped
 * (getNextLine before parseFileHeader); then the first line of at least 3 tokens followed by a
 * numeric line of as many tokens is the header; it must name columns `x` and `y` (exact, lower
 * case); no row after it may have a negative x or y. Null: TextReader takes the file.
 */
export function textTableRefusal(f: CandidateFile): string | null {
  if (f.size < TEXT_TABLE_MIN_BYTES)
    return `it is ${f.size} bytes, and TextReader reads only tables of at least ${TEXT_TABLE_MIN_BYTES} bytes`;
  const text = headText(f, TEXT_TABLE_MIN_BYTES);
  if (text === undefined) return "its content was not read";
  const lines = text.split("\n");
  let row = 0;
  const next = (): string[] | null => {
    while (row < lines.length) {
      const l = javaTrim(lines[row++]!);
      if (l !== "") return javaSplit(l);
    }
    return null;
  };
  const noTable =
    "it holds no table TextReader reads (after its first line, a header row of at least 3 columns followed by a numeric row of as many)";
  if (next() === null) return noTable;
  // getRowData fills rowData in place, token by token, until one does not parse.
  const fill = (tokens: string[], into: number[]): boolean | "overflow" => {
    for (let i = 0; i < tokens.length; i++) {
      const v = parseJavaDouble(tokens[i]!);
      if (v === null) return false;
      if (i >= into.length) return "overflow";
      into[i] = v;
    }
    return true;
  };
  let last: string[] | null = null;
  let header: string[] = [];
  const rowData: number[] = [];
  for (;;) {
    const t = next();
    if (t === null) return noTable;
    if (t.length >= 3 && last && last.length === t.length) {
      rowData.length = t.length;
      if (fill(t, rowData) === true) {
        header = last;
        break;
      }
    }
    last = t;
  }
  const xi = header.indexOf("x");
  const yi = header.indexOf("y");
  if (xi < 0 || yi < 0)
    return `its table's header (${header.join(" ")}) has no ${xi < 0 ? "x" : "y"} column (TextReader needs columns named x and y)`;
  for (let check = true; ; ) {
    if (check && (javaInt(rowData[xi]!) < 0 || javaInt(rowData[yi]!) < 0))
      return "a row of its table has a negative x or y (TextReader refuses it)";
    const t = next();
    if (t === null) return null;
    const ok = fill(t, rowData);
    if (ok === "overflow") return "a row of its table has more columns than its header (TextReader fails on it)";
    check = ok;
  }
}

const isTiffMagic = (h: Buffer) => h.length >= 4 && /^(II\*\0|MM\0\*|II\+\0|MM\0\+)$/.test(h.toString("latin1", 0, 4));

/** DeltavisionReader.isThisType(stream) (RCPNLReader inherits it): not a TIFF, magic at 96, not an MRC map, a plane's worth of bytes. */
export function deltavisionRefusal(f: CandidateFile): string | null {
  const h = f.probe?.head;
  if (!h) return null;
  if (isTiffMagic(h)) return "it is a TIFF, not DeltaVision (DeltavisionReader refuses TIFFs)";
  if (f.size < 212 || h.length < 212) return `it is ${f.size} bytes, too short for a DeltaVision header`;
  const le = h.readUInt16LE(96);
  if (le !== 0xa0c0 && le !== 0xc0a0) return "it has no DeltaVision magic number at byte 96";
  const little = le === 0xc0a0;
  if (h.toString("latin1", 208, 212).trim() === "MAP") return "it is an MRC map (MAP at byte 208), not DeltaVision";
  const int = (o: number) => (little ? h.readInt32LE(o) : h.readInt32BE(o));
  const [x, y, n] = [int(0), int(4), int(8)];
  if (x <= 0 || y <= 0 || n <= 0) return `its DeltaVision header gives ${x} x ${y} x ${n} planes`;
  if (1024 + x * y > f.size) return `it is ${f.size} bytes, less than a header and one ${x} x ${y} plane`;
  return null;
}

/**
 * ND2Reader.isThisType(stream): big-endian 0xDACEBE0A at 0 (ND2) or 0x6A502020 at 4 (JPEG-2000 ND2). initFile
 * reads the leading chunks' headers and data (the file signature chunk and the next one): a file cut inside
 * them fails ("Attempting to read beyond end of file").
 */
export function nd2Refusal(f: CandidateFile): string | null {
  const h = f.probe?.head;
  if (!h) return null;
  if (h.length < 8) return `it is ${f.size} bytes, too short for ND2`;
  if (h.readUInt32BE(0) !== 0xdacebe0a)
    return h.readUInt32BE(4) === 0x6a502020
      ? null
      : "it does not start with the ND2 magic number (ND2Reader refuses it)";
  let at = 0;
  for (let chunk = 0; chunk < 2; chunk++) {
    if (at + 16 > h.length)
      return at + 16 > f.size ? `it is cut: ${f.size} bytes, inside its leading ND2 chunks` : null;
    if (h.readUInt32LE(at) !== 0x0abeceda) return null;
    at += 16 + h.readUInt32LE(at + 4) + Number(h.readBigUInt64LE(at + 8));
    if (at > f.size) return `it is cut: ${f.size} bytes, inside its leading ND2 chunks (a copy not finished?)`;
  }
  return null;
}

/**
 * ZeissCZIReader.isThisType(stream): "ZISRAWFILE" at 0. initFile reads every segment (readSegments): a file
 * cut before the trailing segments its header points to (the subblock directory, the metadata and its
 * 256-byte header, the attachment directory; CZI header offsets 84, 92, 104) fails, as a copy in progress does.
 */
export function cziRefusal(f: CandidateFile): string | null {
  const h = f.probe?.head;
  if (!h) return null;
  if (h.toString("latin1", 0, 10) !== "ZISRAWFILE")
    return "it does not start with ZISRAWFILE (ZeissCZIReader refuses it)";
  if (h.length < 112) return h.length < f.size ? null : `it is cut: ${f.size} bytes, shorter than a CZI file header`;
  for (const [at, what, extra] of [
    [84, "subblock directory", 0],
    [92, "metadata", 256],
    [104, "attachment directory", 0],
  ] as const) {
    const pos = Number(h.readBigInt64LE(at));
    if (pos > 0 && pos + 32 + extra > f.size)
      return `it is cut: its header places the ${what} at byte ${pos}, beyond its ${f.size} bytes (a copy not finished?)`;
  }
  return null;
}

/** APNGReader takes a `.png` by name; initFile then reads the PNG signature ("Invalid PNG signature"). */
export function pngRefusal(f: CandidateFile): string | null {
  const h = f.probe?.head;
  if (!h) return null;
  return h.length >= 8 && h.toString("latin1", 0, 8) === "\x89PNG\r\n\x1a\n"
    ? null
    : "it does not start with the PNG signature (APNGReader fails on it)";
}

/** LOFReader.isThisType(stream): little-endian int 0x70 at 0. */
export function lofRefusal(f: CandidateFile): string | null {
  const h = f.probe?.head;
  if (!h) return null;
  return h.length >= 4 && h.readInt32LE(0) === 0x70
    ? null
    : "it does not start with the LOF magic number (LOFReader refuses it)";
}

/** NiftiReader takes any .nii by name; initFile then needs the NIfTI-1 header (magic n+1 at 344). */
export function niiRefusal(f: CandidateFile): string | null {
  const h = f.probe?.head;
  if (!h || f.path.toLowerCase().endsWith(".gz")) return null;
  const magic = h.length >= 348 ? h.toString("latin1", 344, 347) : "";
  return magic === "n+1" || magic === "ni1"
    ? null
    : "it has no NIfTI-1 header (magic n+1 at byte 344): NiftiReader fails on it";
}

/**
 * A file named like a TIFF that no TIFF reader can open (TiffParser: "Invalid TIFF file", or the
 * first IFD cannot be read): Bio-Formats' setId fails, so the import would. Null: a readable TIFF,
 * or not probed.
 */
export function corruptTiff(f: CandidateFile): string | null {
  const p = f.probe;
  if (!p?.head) return null;
  if (f.size === 0) return "it is empty";
  if (!isTiffMagic(p.head)) return "it does not start with a TIFF header";
  if (p.tiffTags === undefined) return "its first IFD cannot be read (truncated or corrupt)";
  return null;
}
