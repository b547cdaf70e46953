/** MetaMorph (MetamorphReader): a `.nd` and the planes its keys name. */
import { tiff } from "../make/tiff";
import { metamorphNd } from "../../__fixtures__/formats";
import { filesOf, without } from "../make/files";
import type { GoldenLayout } from "../types";

const nd = filesOf(metamorphNd().files);

export const layouts: GoldenLayout[] = [
  { name: "metamorph-whole", files: nd },
  {
    name: "metamorph-overview",
    note: "an overview TIFF beside the .nd",
    files: { ...nd, "run1_overview.tif": tiff() },
  },
  { name: "metamorph-overview-plain", files: { ...nd, "overview.tif": tiff() } },
  {
    name: "metamorph-plane-missing",
    files: without(nd, "run1_w2GFP -ex-_s2_t2.TIF"),
    missingOnPurpose: ["run1_w2GFP -ex-_s2_t2.TIF"],
  },
  { name: "metamorph-planes-alone", files: without(nd, "run1.nd") },
];
