/** NRRD (NRRDReader): attached `.nrrd`, or a detached `.nhdr` header whose `data file:` names the pixels. */

export function nrrdHeader(dataFile: string | null, w = 8, h = 8): string {
  const lines = ["NRRD0004", "type: uint8", "dimension: 2", `sizes: ${w} ${h}`, "encoding: raw", "endian: little"];
  if (dataFile !== null) lines.push(`data file: ${dataFile}`);
  return `${lines.join("\n")}\n`;
}

/** An attached NRRD: header, blank line, raw pixels. */
export const nrrd = (w = 8, h = 8): Buffer =>
  Buffer.concat([Buffer.from(`${nrrdHeader(null, w, h)}\n`, "latin1"), Buffer.alloc(w * h)]);

/** Raw pixel bytes for a detached header. */
export const nrrdRaw = (w = 8, h = 8): Buffer => Buffer.alloc(w * h);
