/** Readers that list their folder: Varian FDF (same-length names), MicroCT (.vff pattern + metadata files). */
import { fdf, vff } from "../make/headers";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "fdf-slices",
    note: "slices in the header: every .fdf of the folder whose name has the same length",
    files: { "fd/slice001.fdf": fdf(3), "fd/slice002.fdf": fdf(3), "fd/slice003.fdf": fdf(3), "fd/image.fdf": fdf() },
  },
  {
    name: "fdf-single",
    note: "no slices/echoes: one file each",
    files: { "fs/a1.fdf": fdf(), "fs/a2.fdf": fdf() },
  },
  {
    name: "microct-series",
    note: "numbered .vff slices and the metadata files beside them",
    files: {
      "ct/scan_0001.vff": vff(),
      "ct/scan_0002.vff": vff(),
      "ct/scan_0003.vff": vff(),
      "ct/scan.log": "Exposure=100\r\n",
      "ct/Parameters.txt": "Voltage: 80\r\n",
    },
  },
  {
    name: "microct-single",
    note: "one .vff with a TIFF beside it (MicroCTReader takes every other file of the folder)",
    files: { "c1/volume.vff": vff(), "c1/preview.tif": tiff() },
  },
];
