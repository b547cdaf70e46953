/**
 * DeltaVision `.dv` images (DeltavisionReader.initPixels): the 1024-byte header (sizes at 0, pixel type at 12,
 * extended header size at 92, the 0xc0a0 magic at 96 that gives the byte order, sizeT at 180, sizeC at 196)
 * and the planes. `.dv.log` / `_log.txt` logs are text.
 */
export function dv(planes = 1): Buffer {
  const b = Buffer.alloc(1024 + 16 * planes);
  b.writeInt32LE(4, 0);
  b.writeInt32LE(4, 4);
  b.writeInt32LE(planes, 8);
  b.writeInt32LE(0, 12); // 8-bit
  b.writeInt32LE(0, 92);
  b.writeInt16LE(-16224, 96);
  b.writeUInt16LE(1, 180);
  b.writeInt16LE(1, 196);
  return b;
}

export const dvLog = (title: string) => `${title}\nDeltaVision log\nObjective: 60x\n`;
