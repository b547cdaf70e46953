/** Mixed folders of the family rules' readers (readers-b): several sets side by side, broken and stray files. */
import { lseXml, pic } from "../make/biorad";
import { makeDicom } from "../make/dicom";
import { fujiInf, imagicHed, vff } from "../make/headers";
import { improvisionSet } from "../make/improvision";
import { nrrdHeader, nrrdRaw } from "../make/nrrd";
import { perkinElmerSet } from "../make/perkinelmer";
import { prairieSet } from "../make/prairie";
import { tiff } from "../make/tiff";
import { annotations, qptiff } from "../make/vectra";
import type { GoldenLayout } from "../types";

const under = (dir: string, files: Record<string, Buffer | string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));

export const layouts: GoldenLayout[] = [
  {
    name: "mixed-core-facility",
    note: "one user folder: a DICOM series, a Prairie T-series, an NRRD pair and a plain TIFF in sub-folders",
    files: {
      ...under("user/ct", { "IM1.dcm": makeDicom({ instance: 1 }), "IM2.dcm": makeDicom({ instance: 2 }) }),
      ...under("user/2p", prairieSet({ base: "TSeries-020", frames: 2 })),
      ...under("user/seg", { "labels.nhdr": nrrdHeader("labels.raw"), "labels.raw": nrrdRaw() }),
      "user/overview.tif": tiff(),
    },
  },
  {
    name: "mixed-one-folder",
    note: "one folder holding a DICOM series, an NRRD pair, a Bio-Rad lse.xml set and an Imagic pair",
    files: under("all", {
      "s1.dcm": makeDicom({ series: 5, instance: 1 }),
      "s2.dcm": makeDicom({ series: 5, instance: 2 }),
      "vol.nhdr": nrrdHeader("vol.raw"),
      "vol.raw": nrrdRaw(),
      "lse.xml": lseXml(),
      "z01.pic": pic(),
      "z02.pic": pic(),
      "stack.hed": imagicHed(),
      "stack.img": Buffer.alloc(64),
    }),
  },
  {
    name: "mixed-dicom-broken",
    note: "a series beside a .dcm of zeros and a report",
    files: under("br", {
      "a.dcm": makeDicom({ series: 9, instance: 1 }),
      "b.dcm": makeDicom({ series: 9, instance: 2 }),
      "zeros.dcm": Buffer.alloc(2048),
      "report.txt": "Report\n",
    }),
  },
  {
    name: "mixed-tiff-families",
    note: "a QPTIFF with its annotations and an Improvision sample in one folder, and a plain TIFF",
    files: under("tf", {
      "slide.qptiff": qptiff(),
      "slide_annotations.xml": annotations(),
      ...improvisionSet("vol", { z: 1, c: 2, t: 1 }),
      "plain.tif": tiff(),
    }),
  },
  {
    name: "mixed-pe-fuji-vff",
    note: "a PerkinElmer set, a Fuji pair and a MicroCT volume in sibling folders",
    files: {
      ...under("lab/uv", perkinElmerSet({ base: "embryo", planes: 2 })),
      ...under("lab/blot", { "gel.inf": fujiInf(), "gel.img": Buffer.alloc(128) }),
      ...under("lab/ct", { "bone.vff": vff(), "bone.log": "Voxel=10\r\n" }),
    },
  },
];
