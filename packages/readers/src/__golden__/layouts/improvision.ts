/** ImprovisionTiffReader: multi-file TIFF sets grouped by SampleUUID, taken whole only when every plane is there. */
import { improvisionSet, improvisionTiff } from "../make/improvision";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const under = (dir: string, files: Record<string, Buffer | string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));
const without = (files: Record<string, Buffer>, name: string) =>
  Object.fromEntries(Object.entries(files).filter(([k]) => k !== name));

export const layouts: GoldenLayout[] = [
  {
    name: "improvision-set",
    note: "three channels x two z of one sample: one fileset",
    files: under("vol", improvisionSet("cells", { z: 2, c: 3, t: 1 })),
  },
  {
    name: "improvision-samples-and-plain",
    note: "two samples (SampleUUID) in one folder, and a plain TIFF",
    files: under("two", {
      ...improvisionSet("a", { z: 1, c: 2, t: 1 }),
      ...improvisionSet("b", { z: 1, c: 2, t: 1 }),
      "plain.tif": tiff(),
    }),
  },
  {
    name: "improvision-partial",
    note: "a plane missing: ImprovisionTiffReader opens each present file alone",
    files: under("part", without(improvisionSet("p", { z: 1, c: 3, t: 1 }), "p_z1_c3_t1.tif")),
  },
  {
    name: "improvision-single",
    note: "MultiFileTIFF absent: one file",
    files: { "one/x.tif": improvisionTiff({ multi: false, totals: { z: 1, c: 1, t: 1 }, z: 1, c: 1, t: 1 }) },
  },
  {
    name: "improvision-upper",
    note: "upper-case suffixes and spaces",
    files: Object.fromEntries(
      Object.entries(improvisionSet("Probe 1 µ", { z: 1, c: 2, t: 1 })).map(([k, v]) => [
        `Up Ä/${k.replace(/\.tif$/, ".TIF")}`,
        v,
      ]),
    ),
  },
];
