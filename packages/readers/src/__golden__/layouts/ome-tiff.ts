/** OME-TIFF (OMETiffReader): single files, multi-file sets, companion OME-XML with BinaryOnly TIFFs. */
import { binaryOnlyTiff, companionSet, omeTiff, omeTiffSet, uuid } from "../make/ome";
import { tiff } from "../make/tiff";
import { without } from "../make/files";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "ometiff-single", files: { "cells.ome.tif": omeTiff() } },
  { name: "ometiff-multi", files: omeTiffSet(["t0.ome.tif", "t1.ome.tif", "t2.ome.tif"]) },
  {
    name: "ometiff-multi-missing",
    files: without(omeTiffSet(["t0.ome.tif", "t1.ome.tif", "t2.ome.tif"]), "t2.ome.tif"),
    missingOnPurpose: ["t2.ome.tif"],
  },
  { name: "ometiff-companion", files: companionSet("set", ["a.ome.tif", "b.ome.tif"]) },
  {
    name: "ometiff-companion-unnamed-binary",
    note: "a binary-only OME-TIFF that the companion does not name",
    files: {
      ...companionSet("set", ["a.ome.tif", "b.ome.tif"]),
      "c.ome.tif": binaryOnlyTiff("set.companion.ome", uuid(9)),
    },
  },
  {
    name: "ometiff-companion-missing",
    files: without(companionSet("set", ["a.ome.tif", "b.ome.tif"]), "b.ome.tif"),
    missingOnPurpose: ["b.ome.tif"],
  },
  {
    name: "ometiff-companion-stray-tiff",
    files: { ...companionSet("set", ["a.ome.tif", "b.ome.tif"]), "notes.tif": tiff() },
  },
  {
    name: "ometiff-binary-alone",
    files: { "a.ome.tif": binaryOnlyTiff("set.companion.ome", uuid(1)) },
  },
];
