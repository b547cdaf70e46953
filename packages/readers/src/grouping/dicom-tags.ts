/**
 * The few DICOM tags DicomReader's file grouping reads (ome/bioformats df36e691,
 * components/formats-bsd/src/loci/formats/in/DicomReader.java addInfo / addFileToList / handleReferencedFile),
 * parsed from a probe head: explicit or implicit VR, little or big endian, nested sequences with defined or
 * undefined lengths. Top-level tags only, up to the pixel data, as DicomReader's tag loop does.
 */

export interface DicomRecord {
  type: string;
  file?: string;
}

export interface DicomTags {
  imageType?: string;
  sopInstanceUid?: string;
  acquisitionDate?: string;
  acquisitionTime?: string;
  acquisitionDateTime?: string;
  seriesNumber?: string;
  instanceNumber?: string;
  specimenId?: string;
  /** Rows (0028,0010) and Columns (0028,0011): without them DicomReader.initFile divides by zero. */
  rows?: number;
  columns?: number;
  /** DICOMDIR: the directory records (0004,1220) with their type and referenced file. */
  records?: DicomRecord[];
}

const LONG_VRS = new Set(["OB", "OW", "OF", "SQ", "UT", "UN", "OD", "OL", "UC", "UR", "OV", "SV", "UV"]);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQ_END = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;

/** Tags whose values are kept (string VRs). */
const WANTED: Record<number, keyof DicomTags> = {
  524296: "imageType",
  524312: "sopInstanceUid",
  524322: "acquisitionDate",
  524338: "acquisitionTime",
  524330: "acquisitionDateTime",
  2097169: "seriesNumber",
  2097171: "instanceNumber",
};
const SPECIMEN_SEQ = 0x00400560;
const SPECIMEN_ID = 0x00400551;
const RECORD_SEQ = 0x00041220;
const RECORD_TYPE = 0x00041430;
const ROWS = 0x00280010;
const COLUMNS = 0x00280011;
const REFERENCED_FILE = 0x00041500;

interface Element {
  tag: number;
  value?: string;
  /** US value (Rows, Columns). */
  num?: number;
  items?: Element[][];
}

class Reader {
  pos: number;
  constructor(
    readonly b: Buffer,
    start: number,
    public le: boolean,
    public explicit: boolean | null,
  ) {
    this.pos = start;
  }
  u16(at: number): number {
    return this.le ? this.b.readUInt16LE(at) : this.b.readUInt16BE(at);
  }
  u32(at: number): number {
    return this.le ? this.b.readUInt32LE(at) : this.b.readUInt32BE(at);
  }
}

const isVr = (s: string) => /^[A-Z]{2}$/.test(s);
const clean = (s: string) => s.replace(/[\0\s]+$/, "").replace(/^\s+/, "");

/** Reads one element at r.pos; null at the end of the buffer. `keep`: parse children of sequences. */
function readElement(r: Reader, depth: number): Element | null {
  const b = r.b;
  if (r.pos + 8 > b.length) return null;
  const tag = ((r.u16(r.pos) << 16) | r.u16(r.pos + 2)) >>> 0;
  if (tag === ITEM || tag === ITEM_END || tag === SEQ_END) {
    const len = r.u32(r.pos + 4);
    r.pos += 8;
    return { tag, value: String(len) };
  }
  const vr = b.toString("latin1", r.pos + 4, r.pos + 6);
  const explicit = r.explicit ?? isVr(vr);
  let len: number;
  let isSeq: boolean;
  if (explicit && isVr(vr)) {
    if (LONG_VRS.has(vr)) {
      if (r.pos + 12 > b.length) return null;
      len = r.u32(r.pos + 8);
      r.pos += 12;
    } else {
      len = r.u16(r.pos + 6);
      r.pos += 8;
    }
    isSeq = vr === "SQ" || (vr === "UN" && len === UNDEFINED);
  } else {
    len = r.u32(r.pos + 4);
    r.pos += 8;
    isSeq = len === UNDEFINED || tag === SPECIMEN_SEQ || tag === RECORD_SEQ;
  }
  if (tag === PIXEL_DATA) return { tag };
  if (isSeq) {
    const items: Element[][] = [];
    const end = len === UNDEFINED ? b.length : Math.min(b.length, r.pos + len);
    while (r.pos < end) {
      const it = readElement(r, depth + 1);
      if (!it || it.tag === SEQ_END) break;
      if (it.tag !== ITEM) continue;
      const itemLen = Number(it.value);
      const itemEnd = itemLen === UNDEFINED ? b.length : Math.min(b.length, r.pos + itemLen);
      const children: Element[] = [];
      while (r.pos < itemEnd) {
        const c = readElement(r, depth + 1);
        if (!c || c.tag === ITEM_END) break;
        children.push(c);
      }
      items.push(children);
    }
    if (len !== UNDEFINED) r.pos = end;
    return { tag, items };
  }
  if (len === UNDEFINED) return null;
  if ((tag === ROWS || tag === COLUMNS) && len === 2 && r.pos + 2 <= b.length) {
    const num = r.u16(r.pos);
    r.pos += 2;
    return { tag, num };
  }
  const keep = WANTED[tag] !== undefined || tag === SPECIMEN_ID || tag === RECORD_TYPE || tag === REFERENCED_FILE;
  const value = keep && r.pos + len <= b.length ? clean(b.toString("latin1", r.pos, r.pos + len)) : undefined;
  r.pos += len;
  return { tag, value };
}

