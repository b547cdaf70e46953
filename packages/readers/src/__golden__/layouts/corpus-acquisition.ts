/**
 * Independent corpus (readers-d): acquisition software that writes a metadata file beside its planes:
 * Micro-Manager 1.4 (Pos_* folders, display_and_comments.txt, two acquisitions under one day) and 2.0
 * (MMStack OME-TIFFs), MetaMorph .nd (stage positions, time-lapse, thumbnails, an overview scan) and
 * OME-TIFF companions (binary-only sets, a companion naming a file that is not there).
 */
import { under } from "../make/files";
import { mmAcquisition } from "../make/mm-acquisition";
import { ndSet } from "../make/metamorph";
import { binaryOnly, companion, omeTiffSet, omeXml, uuidOf } from "../make/ome";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const displayComments = `{\n  "Channels": [{"Color": -16776961, "Name": "DAPI"}],\n  "Comments": {"Summary": ""}\n}\n`;

/** MM 2.0 MMStack files: OME-TIFFs whose OME-XML (in each file) names every position's file; tag 51123. */
function mmStack(prefix: string, positions: number): Record<string, Buffer> {
  const files = Array.from({ length: positions }, (_, p) => `${prefix}_MMStack_Pos${p}.ome.tif`);
  return Object.fromEntries(
    files.map((f) => [f, tiff({ description: omeXml({ name: prefix, files, uuid: uuidOf(f) }), extraTags: [51123] })]),
  );
}

export const layouts: GoldenLayout[] = [
  {
    name: "c-mm14-positions-comments",
    note: "Micro-Manager 1.4 multi-position: acq_1/Pos_0, Pos_1 with metadata.txt, display_and_comments.txt at the top",
    files: {
      "acq_1/display_and_comments.txt": displayComments,
      ...mmAcquisition("acq_1/Pos_0/", { channels: ["DAPI", "GFP"], frames: 2 }),
      ...mmAcquisition("acq_1/Pos_1/", { channels: ["DAPI", "GFP"], frames: 2 }),
    },
  },
  {
    name: "c-mm14-two-acquisitions",
    note: "one day's folder with two acquisitions and a snapshot saved beside them",
    files: {
      ...mmAcquisition("day 3/acq_1/", { frames: 2 }),
      ...mmAcquisition("day 3/acq_2/", { frames: 3 }),
      "day 3/Snap-001.tif": tiff(),
    },
  },
  {
    name: "c-mm14-comments-beside",
    note: "one acquisition folder with display_and_comments.txt beside metadata.txt",
    files: { ...mmAcquisition("", { channels: ["Cy5"], frames: 2 }), "display_and_comments.txt": displayComments },
  },
  {
    name: "c-mm20-mmstack-positions",
    note: "Micro-Manager 2.0: run_1/run_MMStack_Pos0..2.ome.tif and DisplaySettings.json",
    files: under("run_1", {
      ...mmStack("run", 3),
      "DisplaySettings.json": `{"map":{"Channels":[]}}\n`,
    }),
  },
  {
    name: "c-mm20-mmstack-one-missing",
    note: "Micro-Manager 2.0 with one position's file not copied: held whole",
    files: (() => {
      const f = mmStack("scan", 2);
      delete f["scan_MMStack_Pos1.ome.tif"];
      return f;
    })(),
    missingOnPurpose: ["scan_MMStack_Pos1.ome.tif"],
  },
  {
    name: "c-metamorph-stage-positions",
    note: "MetaMorph multi-dimensional acquisition: 2 wavelengths x 3 stage positions, with a journal log",
    files: {
      ...ndSet("expt1", { waves: ["DAPI", "FITC"], stages: 3 }),
      "expt1.log": "Journal: Multi Dimensional Acquisition\r\n",
    },
  },
  {
    name: "c-metamorph-timelapse-thumbs",
    note: "a time-lapse .nd with the _thumb planes MetaMorph writes beside each plane",
    files: (() => {
      const set = ndSet("tl", { waves: ["GFP"], times: 3 });
      for (const k of Object.keys(set))
        if (k.endsWith(".TIF")) set[k.replace(".TIF", "_thumb.TIF")] = tiff({ width: 2, height: 2 });
      return set;
    })(),
  },
  {
    name: "c-metamorph-scan-overview",
    note: "a .nd with stage positions and the stitched overview the operator saved beside it",
    files: { ...ndSet("slide2", { stages: 2 }), "slide2_overview.TIF": tiff({ width: 16, height: 16 }) },
  },
  {
    name: "c-metamorph-two-nd-one-folder",
    note: "two .nd experiments sharing a folder, names prefixed alike (run1, run10)",
    files: { ...ndSet("run1", { waves: ["DAPI"] }), ...ndSet("run10", { waves: ["DAPI"] }) },
  },
  {
    name: "c-ome-companion-two-sets",
    note: "two companion OME-XML sets of binary-only OME-TIFFs in one folder",
    files: {
      ...companion("wellA", ["wellA_z0.ome.tif", "wellA_z1.ome.tif"]),
      ...companion("wellB", ["wellB_z0.ome.tif", "wellB_z1.ome.tif"]),
    },
  },
  {
    name: "c-ome-companion-subfolder-files",
    note: "a companion at the top naming binary-only OME-TIFFs in a data/ folder",
    files: (() => {
      const meta = "stack.companion.ome";
      const files = ["data/stack_0.ome.tif", "data/stack_1.ome.tif"];
      return {
        [meta]: omeXml({ name: "stack", files, uuid: uuidOf(meta) }),
        ...Object.fromEntries(files.map((f) => [f, tiff({ description: binaryOnly(`../${meta}`, uuidOf(f)) })])),
      };
    })(),
  },
  {
    name: "c-ome-tiff-set-upper",
    note: "a multi-file OME-TIFF written with upper-case .OME.TIF names and a space",
    files: omeTiffSet("t series", ["t series_T0.OME.TIF", "t series_T1.OME.TIF"]),
  },
  {
    name: "c-ome-binary-only-orphan",
    note: "a binary-only OME-TIFF whose companion was never copied",
    files: { "lost_0.ome.tif": tiff({ description: binaryOnly("lost.companion.ome", uuidOf("lost_0.ome.tif")) }) },
  },
];
