/** MetaMorph (MetamorphReader): a .nd and the plane names it computes. */
import { metamorphNd } from "../../__fixtures__/formats";
import { fromFixture } from "../make/fixture";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const nd = () => fromFixture(metamorphNd().files);

export const layouts: GoldenLayout[] = [
  { name: "metamorph-nd", files: nd() },
  {
    name: "metamorph-overview",
    note: "issue 18 (swallowed): an overview TIFF beside the .nd",
    files: { ...nd(), "run1_overview.tif": tiff(), "overview.tif": tiff() },
  },
  {
    name: "metamorph-plane-alone",
    note: "planes named like a MetaMorph set without their .nd",
    files: fromFixture(metamorphNd().files, "", (p) => p.endsWith(".nd")),
  },
];
