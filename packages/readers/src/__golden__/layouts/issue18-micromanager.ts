/** Micro-Manager (MicromanagerReader): metadata.txt and the TIFFs its FileName keys name. */
import { mmAcquisition } from "../make/mm-acquisition";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "mm-basic", files: mmAcquisition("") },
  { name: "mm-two-channels", files: mmAcquisition("", { channels: ["DAPI", "GFP"], frames: 2 }) },
  {
    name: "mm-snapshot",
    note: "issue 18 (swallowed): a snapshot TIFF the metadata.txt does not list",
    files: { ...mmAcquisition(""), "snapshot.tif": tiff() },
  },
  {
    name: "mm-prefix-metadata",
    files: mmAcquisition("", { metadataName: "acq_metadata.txt" }),
  },
  {
    name: "mm-positions",
    files: { ...mmAcquisition("Pos_0/"), ...mmAcquisition("Pos_1/") },
  },
  {
    name: "mm-no-filenames",
    note: "no FileName keys: the reader takes every TIFF of the folder",
    files: mmAcquisition("", { fileNames: false }),
  },
  {
    name: "mm-in-subfolder",
    files: { ...mmAcquisition("run 1/"), "other.tif": tiff() },
  },
  {
    name: "mm-missing-listed",
    note: "a TIFF metadata.txt lists is not there",
    files: (() => {
      const f = mmAcquisition("", { frames: 3 });
      delete f["img_000000002_DAPI_000.tif"];
      return f;
    })(),
    missingOnPurpose: ["img_000000002_DAPI_000.tif"],
  },
];
