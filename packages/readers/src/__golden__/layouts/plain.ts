/** Plain single-file images and names (spaces, Unicode, upper-case suffixes). */
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "plain-tiff", files: { "a.tif": tiff() } },
  {
    name: "plain-names",
    note: "spaces, Unicode and upper-case suffixes",
    files: { "my image 1.tif": tiff(), "Zellkern äöü µm.TIF": tiff(), "細胞.tiff": tiff(), "UPPER.TIFF": tiff() },
  },
];
