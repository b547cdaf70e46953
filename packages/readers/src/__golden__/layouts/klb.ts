/** KLBReader: a single .klb, and SiMView time-fused folders (channels x timepoints x projections). */
import { klb, simviewTree } from "../make/klb";
import type { GoldenLayout } from "../types";

const under = (dir: string, files: Record<string, Buffer | string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));

export const layouts: GoldenLayout[] = [
  { name: "klb-single", files: { "k/stack.klb": klb(), "k/other.klb": klb() } },
  { name: "klb-simview", note: "two timepoints, two channels", files: under("sv", simviewTree("Embryo", 2, 2)) },
  {
    name: "klb-simview-projections",
    note: "one timepoint with xy/xz/yz projections (one series each)",
    files: under("pj", simviewTree("Fly", 1, 1, ["xy", "xz", "yz"])),
  },
];
