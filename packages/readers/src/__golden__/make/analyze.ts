/** Analyze 7.5 / NIfTI-1 headers and their images (AnalyzeReader, NiftiReader). Pure. */

/** A 348-byte Analyze 7.5 header (little-endian) for w x h x z 8-bit; `nifti` writes the NIfTI magic at 344. */
export function analyzeHeader(
  o: { width?: number; height?: number; depth?: number; nifti?: "ni1" | "n+1" } = {},
): Buffer {
  const b = Buffer.alloc(o.nifti === "n+1" ? 352 : 348);
  b.writeInt32LE(348, 0);
  b.writeInt16LE(o.nifti ? 3 : 4, 40);
  b.writeInt16LE(o.width ?? 4, 42);
  b.writeInt16LE(o.height ?? 4, 44);
  b.writeInt16LE(o.depth ?? 1, 46);
  b.writeInt16LE(1, 48);
  b.writeInt16LE(2, 70); // datatype: unsigned char
  b.writeInt16LE(8, 72); // bitpix
  b.writeFloatLE(1, 80); // pixdim[1]
  b.writeFloatLE(1, 84);
  b.writeFloatLE(1, 88);
  b.writeFloatLE(o.nifti === "n+1" ? 352 : 0, 108); // vox_offset
  if (o.nifti) b.write(`${o.nifti}\0`, 344, "latin1");
  return b;
}

/** The .img of an Analyze pair: w x h x z bytes. */
export function analyzeImage(o: { width?: number; height?: number; depth?: number } = {}): Buffer {
  return Buffer.alloc((o.width ?? 4) * (o.height ?? 4) * (o.depth ?? 1));
}

/** A single-file NIfTI-1 `.nii`: header (magic n+1), 4 bytes extension flag, pixels. */
export function nii(o: { width?: number; height?: number; depth?: number } = {}): Buffer {
  return Buffer.concat([analyzeHeader({ ...o, nifti: "n+1" }), analyzeImage(o)]);
}
