/** Micro-Manager (MicromanagerReader): metadata.txt / <prefix>_metadata.txt with FileName keys, Pos_* folders. */
import { tiff } from "../make/tiff";
import { mmAcquisition, mmMetadata, mmPlanes } from "../make/micromanager";
import { omeTiffSet } from "../make/ome";
import type { GoldenLayout } from "../types";

const planes = mmPlanes(["DAPI", "GFP"], 2);

export const layouts: GoldenLayout[] = [
  { name: "mm-whole", files: mmAcquisition("run1") },
  {
    name: "mm-snapshot-unlisted",
    note: "a snapshot TIFF that metadata.txt does not list",
    files: { ...mmAcquisition("run1"), "run1/snapshot.tif": tiff() },
  },
  {
    name: "mm-listed-missing",
    files: (() => {
      const f = mmAcquisition("run1");
      delete f[`run1/${planes[3]!.file}`];
      return f;
    })(),
    missingOnPurpose: [`run1/${planes[3]!.file}`],
  },
  {
    name: "mm-positions",
    files: { ...mmAcquisition("acq/Pos_0"), ...mmAcquisition("acq/Pos_1") },
  },
  {
    name: "mm-prefix-metadata",
    files: (() => {
      const f = mmAcquisition("run1");
      f["run1/img_metadata.txt"] = f["run1/metadata.txt"]!;
      delete f["run1/metadata.txt"];
      f["run1/other.tif"] = tiff();
      return f;
    })(),
  },
  {
    name: "mm-no-filenames",
    files: (() => {
      const f = mmAcquisition("run1");
      f["run1/metadata.txt"] = String(f["run1/metadata.txt"]).replace(/\s*"FileName": "[^"]*",/g, "");
      return f;
    })(),
  },
  {
    name: "mm-no-filenames-snapshot",
    files: (() => {
      const f = mmAcquisition("run1");
      f["run1/metadata.txt"] = String(f["run1/metadata.txt"]).replace(/\s*"FileName": "[^"]*",/g, "");
      f["run1/snapshot.tif"] = tiff();
      return f;
    })(),
  },
  {
    name: "mm-acqusition-xml",
    files: { ...mmAcquisition("run1"), "run1/Acqusition.xml": "<micro-manager/>" },
  },
  {
    name: "mm-positions-stray",
    files: {
      ...mmAcquisition("acq/Pos_0"),
      ...mmAcquisition("acq/Pos_1"),
      "acq/Pos_1/snap.tif": tiff(),
      "acq/overview.tif": tiff(),
    },
  },
  {
    name: "mm-mmstack-ome",
    note: "Micro-Manager 2 MMStack: an OME-TIFF and its <prefix>_metadata.txt",
    files: {
      ...omeTiffSet("cells", ["run2/cells_MMStack_Pos0.ome.tif"]),
      "run2/cells_MMStack_Pos0_metadata.txt": mmMetadata(["DAPI"], 1, 1, [
        { t: 0, c: 0, z: 0, file: "cells_MMStack_Pos0.ome.tif" },
      ]),
    },
  },
  {
    name: "mm-unlisted-ome-tiff",
    files: { ...mmAcquisition("run1"), ...omeTiffSet("extra", ["run1/extra.ome.tif"]) },
  },
  {
    name: "mm-spaces-unicode",
    files: mmAcquisition("Zellen Ä run"),
  },
];
void mmMetadata;
