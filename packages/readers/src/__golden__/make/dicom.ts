/**
 * Minimal DICOM files (Part 10: 128-byte preamble, "DICM", explicit VR little endian) that
 * DicomReader.setId accepts, with the tags its file grouping reads (DicomReader.addFileToList): series
 * and instance number, acquisition date/time, SOP instance UID, rows/columns. Also a DICOMDIR.
 */

export interface DicomSpec {
  series?: number;
  instance?: number;
  /** AcquisitionDate, YYYYMMDD. */
  date?: string;
  /** AcquisitionTime, HHMMSS(.FFFFFF). */
  time?: string;
  /** AcquisitionDateTime (0008,002A), YYYYMMDDHHMMSS; date and time "" leave those tags out. */
  dateTime?: string;
  /** SOPInstanceUID. */
  uid?: string;
  rows?: number;
  columns?: number;
  /** ImageType (0008,0008); DicomReader's multi-file path fails without it (null imageType). */
  imageType?: string | null;
  /** Omit the grouping tags (a file Bio-Formats opens alone). */
  noGroupingTags?: boolean;
  /** Leave out the 128-byte preamble and "DICM" (DicomReader still accepts a file starting with a tag). */
  noPreamble?: boolean;
}

type Vr = "UI" | "DA" | "DT" | "TM" | "IS" | "US" | "CS" | "OW" | "OB" | "UL" | "SQ" | "LO" | "SH" | "PN";

function element(group: number, elem: number, vr: Vr, value: Buffer): Buffer {
  const long = vr === "OW" || vr === "OB" || vr === "SQ";
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, "latin1");
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

function str(s: string, pad = " "): Buffer {
  const b = Buffer.from(s, "latin1");
  return b.length % 2 === 0 ? b : Buffer.concat([b, Buffer.from(pad, "latin1")]);
}
const uid = (s: string) => str(s, "\0");
function us(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}
function ul(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

const EXPLICIT_LE = "1.2.840.10008.1.2.1";
const SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";

function fileMeta(sopUid: string): Buffer {
  const rest = Buffer.concat([
    element(0x0002, 0x0001, "OB", Buffer.from([0, 1])),
    element(0x0002, 0x0002, "UI", uid(SECONDARY_CAPTURE)),
    element(0x0002, 0x0003, "UI", uid(sopUid)),
    element(0x0002, 0x0010, "UI", uid(EXPLICIT_LE)),
  ]);
  return Buffer.concat([element(0x0002, 0x0000, "UL", ul(rest.length)), rest]);
}

/** One DICOM image (8-bit, one frame; 32x32 by default: DicomReader.isThisType(stream) wants 1024 bytes). */
export function makeDicom(spec: DicomSpec = {}): Buffer {
  const rows = spec.rows ?? 32;
  const cols = spec.columns ?? 32;
  const sop = spec.uid ?? `1.2.826.0.1.3680043.2.1125.1.${spec.series ?? 1}.${spec.instance ?? 1}`;
  const tags: Buffer[] = [];
  const imageType = spec.imageType === undefined ? "ORIGINAL\\PRIMARY\\AXIAL" : spec.imageType;
  if (imageType !== null) tags.push(element(0x0008, 0x0008, "CS", str(imageType)));
  if (!spec.noGroupingTags) {
    tags.push(element(0x0008, 0x0018, "UI", uid(sop)));
    if (spec.date !== "") tags.push(element(0x0008, 0x0022, "DA", str(spec.date ?? "20240102")));
    if (spec.dateTime !== undefined) tags.push(element(0x0008, 0x002a, "DT", str(spec.dateTime)));
    if (spec.time !== "") tags.push(element(0x0008, 0x0032, "TM", str(spec.time ?? "101500")));
    tags.push(element(0x0020, 0x0011, "IS", str(String(spec.series ?? 1))));
    tags.push(element(0x0020, 0x0013, "IS", str(String(spec.instance ?? 1))));
  }
  tags.push(element(0x0028, 0x0002, "US", us(1)));
  tags.push(element(0x0028, 0x0004, "CS", str("MONOCHROME2")));
  tags.push(element(0x0028, 0x0010, "US", us(rows)));
  tags.push(element(0x0028, 0x0011, "US", us(cols)));
  tags.push(element(0x0028, 0x0100, "US", us(8)));
  tags.push(element(0x0028, 0x0101, "US", us(8)));
  tags.push(element(0x0028, 0x0102, "US", us(7)));
  tags.push(element(0x0028, 0x0103, "US", us(0)));
  tags.push(element(0x7fe0, 0x0010, "OW", Buffer.alloc(rows * cols + ((rows * cols) % 2))));
  const body = Buffer.concat(tags);
  if (spec.noPreamble) return body;
  return Buffer.concat([Buffer.alloc(128), Buffer.from("DICM", "latin1"), fileMeta(sop), body]);
}

/** Item of a sequence (undefined length items are not needed: explicit lengths). */
function item(content: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(0xfffe, 0);
  h.writeUInt16LE(0xe000, 2);
  h.writeUInt32LE(content.length, 4);
  return Buffer.concat([h, content]);
}

/**
 * A DICOMDIR naming `images` (paths relative to the DICOMDIR's folder, `/` or `\` separated) as IMAGE
 * records; DicomReader.handleReferencedFile lists them as the fileset's files.
 */
export function makeDicomDir(images: string[], series = 1): Buffer {
  const records: Buffer[] = [];
  records.push(
    item(
      Buffer.concat([element(0x0004, 0x1430, "CS", str("SERIES")), element(0x0020, 0x0011, "IS", str(String(series)))]),
    ),
  );
  for (const p of images) {
    records.push(
      item(
        Buffer.concat([
          element(0x0004, 0x1430, "CS", str("IMAGE")),
          element(0x0004, 0x1500, "CS", str(p.split("/").join("\\"))),
        ]),
      ),
    );
  }
  const sop = "1.2.826.0.1.3680043.2.1125.9.1";
  const body = Buffer.concat([
    element(0x0004, 0x1130, "CS", str("")),
    element(0x0004, 0x1220, "SQ", Buffer.concat(records)),
    // Trailing padding (FFFC,FFFC): DicomReader.isThisType(stream) wants 1024 bytes.
    element(0xfffc, 0xfffc, "OB", Buffer.alloc(1024)),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from("DICM", "latin1"), fileMeta(sop), body]);
}
