/** OME-TIFF: single file, multi-file sets named by TiffData/UUID, companion OME-XML with BinaryOnly TIFFs. */
import { without } from "../make/files";
import { binaryOnly, companion, omeTiffSet, uuidOf } from "../make/ome";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const cmp = companion("set", ["a.ome.tif", "b.ome.tif"]);
const multi = omeTiffSet("t", ["t0.ome.tif", "t1.ome.tif", "t2.ome.tif"]);

export const layouts: GoldenLayout[] = [
  { name: "ome-tiff-multi", files: omeTiffSet("multi", ["multi_z0.ome.tif", "multi_z1.ome.tif", "multi_z2.ome.tif"]) },
  { name: "ome-companion", files: companion("cmp", ["cmp_0.ome.tif", "cmp_1.ome.tif"]) },
  { name: "ometiff-single", files: omeTiffSet("cells", ["cells.ome.tif"]) },
  { name: "ometiff-multi-missing", files: without(multi, "t2.ome.tif"), missingOnPurpose: ["t2.ome.tif"] },
  {
    name: "ometiff-companion-unnamed-binary",
    note: "a binary-only OME-TIFF that the companion does not name: OMERO's scan prunes it",
    files: { ...cmp, "c.ome.tif": tiff({ description: binaryOnly("set.companion.ome", uuidOf("c.ome.tif")) }) },
  },
  { name: "ometiff-companion-missing", files: without(cmp, "b.ome.tif"), missingOnPurpose: ["b.ome.tif"] },
  { name: "ometiff-companion-stray-tiff", files: { ...cmp, "notes.tif": tiff() } },
  {
    name: "ometiff-binary-alone",
    note: "its companion is not there: Bio-Formats reads it as a plain TIFF (held for the companion up to companionWait)",
    files: { "a.ome.tif": tiff({ description: binaryOnly("set.companion.ome", uuidOf("a.ome.tif")) }) },
  },
];
