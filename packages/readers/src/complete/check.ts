/**
 * checkStructure (one file, by name and magic) and checkFilesetStructure (rules across a
 * fileset's files). Pure over injected reads: the I/O edge is file.ts.
 */
import type { FilesetPlan } from "../types";
import { isOmeXmlWithImage } from "../omexml";
import { baseOf } from "../paths";
import type { ReadFn } from "../tiff";
import { checkEts, checkFli, checkObf, checkOir, OBF_MAGIC, OIR_MAGIC } from "./containers";
import { checkCzi } from "./czi";
import { checkDm } from "./dm";
import {
  checkDeltaVision,
  checkHdf5,
  checkIcs,
  checkMrc,
  checkNifti,
  parseIcsHeader,
  parseNifti1Header,
} from "./formats";
import { checkLif, LIF_MAGIC, LIF_MEMORY } from "./lif";
import { checkJp2Boxes, checkNd2, ND2_CHUNK_MAGIC } from "./nd2";
import { checkOle, OLE_SIGNATURE } from "./ole";
import { omeRequiredIfds, planeReason } from "./ome";
import { checkBmp, checkGif, checkJpeg, checkPng } from "./raster";
import { checkEndFile, checkJson, checkNdpis, checkXml } from "./text";
import { countIfds, walkTiff } from "./tiff";
import { Bytes, COMPLETE, incomplete, ShortRead, type StructureCheck, UNKNOWN } from "./types";

const P = "loci.formats.in.";

/** The header of a file a cross-file rule needs in whole (a companion OME-XML, an .ics): capped. */
const MAX_HEADER_FILE = 64 * 1024 * 1024;

/**
 * Whether `path` (of `size` bytes, read through `read`) holds every byte its structure declares.
 * Dispatch by magic, then by name (the readers README, "Structural completeness", lists each
 * format and its source). Reads only headers and indexes, never pixel data. An empty file is never
 * complete, whatever its name, but for FakeReader's `.fake` (empty by design).
 */
export async function checkStructure(path: string, size: number, read: ReadFn): Promise<StructureCheck> {
  try {
    return await checkBytes(path, new Bytes(read, size));
  } catch (err) {
    if (err instanceof ShortRead) return incomplete(err.message);
    throw err;
  }
}

const JP2_SIGNATURE = Buffer.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]);

async function checkBytes(path: string, src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  const ln = baseOf(path).toLowerCase();
  // FakeReader's .fake files are empty by design (the name is the content): whole as they are.
  if (size === 0) return ln.endsWith(".fake") ? COMPLETE : incomplete("empty file (0 bytes)");
  const head = await src.get(0, 16);
  const magic = head.toString("latin1", 0, 4);
  if (magic === "II*\0" || magic === "MM\0*" || magic === "II+\0" || magic === "MM\0+") {
    const w = await walkTiff(src);
    if (w.check.state !== "complete" || !isOmeXmlWithImage(w.description)) return w.check;
    const needed = omeRequiredIfds(w.description!, path).get(path) ?? 0;
    return needed > w.ifds ? incomplete(planeReason(path, path, needed, w.ifds)) : COMPLETE;
  }
  if (magic === "\x89HDF") return checkHdf5(src);
  if (magic === "\x89PNG") return checkPng(src);
  if (head.length >= 4 && head.readUInt32LE(0) === ND2_CHUNK_MAGIC) return checkNd2(src);
  if (head.subarray(0, 8).equals(JP2_SIGNATURE)) return checkJp2Boxes(src);
  if (head.toString("latin1", 0, 10) === "ZISRAWFILE") return checkCzi(src, /\(\d+\)\.czi$/.test(ln));
  if (head.subarray(0, 8).equals(OLE_SIGNATURE)) return checkOle(src);
  if (head.toString("latin1", 0, 16) === OIR_MAGIC) return checkOir(src);
  if (head.toString("latin1", 0, 8) === OBF_MAGIC) return checkObf(src);
  if (magic === "SIS\0") return checkEts(src);
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return checkJpeg(src);
  if (magic.startsWith("GIF8")) return checkGif(src);
  if (magic.startsWith("BM") && ln.endsWith(".bmp")) return checkBmp(src);
  if (head.length >= 9 && head.readInt32LE(0) === LIF_MAGIC && head[8] === LIF_MEMORY) return checkLif(src);
  if (/\.(dv|r3d|r3d_d3d|rcpnl)$/.test(ln)) return checkDeltaVision(src);
  if (ln.endsWith(".ics")) return checkIcs(src);
  if (ln.endsWith(".nii")) return checkNifti(src, false);
  if (ln.endsWith(".hdr")) return checkNifti(src, true);
  if (/\.dm[34]$/.test(ln)) return checkDm(src);
  if (/\.(mrc|mrcs|st|ali|map|rec)$/.test(ln)) return checkMrc(src);
  if (ln.endsWith(".fli")) return checkFli(src);
  return checkText(ln, src, head);
}

/** Text index files: by name, and XML by its first bytes. */
function checkText(ln: string, src: Bytes, head: Buffer): Promise<StructureCheck> | StructureCheck {
  if (ln === "metadata.txt" || ln.endsWith("_metadata.txt")) return checkJson(src, "Micro-Manager metadata.txt");
  if (/\.json$|^\.z(attrs|array|group|metadata)$/.test(ln)) return checkJson(src, "JSON");
  if (/\.(nd|htd)$/.test(ln)) return checkEndFile(src, ln.endsWith(".nd") ? "MetaMorph .nd" : "MetaXpress .HTD");
  if (ln.endsWith(".ndpis")) return checkNdpis(src);
  const text = head
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (/\.(xml|ome|xlef|xlif|xlcf|xdce|mvd2)$/.test(ln) && text.startsWith("<")) return checkXml(src, "XML");
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
