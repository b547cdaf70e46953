/** OME-TIFF (OMETiffReader), issue 18 corpus: single files, a member missing, a binary-only file the companion does not name. */
import { binaryOnly, companion, omeTiffSet, omeXml, uuidOf } from "../make/ome";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "ome-tiff-single",
    files: { "one.ome.tif": tiff({ description: omeXml({ name: "one", files: ["one.ome.tif"] }) }) },
  },
  {
    name: "ome-tiff-multi-missing",
    note: "a listed member is missing: Bio-Formats imports the rest (black planes); held whole",
    files: (() => {
      const f = omeTiffSet("part", ["part_z0.ome.tif", "part_z1.ome.tif", "part_z2.ome.tif"]);
      delete f["part_z2.ome.tif"];
      return f;
    })(),
    missingOnPurpose: ["part_z2.ome.tif"],
  },
  {
    name: "ome-companion-unnamed-binary",
    note: "issue 18 (swallowed): a binary-only OME-TIFF the companion does not name",
    files: {
      ...companion("bo", ["bo_0.ome.tif", "bo_1.ome.tif"]),
      "bo_2.ome.tif": tiff({ description: binaryOnly("bo.companion.ome", uuidOf("bo_2.ome.tif")) }),
    },
  },
  {
    name: "ome-tiff-plain-tif-name",
    note: "OME-XML in a file named .tif",
    files: { "named.tif": tiff({ description: omeXml({ name: "named", files: ["named.tif"] }) }) },
  },
];
