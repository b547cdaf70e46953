/**
 * KLB (Keller lab block) files: the header KLBReader.readHeader reads (version, xyzct sizes, pixel sizes, data
 * type, compression, 256 bytes of user metadata, block sizes, one block offset per block) and one uncompressed
 * block of 8-bit pixels.
 */
export function klb(w = 8, h = 8): Buffer {
  const dims = [w, h, 1, 1, 1];
  const parts: Buffer[] = [Buffer.from([2])];
  for (const d of dims) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(d);
    parts.push(b);
  }
  for (let i = 0; i < 5; i++) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(1);
    parts.push(b);
  }
  parts.push(Buffer.from([0, 0])); // uint8, no compression
  parts.push(Buffer.alloc(256));
  for (const d of dims) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(d);
    parts.push(b);
  }
  const offset = Buffer.alloc(8);
  offset.writeBigUInt64LE(BigInt(w * h));
  parts.push(offset, Buffer.alloc(w * h));
  return Buffer.concat(parts);
}

/** A SiMView time-fused tree: `<name>.TM<t>_timeFused_blending/SPM00_TM<t>_CM00_CM01_CHN<c>.fusedStack[_<p>Projection].klb`. */
export function simviewTree(name: string, timepoints: number, channels: number, projections: string[] = []) {
  const out: Record<string, Buffer> = {};
  for (let t = 0; t < timepoints; t++) {
    const tm = String(t).padStart(6, "0");
    for (let c = 0; c < channels; c++) {
      const base = `${name}.TM${tm}_timeFused_blending/SPM00_TM${tm}_CM00_CM01_CHN${String(c).padStart(2, "0")}`;
      out[`${base}.fusedStack.klb`] = klb();
      for (const p of projections) out[`${base}.fusedStack_${p}Projection.klb`] = klb();
    }
  }
  return out;
}
