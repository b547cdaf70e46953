/**
 * Nikon ND2 (Bio-Formats ND2Reader.initFile, "newer version of ND2 - doesn't use JPEG2000", and
 * the chunk layout as Nikon's ND2 SDK and the `nd2` library describe it). A chunk is
 * `u32 0x0ABECEDA, u32 name length, u64 data length, name, data` (little-endian). A finished file
 * ends with the chunk map's pointer: the 32-byte signature "ND2 CHUNK MAP SIGNATURE 0000001!" and
 * the u64 position of the chunk map, a chunk whose data lists `name! u64 position u64 length` for
 * every chunk and ends with the signature again. NIS-Elements writes the map when it closes the
 * file, so a file still being written, or a copy cut short, has none at its end.
 *
 * The legacy JPEG 2000 ND2 (JP2 boxes) has no index: a box that runs past the end is proof of a
 * cut, a clean box chain proves nothing (unknown).
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

export const ND2_CHUNK_MAGIC = 0x0abeceda;
export const ND2_MAP_SIGNATURE = "ND2 CHUNK MAP SIGNATURE 0000001!";
/** A chunk map larger than this is not read (it would be millions of chunks). */
const MAP_MAX = 64 * 1024 * 1024;
/** Chunk headers looked at (evenly spread over the file, the last one included), as ND2Reader samples them. */
const SAMPLES = 16;

export async function checkNd2(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  if (size < 16 + 40)
    return incomplete(`ND2 truncated: ${size} bytes, less than one chunk and the chunk map's pointer`);
  if ((await src.get(0, 4)).readUInt32LE(0) !== ND2_CHUNK_MAGIC) return UNKNOWN;
  const tail = await src.peek(size - 40, 40);
  if (tail.toString("latin1", 0, 32) !== ND2_MAP_SIGNATURE)
    return incomplete(
      `ND2 incomplete: no chunk map at its end (a finished ND2 ends with "${ND2_MAP_SIGNATURE}" and the map's position; this one has ${size} bytes)`,
    );
  const mapAt = Number(tail.readBigUInt64LE(32));
  if (mapAt + 16 > size - 40)
    return incomplete(`ND2 truncated: its chunk map at byte ${mapAt} lies beyond the end (${size} bytes)`);
  const h = await src.peek(mapAt, 16);
  if (h.readUInt32LE(0) !== ND2_CHUNK_MAGIC)
    return incomplete(`ND2 incomplete: no chunk at byte ${mapAt}, where its end says the chunk map is`);
  const dataAt = mapAt + 16 + h.readUInt32LE(4);
  const dataLen = Number(h.readBigUInt64LE(8));
  if (dataAt + dataLen > size)
    return incomplete(`ND2 truncated: its chunk map ends at byte ${dataAt + dataLen} of ${size}`);
  if (dataLen > MAP_MAX) return UNKNOWN;
  const map = await src.get(dataAt, dataLen);
  const chunks: { name: string; at: number; length: number }[] = [];
  let images = 0;
  let maxImage = -1;
  let ended = false;
  for (let pos = 0; pos < map.length; ) {
    const bang = map.indexOf(0x21, pos);
    if (bang < 0) break;
    const name = map.toString("latin1", pos, bang + 1);
    if (name === ND2_MAP_SIGNATURE) {
      ended = true;
      break;
    }
    if (bang + 17 > map.length) break;
    const at = Number(map.readBigUInt64LE(bang + 1));
    const length = Number(map.readBigUInt64LE(bang + 9));
    chunks.push({ name, at, length });
    const m = /^ImageDataSeq\|(\d+)!$/.exec(name);
    if (m) {
      images++;
      maxImage = Math.max(maxImage, Number(m[1]));
    }
    pos = bang + 17;
  }
  // ND2Reader discards such a map and scans the file instead: nothing to prove with it.
  if (!ended || images !== maxImage + 1) return UNKNOWN;
  for (const c of chunks)
    if (c.at + 16 > size || c.at + c.length > size)
      return incomplete(`ND2 truncated: chunk ${c.name} at byte ${c.at} ends past the end (${size} bytes)`);
  // A copy that wrote the end first (preallocated, parallel): the chunks it has not written are zeros.
  const sorted = [...chunks].sort((a, b) => a.at - b.at);
  const step = Math.max(1, Math.floor(sorted.length / SAMPLES));
  for (let i = 0; i < sorted.length; i += step) {
    if ((await sample(src, sorted[i]!)) === false) return notWritten(sorted[i]!);
  }
  const last = sorted[sorted.length - 1];
  if (last && (await sample(src, last)) === false) return notWritten(last);
  return COMPLETE;
}

async function sample(src: Bytes, c: { at: number }): Promise<boolean> {
  return (await src.peek(c.at, 4)).readUInt32LE(0) === ND2_CHUNK_MAGIC;
}

const notWritten = (c: { name: string; at: number }) =>
  incomplete(`ND2 incomplete: chunk ${c.name} at byte ${c.at} is not written yet (no chunk header there)`);

/** JPEG 2000 boxes (legacy ND2, ND2Reader's JPEG path): a box past the end is a cut; otherwise unknown. */
export async function checkJp2Boxes(src: Bytes): Promise<StructureCheck> {
  const size = src.size;
  let boxes = 0;
  for (let at = 0; at < size; boxes++) {
    if (boxes > 1_000_000) return UNKNOWN;
    if (at + 8 > size) return incomplete(`JPEG 2000 truncated: the box header at byte ${at} is cut (${size} bytes)`);
    const h = await src.peek(at, 16);
    let length = h.readUInt32BE(0);
    if (length === 0) return UNKNOWN; // "to the end of the file": nothing to compare
    if (length === 1) {
      if (at + 16 > size) return incomplete(`JPEG 2000 truncated: the box header at byte ${at} is cut (${size} bytes)`);
      length = Number(h.readBigUInt64BE(8));
    }
    if (length < 8) return UNKNOWN;
    if (at + length > size)
      return incomplete(
        `JPEG 2000 truncated: box ${h.toString("latin1", 4, 8)} at byte ${at} ends at byte ${at + length} of ${size}`,
      );
    at += length;
  }
  return UNKNOWN;
}
