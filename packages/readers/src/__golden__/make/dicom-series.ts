/** Minimal DICOM files (DicomReader): preamble, DICM, explicit VR little endian, the tags its grouping reads. Pure. */

type Vr = "UI" | "DA" | "DT" | "TM" | "CS" | "IS" | "US" | "OB" | "SH" | "LO";

function element(group: number, el: number, vr: Vr, value: Buffer | string | number): Buffer {
  let v: Buffer;
  if (typeof value === "number") {
    v = Buffer.alloc(2);
    v.writeUInt16LE(value);
  } else if (typeof value === "string") {
    const pad = vr === "UI" ? "\0" : " ";
    v = Buffer.from(value.length % 2 ? value + pad : value, "latin1");
  } else v = value;
  const long = vr === "OB";
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(el, 2);
  h.write(vr, 4, "latin1");
  if (long) h.writeUInt32LE(v.length, 8);
  else h.writeUInt16LE(v.length, 6);
  return Buffer.concat([h, v]);
}

export interface DicomOptions {
  /** Series number (0020,0011) and the UID stem of the series. */
  series?: number;
  study?: string;
  /** Instance number (0020,0013), 1-based. */
  instance: number;
  /** Acquisition date and time (0008,0022/0032). */
  date?: string;
  time?: string;
  width?: number;
  height?: number;
}

/** One DICOM image (MR, 8-bit grey). */
export function dicom(o: DicomOptions): Buffer {
  const series = o.series ?? 1;
  const study = o.study ?? "1.2.826.0.1.3680043.9.7777.1";
  const sop = `${study}.${series}.${o.instance}`;
  // DicomReader.isThisType(stream) wants at least 1024 bytes: 32 x 32 pixels.
  const w = o.width ?? 32;
  const h = o.height ?? 32;
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, "OB", Buffer.from([0, 1])),
    element(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.4"),
    element(0x0002, 0x0003, "UI", sop),
    element(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1"),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length);
  const meta = Buffer.concat([
    element(0x0002, 0x0000, "UI", "").subarray(0, 4),
    Buffer.from("UL"),
    Buffer.from([4, 0]),
    groupLength,
    metaBody,
  ]);
  const data = Buffer.concat([
    element(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY\\AXIAL"),
    element(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.4"),
    element(0x0008, 0x0018, "UI", sop),
    element(0x0008, 0x0020, "DA", o.date ?? "20250106"),
    element(0x0008, 0x0022, "DA", o.date ?? "20250106"),
    element(0x0008, 0x002a, "DT", `${o.date ?? "20250106"}${o.time ?? "100000"}`),
    element(0x0008, 0x0032, "TM", o.time ?? "100000"),
    element(0x0008, 0x0060, "CS", "MR"),
    element(0x0020, 0x000d, "UI", study),
    element(0x0020, 0x000e, "UI", `${study}.${series}`),
    element(0x0020, 0x0011, "IS", String(series)),
    element(0x0020, 0x0013, "IS", String(o.instance)),
    element(0x0028, 0x0002, "US", 1),
    element(0x0028, 0x0004, "CS", "MONOCHROME2"),
    element(0x0028, 0x0010, "US", h),
    element(0x0028, 0x0011, "US", w),
    element(0x0028, 0x0100, "US", 8),
    element(0x0028, 0x0101, "US", 8),
    element(0x0028, 0x0102, "US", 7),
    element(0x0028, 0x0103, "US", 0),
    element(0x7fe0, 0x0010, "OB", Buffer.alloc(w * h)),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from("DICM", "latin1"), meta, data]);
}
