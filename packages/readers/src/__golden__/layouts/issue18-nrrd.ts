/** NRRD (NRRDReader): a detached header .nhdr and its data file; a single .nrrd. */
import type { GoldenLayout } from "../types";

const header = (data?: string) =>
  `NRRD0004\ntype: uchar\ndimension: 2\nsizes: 4 4\nencoding: raw\nendian: little\n${data ? `data file: ${data}\n` : ""}\n`;

export const layouts: GoldenLayout[] = [
  {
    name: "nrrd-nhdr-raw",
    note: "issue 18 (split): a .nhdr naming its data file",
    files: { "vol.nhdr": header("vol.raw"), "vol.raw": Buffer.alloc(16) },
  },
  {
    name: "nrrd-detached-other-name",
    files: { "head.nhdr": header("pixels.dat"), "pixels.dat": Buffer.alloc(16) },
  },
  { name: "nrrd-single", files: { "one.nrrd": Buffer.concat([Buffer.from(header(), "latin1"), Buffer.alloc(16)]) } },
];
