/**
 * OLE 2 compound files (Zeiss ZVI, Olympus OIB; Bio-Formats reads them through Apache POI,
 * POIServiceImpl; the layout is Microsoft's [MS-CFB]). A 512-byte header names the sector size
 * (2^shift at 30), the FAT sector count (44), the first directory sector (48), the DIFAT chain (68,
 * 72) and the first 109 FAT sector locations (76). Sector n lies at (n + 1) x sector size. Every
 * FAT sector, the first directory sector (a Root Entry) and every sector the FAT marks in use must
 * lie whole inside the file.
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

export const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const MAXREGSECT = 0xfffffffa;
const FREESECT = 0xffffffff;
/** FAT larger than this is not read whole (a 32 GiB file): only its own sectors are checked. */
const FAT_MAX = 64 * 1024 * 1024;

export async function checkOle(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 512) return incomplete(`OLE compound file truncated: the 512-byte header is cut at byte ${size}`);
  const h = await src.get(0, 512);
  if (!h.subarray(0, 8).equals(OLE_SIGNATURE) || h.readUInt16LE(28) !== 0xfffe) return UNKNOWN;
  const shift = h.readUInt16LE(30);
  if (shift !== 9 && shift !== 12) return UNKNOWN;
  const ss = 1 << shift;
  const inFile = (n: number) => (n + 2) * ss <= size;
  const cut = (what: string, n: number) =>
    incomplete(
      `OLE compound file truncated: ${what} (sector ${n}) ends at byte ${(n + 2) * ss}, past the end (${size} bytes)`,
    );
  const fatCount = h.readUInt32LE(44);
  const dirStart = h.readUInt32LE(48);
  const fatSectors: number[] = [];
  for (let i = 0; i < Math.min(fatCount, 109); i++) fatSectors.push(h.readUInt32LE(76 + 4 * i));
  let difat = h.readUInt32LE(68);
  for (let k = 0, n = h.readUInt32LE(72); k < n && fatSectors.length < fatCount; k++) {
    if (difat > MAXREGSECT) return UNKNOWN;
    if (!inFile(difat)) return cut("a DIFAT sector", difat);
    const s = await src.get((difat + 1) * ss, ss);
    for (let i = 0; i < ss / 4 - 1 && fatSectors.length < fatCount; i++) fatSectors.push(s.readUInt32LE(4 * i));
    difat = s.readUInt32LE(ss - 4);
  }
  for (const f of fatSectors) {
    if (f > MAXREGSECT) return UNKNOWN;
    if (!inFile(f)) return cut("a FAT sector", f);
  }
  if (dirStart > MAXREGSECT) return UNKNOWN;
  if (!inFile(dirStart)) return cut("its directory", dirStart);
  const root = await src.get((dirStart + 1) * ss, 128);
  if (root.length < 128 || root[66] !== 5)
    return incomplete(
      `OLE compound file incomplete: no root entry in its directory sector ${dirStart} (not written yet)`,
    );
  if (fatSectors.length * ss > FAT_MAX) return COMPLETE;
  let highest = -1;
  for (let k = 0; k < fatSectors.length; k++) {
    const s = await src.get((fatSectors[k]! + 1) * ss, ss);
    for (let i = 0; i < s.length / 4; i++) if (s.readUInt32LE(4 * i) !== FREESECT) highest = k * (ss / 4) + i;
  }
  if (highest >= 0 && !inFile(highest)) return cut("a sector its FAT marks in use", highest);
  return COMPLETE;
}
