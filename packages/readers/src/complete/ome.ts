/**
 * OME-TIFF planes: which IFDs of which files the OME-XML's TiffData elements name, modelled on
 * Bio-Formats OMETiffReader.initFile (IFD default 0; PlaneCount default 1, and without PlaneCount
 * the following planes fill down from that IFD; FirstZ/C/T placed by DimensionOrder; a TiffData
 * without UUID@FileName is the file the XML came from, or the file its UUID names elsewhere).
 */
import { parseAttributes } from "../omexml";
import { baseOf, dirOf, resolveRef } from "../paths";

/** Cap on planes modelled per image (a corrupt SizeZ must not allocate gigabytes). */
const MAX_PLANES = 10_000_000;

const int = (v: string | undefined, fallback: number) => {
  const n = v === undefined ? Number.NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
};

interface TiffData {
  ifd: number | null;
  count: number | null;
  z: number;
  c: number;
  t: number;
  fileName: string | null;
  uuid: string | null;
}

/**
 * For each file (absolute path) the number of IFDs the XML needs in it: 1 + the highest IFD index
 * that any plane maps to. `self` is the file the XML was read from (the OME-TIFF or the companion).
 */
export function omeRequiredIfds(xml: string, self: string): Map<string, number> {
  const dir = dirOf(self);
  const out = new Map<string, number>();
  const byUuid = new Map<string, string>();
  const rootUuid = /<(?:\w+:)?OME\b([^>]*)>/.exec(xml);
  const selfUuid = rootUuid ? parseAttributes(rootUuid[1]!).get("UUID") : undefined;
  // UUID value -> file, from every UUID element that carries a FileName.
  for (const m of xml.matchAll(/<(?:\w+:)?UUID\b([^>]*)>([^<]*)</g)) {
    const fn = parseAttributes(m[1]!).get("FileName");
    if (fn) byUuid.set(m[2]!.trim(), resolveRef(dir, fn));
  }
  const need = (file: string, ifd: number) => out.set(file, Math.max(out.get(file) ?? 0, ifd + 1));
  const pixelsRe = /<(?:\w+:)?Pixels\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?Pixels>/g;
  for (const p of xml.matchAll(pixelsRe)) {
    const a = parseAttributes(p[1]!);
    const sizeZ = Math.max(1, int(a.get("SizeZ"), 1));
    const sizeT = Math.max(1, int(a.get("SizeT"), 1));
    const channels = [...p[2]!.matchAll(/<(?:\w+:)?Channel\b([^>]*?)\/?>/g)];
    const spp = channels.length > 0 ? Math.max(1, int(parseAttributes(channels[0]![1]!).get("SamplesPerPixel"), 1)) : 1;
    const sizeC = Math.max(1, Math.floor(Math.max(1, int(a.get("SizeC"), 1)) / spp));
    const num = sizeZ * sizeC * sizeT;
    if (num > MAX_PLANES) continue;
    const order = (a.get("DimensionOrder") ?? "XYZCT").toUpperCase();
    const index = (z: number, c: number, t: number) => {
      const sizes: Record<string, number> = { Z: sizeZ, C: sizeC, T: sizeT };
      const pos: Record<string, number> = { Z: z, C: c, T: t };
      let i = 0;
      let stride = 1;
      for (const d of order.slice(2)) {
        i += pos[d]! * stride;
        stride *= sizes[d]!;
      }
      return i;
    };
    const planes: { file: string; ifd: number; certain: boolean }[] = new Array(num);
    for (const td of tiffDatas(p[2]!)) {
      if (td.z >= sizeZ || td.c >= sizeC || td.t >= sizeT) break;
      const start = index(td.z, td.c, td.t);
      const count = td.count ?? 1;
      if (count === 0) break;
      let file = self;
      if (td.fileName) file = resolveRef(dir, td.fileName);
      else if (td.uuid && td.uuid !== selfUuid) file = byUuid.get(td.uuid) ?? self;
      const ifd = td.ifd ?? 0;
      for (let q = 0; q < count && start + q < num; q++) planes[start + q] = { file, ifd: ifd + q, certain: true };
      if (td.count === null) {
        for (let no = start + 1; no < num && !planes[no]?.certain; no++) {
          planes[no] = { file, ifd: planes[no - 1]!.ifd + 1, certain: false };
        }
      }
    }
    for (const pl of planes) if (pl) need(pl.file, pl.ifd);
  }
  return out;
}

function tiffDatas(pixelsBody: string): TiffData[] {
  const out: TiffData[] = [];
  const re = /<(?:\w+:)?TiffData\b([^>]*?)(\/>|>([\s\S]*?)<\/(?:\w+:)?TiffData>)/g;
  for (const m of pixelsBody.matchAll(re)) {
    const a = parseAttributes(m[1]!);
    const u = m[3] ? /<(?:\w+:)?UUID\b([^>]*)>([^<]*)</.exec(m[3]) : null;
    out.push({
      ifd: a.has("IFD") ? int(a.get("IFD"), 0) : null,
      count: a.has("PlaneCount") ? int(a.get("PlaneCount"), 1) : null,
      z: int(a.get("FirstZ"), 0),
      c: int(a.get("FirstC"), 0),
      t: int(a.get("FirstT"), 0),
      fileName: u ? (parseAttributes(u[1]!).get("FileName") ?? null) : null,
      uuid: u ? u[2]!.trim() || null : null,
    });
  }
  return out;
}

/** A short description of where the last needed plane is, for reasons. */
export function planeReason(entry: string, file: string, needed: number, present: number): string {
  const of = file === entry ? baseOf(file) : `${baseOf(file)} (named in ${baseOf(entry)})`;
  return `OME-TIFF incomplete: the OME-XML puts a plane in IFD ${needed - 1} of ${of}, which has ${present} IFD${present === 1 ? "" : "s"}`;
}
