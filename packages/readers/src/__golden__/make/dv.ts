/** Minimal DeltaVision files (DeltavisionReader.isThisType/initPixels): 1024-byte header, extended header, planes. Pure. */

/** A little-endian DV image of `planes` 8-bit w x h planes (Z), magic -16224 at 96. */
export function dv(o: { width?: number; height?: number; planes?: number } = {}): Buffer {
  const w = o.width ?? 4;
  const h = o.height ?? 4;
  const n = o.planes ?? 1;
  const ints = 8;
  const floats = 32;
  const ext = n * (ints + floats) * 4;
  const b = Buffer.alloc(1024 + ext + w * h * n);
  b.writeInt32LE(w, 0);
  b.writeInt32LE(h, 4);
  b.writeInt32LE(n, 8);
  b.writeInt32LE(0, 12); // mode 0: 8-bit
  b.writeInt32LE(ext, 92);
  b.writeInt16LE(-16224, 96);
  b.writeInt16LE(ints, 128);
  b.writeInt16LE(floats, 130);
  b.writeUInt16LE(1, 180); // time points
  b.writeInt16LE(0, 182); // ZTW
  b.writeInt16LE(1, 196); // wavelengths
  return b;
}

/** A DeltaVision/softWoRx log (plain text). */
export function dvLog(name: string): string {
  return `softWoRx log for ${name}\nImage: ${name}\nObjective: 60x 1.42 Oil\n`;
}