/** The transfer syntax's byte order and VR encoding (file meta (0002,0010)). */
function syntax(uid: string | undefined): { le: boolean; explicit: boolean | null } {
  if (uid === "1.2.840.10008.1.2") return { le: true, explicit: false };
  if (uid === "1.2.840.10008.1.2.2") return { le: false, explicit: true };
  if (uid === undefined) return { le: true, explicit: null };
  return { le: true, explicit: true };
}

/** DICM at byte 128 (Part 10 file). */
export function hasDicomPreamble(head: Buffer | undefined): boolean {
  return !!head && head.length >= 132 && head.toString("latin1", 128, 132) === "DICM";
}

/**
 * DicomReader.isThisType(stream): at least 1024 bytes, and DICM at 128 or a first tag that parses. The
 * dictionary lookup of that first tag is approximated by the groups a DICOM data set starts with (0002
 * file meta, 0008 identification) with an element below 0x1000.
 */
export function isDicomContent(head: Buffer | undefined, size: number): boolean {
  if (!head || size < 1024) return false;
  if (hasDicomPreamble(head)) return true;
  if (head.length < 8) return false;
  const group = head.readUInt16LE(0);
  const elem = head.readUInt16LE(2);
  return (group === 0x0002 || group === 0x0008) && elem < 0x1000;
}

/** The grouping tags of a DICOM head (undefined: not parseable). */
export function readDicomTags(head: Buffer | undefined): DicomTags | undefined {
  if (!head || head.length < 8) return undefined;
  const start = hasDicomPreamble(head) ? 132 : 0;
  const out: DicomTags = {};
  try {
    // File meta information: always explicit VR little endian.
    const meta = new Reader(head, start, true, true);
    let ts: string | undefined;
    while (meta.pos + 8 <= head.length && meta.u16(meta.pos) === 0x0002) {
      const before = meta.pos;
      const e = readElement(meta, 0);
      if (!e) break;
      if (e.tag === 0x00020010) ts = clean(head.toString("latin1", before + 8, meta.pos));
    }
    const { le, explicit } = syntax(ts);
    const r = new Reader(head, meta.pos, le, explicit);
    for (;;) {
      const e = readElement(r, 0);
      if (!e || e.tag === PIXEL_DATA) break;
      const key = WANTED[e.tag];
      if (key && key !== "records" && e.value !== undefined) (out as Record<string, string>)[key] = e.value;
      if (e.tag === SPECIMEN_SEQ) {
        const id = e.items?.flat().find((c) => c.tag === SPECIMEN_ID)?.value;
        if (id !== undefined) out.specimenId = id;
      }
      if (e.tag === RECORD_SEQ) out.records = records(e.items ?? []);
      if (e.tag === ROWS && e.num !== undefined) out.rows = Math.max(out.rows ?? 0, e.num);
      if (e.tag === COLUMNS && e.num !== undefined) out.columns = Math.max(out.columns ?? 0, e.num);
    }
  } catch {
    // A head cut inside an element: what was read so far.
  }
  return out;
}

/** DicomReader.initFile's DIRECTORY_RECORD_SEQUENCE loop: a record type, then its referenced file. */
function records(items: Element[][]): DicomRecord[] {
  const out: DicomRecord[] = [];
  for (const children of items) {
    let type = "";
    for (const c of children) {
      if (c.tag === RECORD_TYPE) type = c.value ?? "";
      else if (c.tag === REFERENCED_FILE) out.push({ type, file: c.value ?? "" });
    }
  }
  return out;
}
