/**
 * Files whose names no reader claims, read by content (README "Rules": content). Bio-Formats' ImageReader
 * asks every reader `isThisType(name, open = true)`; readers with `suffixNecessary = false` then test the
 * stream, so `cells.tif~`, `scan.czi.bak` or an extension-less TIFF open as what they contain (the DICOM
 * family rule reads DICOM content the same way). Modelled, in readers.txt order: APNGReader (PNG signature),
 * JPEGReader (FF D8 FF), DeltavisionReader, LIFReader, ZeissCZIReader, OMETiffReader (a TIFF whose
 * description is OME-XML with an Image), TiffDelegateReader (any other TIFF). Pure.
 */
import { isOmeXmlWithImage } from "../omexml";
import type { CandidateFile } from "../types";
import type { CatIndex } from "./catalogue-index";
import { isTiffHead } from "./content";
import { corruptTiff, cziRefusal, deltavisionRefusal } from "./content-checks";
import type { Decision } from "./context";
import { P, R, shortName } from "./names";

const refused = (why: string, reader: string): Decision => ({
  kind: "ignored",
  reason: `not an image Bio-Formats opens: ${why} (${shortName(reader)} takes it by its content)`,
});

/** LIFReader.isThisType(stream): 0x70 at 0, 0x2A at 8, then a UTF-16 description that is not a LOF's. */
function isLif(h: Buffer): boolean {
  if (h.length < 13 || h[0] !== 0x70 || h[8] !== 0x2a) return false;
  const nc = h.readInt32LE(9);
  const desc = h
    .toString("utf16le", 13, Math.min(h.length, 13 + Math.max(0, nc) * 2))
    .replace(/\0/g, "")
    .trim();
  return desc !== "LMS_Object_File";
}

/** The reader that takes a file no reader claims by its name, by its content; null: none (or not probed). */
export function sniffDecision(idx: CatIndex, f: CandidateFile): Decision | null {
  const h = f.probe?.head;
  if (!h || h.length < 4) return null;
  const has = (r: string) => idx.has.has(r);
  const entry = (reader: string): Decision => ({ kind: "entry", reader });
  if (has(`${P}APNGReader`) && h.length >= 8 && h.toString("latin1", 0, 8) === "\x89PNG\r\n\x1a\n")
    return entry(`${P}APNGReader`);
  if (has(`${P}JPEGReader`) && h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff && (h[3]! & 0xf0) !== 0)
    return entry(`${P}JPEGReader`);
  if (has(R.dv) && h.length >= 212 && !isTiffHead(h)) {
    const m = h.readUInt16LE(96);
    if (m === 0xa0c0 || m === 0xc0a0) {
      const why = deltavisionRefusal(f);
      return why ? refused(why, R.dv) : entry(R.dv);
    }
  }
  if (has(`${P}LIFReader`) && isLif(h)) return entry(`${P}LIFReader`);
  if (has(R.czi) && h.toString("latin1", 0, 10) === "ZISRAWFILE") {
    const why = cziRefusal(f);
    return why ? refused(why, R.czi) : entry(R.czi);
  }
  if (isTiffHead(h)) {
    const ome = has(R.ometiff) && isOmeXmlWithImage(f.probe?.tiffDescription ?? undefined);
    const reader = ome ? R.ometiff : R.tiff;
    if (!has(reader)) return null;
    const why = corruptTiff(f);
    return why ? refused(why, reader) : entry(reader);
  }
  return null;
}
