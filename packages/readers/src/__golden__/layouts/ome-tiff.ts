/** OME-TIFF: single file, multi-file sets named by TiffData/UUID, companion OME-XML. */
import { companion, omeTiffSet } from "../make/ome";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "ome-tiff-multi", files: omeTiffSet("multi", ["multi_z0.ome.tif", "multi_z1.ome.tif", "multi_z2.ome.tif"]) },
  { name: "ome-companion", files: companion("cmp", ["cmp_0.ome.tif", "cmp_1.ome.tif"]) },
];
