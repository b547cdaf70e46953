/** Micro-Manager (MicromanagerReader): metadata.txt / <prefix>_metadata.txt with FileName keys, Pos_* folders. */
import { tiff } from "../make/tiff";
import { mmAcquisition as acquisition, mmMetadata, mmNames } from "../make/mm-acquisition";
import { under } from "../make/files";
import { omeTiffSet } from "../make/ome";
import type { GoldenLayout } from "../types";

/** An acquisition of `channels` x `frames` under `dir` (MM 1.4 names, FileName keys). */
const mmAcquisition = (dir: string, channels = ["DAPI", "GFP"], frames = 2) =>
  acquisition(`${dir}/`, { channels, frames });
const planes = mmNames({ channels: ["DAPI", "GFP"], frames: 2 }).map((file) => ({ file }));

export const layouts: GoldenLayout[] = [
  { name: "mmgr-whole", files: mmAcquisition("run1") },
  {
    name: "mmgr-snapshot-unlisted",
    note: "a snapshot TIFF that metadata.txt does not list",
    files: { ...mmAcquisition("run1"), "run1/snapshot.tif": tiff() },
  },
  {
    name: "mmgr-snapshot-walked-first",
    note: "Snap.tif sorts before the planes: OMERO's candidate scan opens the set through it and imports nothing",
    files: { ...mmAcquisition("run1"), "run1/Snap.tif": tiff() },
  },
  {
    name: "mmgr-listed-missing",
    files: (() => {
      const f = mmAcquisition("run1");
      delete f[`run1/${planes[3]!.file}`];
      return f;
    })(),
    missingOnPurpose: [`run1/${planes[3]!.file}`],
  },
  {
    name: "mmgr-positions",
    files: { ...mmAcquisition("acq/Pos_0"), ...mmAcquisition("acq/Pos_1") },
  },
  {
    name: "mmgr-prefix-metadata",
    files: (() => {
      const f = mmAcquisition("run1");
      f["run1/img_metadata.txt"] = f["run1/metadata.txt"]!;
      delete f["run1/metadata.txt"];
      f["run1/other.tif"] = tiff();
      return f;
    })(),
  },
  {
    name: "mmgr-no-filenames",
    files: (() => {
      const f = mmAcquisition("run1");
      f["run1/metadata.txt"] = String(f["run1/metadata.txt"]).replace(/\s*"FileName": "[^"]*",/g, "");
      return f;
    })(),
  },
  {
    name: "mmgr-no-filenames-snapshot",
    files: (() => {
      const f = mmAcquisition("run1");
      f["run1/metadata.txt"] = String(f["run1/metadata.txt"]).replace(/\s*"FileName": "[^"]*",/g, "");
      f["run1/snapshot.tif"] = tiff();
      return f;
    })(),
  },
  {
    name: "mmgr-acqusition-xml",
    files: { ...mmAcquisition("run1"), "run1/Acqusition.xml": "<micro-manager/>" },
  },
  {
    name: "mmgr-positions-stray",
    files: {
      ...mmAcquisition("acq/Pos_0"),
      ...mmAcquisition("acq/Pos_1"),
      "acq/Pos_1/snap.tif": tiff(),
      "acq/overview.tif": tiff(),
    },
  },
  {
    name: "mmgr-mmstack-ome",
    note: "Micro-Manager 2 MMStack: an OME-TIFF and its <prefix>_metadata.txt",
    files: {
      ...under("run2", omeTiffSet("cells", ["cells_MMStack_Pos0.ome.tif"])),
      "run2/cells_MMStack_Pos0_metadata.txt": mmMetadata({ frames: 1, names: ["cells_MMStack_Pos0.ome.tif"] }),
    },
  },
  {
    name: "mmgr-unlisted-ome-tiff",
    files: { ...mmAcquisition("run1"), ...under("run1", omeTiffSet("extra", ["extra.ome.tif"])) },
  },
  {
    name: "mmgr-upper-case-metadata",
    note: "METADATA.TXT is not MicromanagerReader's name (exact case)",
    files: (() => {
      const f = mmAcquisition("run1");
      f["run1/METADATA.TXT"] = f["run1/metadata.txt"]!;
      delete f["run1/metadata.txt"];
      return f;
    })(),
  },
  {
    name: "mmgr-two-sets",
    files: { ...mmAcquisition("day1/a"), ...mmAcquisition("day1/b", ["Cy5"], 3), "day1/loose.tif": tiff() },
  },
  {
    name: "mmgr-spaces-unicode",
    files: mmAcquisition("Zellen Ä run"),
  },
];
