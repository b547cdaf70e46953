/**
 * PerkinElmer UltraVIEW datasets (PerkinElmerReader): `<base>.htm` (the key/value HTML it always parses),
 * optional `.tim`, `.csv`, `.zpo`, `.cfg` (with "Ultraview"), `.ano`, `.rec`, and the planes as
 * `<base>_NNN.tif` TIFFs or as raw `<base>.<hex>` files (6-byte header + pixels).
 */
import { tiff } from "./tiff";

export function peHtml(width: number, height: number, slices: number): string {
  // PerkinElmerReader splits on its HTML_REGEX and reads tokens in (key, value) pairs: four leading empties.
  return `<HTML><HEAD></HEAD><HR>Image Width<br>${width}<br>Image Length<br>${height}<br>Number of slices<br>${slices}</HTML>`;
}

export const peTim = (width: number, height: number, slices: number) =>
  `1 0 0 ${slices} 0 um 0.5 0.5 ${width} ${height} 0 8 X 0 8 Y 0 8 Z\n`;

export interface PeSpec {
  base: string;
  /** Plane files: "tif" (`<base>_001.tif`...) or "raw" (`<base>.2`, `<base>.3`...). */
  kind?: "tif" | "raw";
  planes?: number;
  /** Companion suffixes beside the .htm (default tim, csv, zpo). */
  extras?: string[];
}

export function perkinElmerSet(spec: PeSpec): Record<string, Buffer | string> {
  const n = spec.planes ?? 2;
  const out: Record<string, Buffer | string> = { [`${spec.base}.htm`]: peHtml(8, 8, n) };
  for (const ext of spec.extras ?? ["tim", "csv", "zpo"]) {
    if (ext === "tim") out[`${spec.base}.tim`] = peTim(8, 8, n);
    else if (ext === "cfg") out[`${spec.base}.cfg`] = "Ultraview configuration\n";
    else if (ext === "csv") out[`${spec.base}.csv`] = "a b c d e f g h i j k l m n o p q r s t u v w x y z\n";
    else out[`${spec.base}.${ext}`] = "0 1 2\n";
  }
  for (let i = 1; i <= n; i++) {
    if ((spec.kind ?? "tif") === "tif")
      out[`${spec.base}_${String(i).padStart(3, "0")}.tif`] = tiff({ width: 8, height: 8 });
    else out[`${spec.base}.${(i + 1).toString(16)}`] = Buffer.alloc(6 + 64);
  }
  return out;
}
