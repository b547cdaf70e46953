/** Header + data pairs: Imagic, JEOL, Unisoku, PDS, Fuji, Inveon, PCO-RAW (header-pairs.ts). */
import { fujiInf, imagicHed, inveonHdr, jeolImage, pdsHdr, unisokuHdr } from "../make/headers";
import { spcData, spcSet } from "../make/spc";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const raw = (n = 64) => Buffer.alloc(n);

export const layouts: GoldenLayout[] = [
  { name: "imagic-pair", files: { "im/particles.hed": imagicHed(8, 8, 2), "im/particles.img": raw(128) } },
  {
    name: "imagic-missing",
    note: "the .img not there yet",
    files: { "im2/stack.hed": imagicHed() },
    missingOnPurpose: ["im2/stack.img"],
  },
  {
    name: "imagic-upper",
    note: "X.HED opens X.img (lower case), which is not there: ImagicReader fails",
    files: { "im3/STACK.HED": imagicHed(), "im3/STACK.IMG": raw() },
  },
  {
    name: "jeol-im-par",
    note: "a JEOL IM image with its .PAR",
    files: { "je/scan1.IMG": jeolImage(), "je/scan1.PAR": "parameters\n" },
  },
  {
    name: "jeol-lower-par",
    note: "a lower-case .par beside .img: JEOL looks for .IMG/.DAT and .PAR",
    files: { "je2/scan2.img": jeolImage(), "je2/scan2.par": "parameters\n" },
  },
  {
    name: "unisoku-pair",
    files: { "un/tip 1.HDR": unisokuHdr(), "un/tip 1.DAT": raw() },
  },
  {
    name: "pds-pair",
    files: { "pd/gel.hdr": pdsHdr(), "pd/gel.img": raw(128) },
  },
  {
    name: "pds-upper",
    files: { "pd2/GEL.HDR": pdsHdr(), "pd2/GEL.IMG": raw(128) },
  },
  {
    name: "fuji-pair",
    files: { "fu/blot.inf": fujiInf(), "fu/blot.img": raw(128) },
  },
  {
    name: "fuji-stray",
    note: "a Fuji pair and an .img without .inf",
    files: { "fu2/blot.inf": fujiInf(), "fu2/blot.img": raw(128), "fu2/other.img": raw(128) },
  },
  {
    name: "inveon-pair",
    files: { "iv/mouse.ct.img": raw(128), "iv/mouse.ct.img.hdr": inveonHdr("mouse.ct.img") },
  },
  {
    name: "inveon-renamed",
    note: "the header names a data file that was renamed: the name it starts with is taken",
    files: { "iv2/scan7.img": raw(128), "iv2/scan7.img.hdr": inveonHdr("C:\\data\\original.img") },
  },
  {
    name: "pcoraw-pair",
    files: { "pco/run 1.pcoraw": tiff(), "pco/run 1.rec": "Exposure: 10 ms\n" },
  },
  {
    name: "pcoraw-alone",
    files: { "pco2/run2.pcoraw": tiff() },
  },
  {
    name: "spc-pair",
    note: "Becker & Hickl FIFO image: .spc photons + .set setup",
    files: { "bh/cell 1.spc": spcData(), "bh/cell 1.set": spcSet() },
  },
  {
    name: "spc-upper",
    note: "X.SPC: SPCReader looks for X.spc and X.set (lower case) and refuses it",
    files: { "bh2/CELL.SPC": spcData(), "bh2/CELL.SET": spcSet() },
  },
];
