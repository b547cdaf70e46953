/** Files named like a format whose content is not (issue 18, "Not images"). */
import type { GoldenLayout } from "../types";

const text = (what: string) => `${what}\n`.repeat(60);

export const layouts: GoldenLayout[] = [
  {
    name: "wrong-nd2",
    note: "issue 18 (not images): a .nd2 that is not ND2",
    files: { "scan.nd2": text("not an ND2 file") },
  },
  { name: "wrong-czi", files: { "scan.czi": text("not a CZI file") } },
  { name: "wrong-tif-text", files: { "readme.tif": text("not a TIFF") } },
  { name: "wrong-ome-tiff-name", files: { "plain.ome.tif": text("not an OME-TIFF") } },
];
