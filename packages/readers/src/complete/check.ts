/**
 * checkStructure (one file, by name and magic) and checkFilesetStructure (rules across a
 * fileset's files). Pure over injected reads: the I/O edge is file.ts.
 */
import type { FilesetPlan } from "../types";
import { isOmeXmlWithImage } from "../omexml";
import { baseOf } from "../paths";
import type { ReadFn } from "../tiff";
import {
  checkDeltaVision,
  checkHdf5,
  checkIcs,
  checkNifti,
  checkPng,
  parseIcsHeader,
  parseNifti1Header,
} from "./formats";
import { omeRequiredIfds, planeReason } from "./ome";
import { countIfds, walkTiff } from "./tiff";
import { Bytes, COMPLETE, incomplete, ShortRead, type StructureCheck, UNKNOWN } from "./types";

const P = "loci.formats.in.";

/** The header of a file a cross-file rule needs in whole (a companion OME-XML, an .ics): capped. */
const MAX_HEADER_FILE = 64 * 1024 * 1024;

/**
 * Whether `path` (of `size` bytes, read through `read`) holds every byte its structure declares.
 * Dispatch by magic, then by name: TIFF/BigTIFF (with an OME-TIFF's own planes), DeltaVision, ICS,
 * NIfTI/Analyze headers, HDF5, PNG. Reads only headers and IFDs, never pixel data.
 */
export async function checkStructure(path: string, size: number, read: ReadFn): Promise<StructureCheck> {
  try {
    return await checkBytes(path, new Bytes(read, size));
  } catch (err) {
    if (err instanceof ShortRead) return incomplete(err.message);
    throw err;
  }
}

async function checkBytes(path: string, src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  const ln = baseOf(path).toLowerCase();
  if (size === 0)
    return /\.(tiff?|tf[28]|btf|dv|r3d|ics|nii|hdr|h5|ims|png)$/.test(ln) ? incomplete("empty file") : UNKNOWN;
  const head = await src.get(0, 8);
  const magic = head.toString("latin1", 0, 4);
  if (magic === "II*\0" || magic === "MM\0*" || magic === "II+\0" || magic === "MM\0+") {
    const w = await walkTiff(src);
    if (w.check.state !== "complete" || !isOmeXmlWithImage(w.description)) return w.check;
    const needed = omeRequiredIfds(w.description!, path).get(path) ?? 0;
    return needed > w.ifds ? incomplete(planeReason(path, path, needed, w.ifds)) : COMPLETE;
  }
  if (magic === "\x89HDF") return checkHdf5(src);
  if (magic === "\x89PNG") return checkPng(src);
  if (/\.(dv|r3d|r3d_d3d|rcpnl)$/.test(ln)) return checkDeltaVision(src);
  if (ln.endsWith(".ics")) return checkIcs(src);
  if (ln.endsWith(".nii")) return checkNifti(src, false);
  if (ln.endsWith(".hdr")) return checkNifti(src, true);
  return UNKNOWN;
}

export type OpenFn = (path: string) => Promise<{ size: number; read: ReadFn } | null>;

async function readWhole(open: OpenFn, path: string): Promise<Buffer | null> {
  const f = await open(path);
  if (!f || f.size > MAX_HEADER_FILE) return null;
  return Buffer.from(await f.read(0, f.size));
}

/**
 * Rules across a fileset's present files: OME-TIFF (every plane the entry's OME-XML names is an IFD
 * of its file), ICS 1 (the .ids holds the data the .ics declares), Analyze/NIfTI pairs (the .img
 * holds dims x bitpix). Files `open` returns null for are skipped (absence is the plan's `missing`).
 * Per-file structure is checkStructure's job; this adds only what one file cannot tell.
 */
export async function checkFilesetStructure(
  plan: FilesetPlan,
  open: OpenFn,
): Promise<{ path: string; reason: string }[]> {
  try {
    return await crossFile(plan, open);
  } catch (err) {
    if (err instanceof ShortRead) return [{ path: plan.entry, reason: err.message }];
    throw err;
  }
}

async function crossFile(plan: FilesetPlan, open: OpenFn): Promise<{ path: string; reason: string }[]> {
  const out: { path: string; reason: string }[] = [];
  const ln = baseOf(plan.entry).toLowerCase();
  const partner = (suffix: RegExp) => plan.files.find((p) => p !== plan.entry && suffix.test(p));
  if (plan.reader === `${P}OMETiffReader`) {
    let xml: string | null = null;
    if (ln.endsWith(".companion.ome")) xml = (await readWhole(open, plan.entry))?.toString("utf8") ?? null;
    else {
      const f = await open(plan.entry);
      if (f) xml = (await walkTiff(new Bytes(f.read, f.size))).description;
    }
    if (!xml || !isOmeXmlWithImage(xml)) return out;
    const required = omeRequiredIfds(xml, plan.entry);
    for (const p of plan.files) {
      const needed = required.get(p);
      if (!needed) continue;
      const f = await open(p);
      if (!f) continue;
      const n = await countIfds(new Bytes(f.read, f.size));
      if (n !== null && n < needed) out.push({ path: p, reason: planeReason(plan.entry, p, needed, n) });
    }
  } else if (plan.reader === `${P}ICSReader` && ln.endsWith(".ics")) {
    const ids = partner(/\.ids$/i);
    const icsFile = await open(plan.entry);
    if (!ids || !icsFile) return out;
    const h = parseIcsHeader(Buffer.from(await icsFile.read(0, Math.min(icsFile.size, 1 << 20))));
    const f = await open(ids);
    if (h && !h.version2 && !h.compressed && f && f.size < h.dataBytes)
      out.push({
        path: ids,
        reason: `ICS truncated: ${baseOf(plan.entry)} declares ${h.dataBytes} data bytes, ${baseOf(ids)} has ${f.size}`,
      });
  } else if ((plan.reader === `${P}AnalyzeReader` || plan.reader === `${P}NiftiReader`) && ln.endsWith(".hdr")) {
    const img = partner(/\.img$/i);
    const hdr = await open(plan.entry);
    if (!img || !hdr) return out;
    const h = parseNifti1Header(Buffer.from(await hdr.read(0, 348)));
    const f = await open(img);
    if (h && !h.singleFile && f && f.size < h.voxOffset + h.dataBytes)
      out.push({
        path: img,
        reason: `Analyze/NIfTI truncated: ${baseOf(plan.entry)} declares ${h.voxOffset + h.dataBytes} bytes of pixel data, ${baseOf(img)} has ${f.size}`,
      });
  }
  return out;
}
