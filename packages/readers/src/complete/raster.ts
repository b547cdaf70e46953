/**
 * Common raster formats: each says where it ends. PNG (APNGReader; PNG spec: the IEND chunk last),
 * JPEG (JPEGReader via ImageIO; ITU T.81: marker segments up to the first SOS, then entropy-coded
 * data that ends with EOI FF D9), BMP (BMPReader: the pixel offset at 10, width/height/bits at
 * 18/22/28, compression at 30, image size at 34; rows padded to 4 bytes), GIF (GIFReader; GIF89a:
 * the last data sub-block's 0 terminator, then the trailer 0x3B).
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

export async function checkPng(src: Bytes): Promise<StructureCheck> {
  if (!(await src.get(0, 8)).equals(PNG_SIG)) return UNKNOWN;
  if (src.size < 20 || !(await src.peek(src.size - 12, 12)).equals(IEND))
    return incomplete(`PNG truncated: no IEND chunk at the end (${src.size} bytes)`);
  return COMPLETE;
}

/** How far from the end EOI is looked for (bytes some writers append after it). */
const JPEG_TAIL = 65536;

export async function checkJpeg(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  const h = await src.get(0, 3);
  if (h[0] !== 0xff || h[1] !== 0xd8 || h[2] !== 0xff) return UNKNOWN;
  // Marker segments up to the first start of scan: each is FF xx + a 16-bit length.
  let at = 2;
  for (let n = 0; ; n++) {
    if (n > 10_000) return UNKNOWN;
    if (at + 4 > size) return incomplete(`JPEG truncated: its headers are cut at byte ${size}`);
    const m = await src.peek(at, 4);
    if (m[0] !== 0xff) return UNKNOWN;
    const marker = m[1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return UNKNOWN; // EOI before any scan: no image to speak of
    const length = m.readUInt16BE(2);
    if (at + 2 + length > size)
      return incomplete(`JPEG truncated: the segment FF${marker.toString(16).toUpperCase()} at byte ${at} is cut`);
    at += 2 + length;
    if (marker === 0xda) break;
  }
  // After SOS, FF D9 can only be EOI (entropy-coded FF bytes are followed by 00 or a restart marker).
  const from = Math.max(at, size - JPEG_TAIL);
  const tail = await src.get(from, size - from);
  for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return COMPLETE;
  return incomplete(`JPEG truncated: no end-of-image marker (FF D9) after its image data (${size} bytes)`);
}

export async function checkBmp(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 54) return incomplete(`BMP truncated: the header is cut at byte ${size}`);
  const h = await src.get(0, 54);
  if (h.toString("latin1", 0, 2) !== "BM") return UNKNOWN;
  const offset = h.readUInt32LE(10);
  const width = Math.abs(h.readInt32LE(18));
  const height = Math.abs(h.readInt32LE(22));
  const bits = h.readUInt16LE(28);
  const compression = h.readUInt32LE(30);
  const imageSize = h.readUInt32LE(34);
  let data: number;
  if (compression === 0 || compression === 3) data = Math.ceil((width * bits) / 32) * 4 * height;
  else if (imageSize > 0) data = imageSize;
  else return UNKNOWN;
  const end = offset + data;
  return end > size ? incomplete(`BMP truncated: its pixels end at byte ${end}, the file has ${size}`) : COMPLETE;
}

export async function checkGif(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  const sig = (await src.get(0, 6)).toString("latin1");
  if (sig !== "GIF87a" && sig !== "GIF89a") return UNKNOWN;
  if (size < 14) return incomplete(`GIF truncated: the header is cut at byte ${size}`);
  const end = await src.peek(size - 2, 2);
  if (end[0] !== 0x00 || end[1] !== 0x3b)
    return incomplete(`GIF truncated: no trailer (0x3B after the last block) at the end (${size} bytes)`);
  return COMPLETE;
}
