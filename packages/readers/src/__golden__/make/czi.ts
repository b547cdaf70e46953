/**
 * Minimal Zeiss CZI files that ZeissCZIReader.setId accepts: a ZISRAWFILE header, one ZISRAWSUBBLOCK per
 * plane (a DV directory entry with X, Y, C, Z and Gray8 pixels) and a ZISRAWMETADATA XML; segments
 * 32-byte aligned as readSegment expects (ome/bioformats df36e691 ZeissCZIReader.java). Pure.
 */

const align = (n: number) => Math.ceil(n / 32) * 32;

function segment(id: string, body: Buffer): Buffer {
  const allocated = align(body.length);
  const h = Buffer.alloc(32);
  h.write(id, 0, "latin1");
  h.writeBigInt64LE(BigInt(allocated), 16);
  h.writeBigInt64LE(BigInt(body.length), 24);
  return Buffer.concat([h, body, Buffer.alloc(allocated - body.length)]);
}

function dimension(name: string, start: number, size: number): Buffer {
  const d = Buffer.alloc(20);
  d.write(name, 0, "latin1");
  d.writeInt32LE(start, 4);
  d.writeInt32LE(size, 8);
  d.writeInt32LE(size, 16);
  return d;
}

function subblock(at: number, z: number, w: number, h: number): Buffer {
  const dims = [dimension("X", 0, w), dimension("Y", 0, h), dimension("C", 0, 1), dimension("Z", z, 1)];
  const entry = Buffer.alloc(32);
  entry.write("DV", 0, "latin1");
  entry.writeInt32LE(0, 2); // Gray8
  entry.writeBigInt64LE(BigInt(at), 6);
  entry.writeInt32LE(dims.length, 28);
  const head = Buffer.alloc(16);
  head.writeBigInt64LE(BigInt(w * h), 8);
  const fixed = Buffer.concat([head, entry, ...dims]);
  return Buffer.concat([fixed, Buffer.alloc(Math.max(256 - fixed.length, 0)), Buffer.alloc(w * h, 7)]);
}

/** A CZI of `planes` Z planes of `width` x `height` Gray8 pixels. */
export function czi(o: { planes?: number; width?: number; height?: number } = {}): Buffer {
  const w = o.width ?? 8;
  const h = o.height ?? 8;
  const parts: Buffer[] = [];
  let pos = 0;
  const add = (b: Buffer) => {
    const at = pos;
    parts.push(b);
    pos += b.length;
    return at;
  };
  const header = Buffer.alloc(512);
  header.writeInt32LE(1, 0);
  add(segment("ZISRAWFILE", header));
  for (let z = 0; z < (o.planes ?? 1); z++) add(segment("ZISRAWSUBBLOCK", subblock(pos, z, w, h)));
  const xml = Buffer.from(
    `<ImageDocument><Metadata><Information><Image><SizeX>${w}</SizeX><SizeY>${h}</SizeY><SizeZ>${o.planes ?? 1}</SizeZ><PixelType>Gray8</PixelType></Image></Information></Metadata></ImageDocument>`,
    "latin1",
  );
  const meta = Buffer.alloc(256);
  meta.writeInt32LE(xml.length, 0);
  const metaAt = add(segment("ZISRAWMETADATA", Buffer.concat([meta, xml])));
  const file = Buffer.concat(parts);
  file.writeBigInt64LE(BigInt(metaAt), 32 + 60);
  return file;
}
