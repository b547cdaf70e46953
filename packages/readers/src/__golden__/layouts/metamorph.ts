/** MetaMorph (MetamorphReader): a `.nd` and the planes its keys name. */
import { tiff } from "../make/tiff";
import { metamorphNd } from "../../__fixtures__/formats";
import { under, without } from "../make/files";
import { fromFixture } from "../make/fixture";
import { ndSet } from "../make/metamorph";
import type { GoldenLayout } from "../types";

const nd = fromFixture(metamorphNd().files);

export const layouts: GoldenLayout[] = [
  { name: "mmnd-whole", files: nd },
  {
    name: "mmnd-overview",
    note: "an overview TIFF beside the .nd",
    files: { ...nd, "run1_overview.tif": tiff() },
  },
  { name: "mmnd-overview-plain", files: { ...nd, "overview.tif": tiff() } },
  {
    name: "mmnd-plane-missing",
    files: without(nd, "run1_w2GFP -ex-_s2_t2.TIF"),
    missingOnPurpose: ["run1_w2GFP -ex-_s2_t2.TIF"],
  },
  { name: "mmnd-planes-alone", files: without(nd, "run1.nd") },
  {
    name: "mmnd-two-sets",
    files: { ...ndSet("cellsA", { waves: ["DAPI", "GFP"], times: 2 }), ...ndSet("cellsB", { stages: 2 }) },
  },
  { name: "mmnd-upper-case", files: ndSet("RUN2", { waves: ["DAPI"], stages: 2 }) },
  { name: "mmnd-spaces-unicode", files: under("Zellen ä", ndSet("my run", { waves: ["FITC"], times: 2 })) },
  {
    name: "mmnd-single-plane",
    note: "an .nd with no wave, stage or time: its plane is <base>.TIF",
    files: ndSet("solo", {}),
  },
  {
    name: "mmnd-prefix-overlap",
    note: "exp.nd and exp_2.nd: each plane goes to the .nd with the longest common start",
    files: { ...ndSet("exp", { waves: ["DAPI"], stages: 1 }), ...ndSet("exp_2", { waves: ["DAPI"], stages: 1 }) },
  },
];
