/** BioRadReader: `.pic` + `lse.xml` (every `.pic` of the folder), `data.raw`, AXIS_9 multi-file sets. */
import { lseXml, pic } from "../make/biorad";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "biorad-lse",
    note: "LaserSharp: lse.xml and three .pic files: one fileset",
    files: { "ls/lse.xml": lseXml(), "ls/cell01.pic": pic(), "ls/cell02.pic": pic(), "ls/cell03.pic": pic() },
  },
  {
    name: "biorad-single",
    note: "two .pic files without lse.xml: one fileset each",
    files: { "s/a.pic": pic({ planes: 2 }), "s/b.pic": pic() },
  },
  {
    name: "biorad-lse-stray",
    note: "lse.xml with .pic files, a stray TIFF and an upper-case .PIC",
    files: { "st/lse.xml": lseXml(), "st/x.pic": pic(), "st/Y.PIC": pic(), "st/other.tif": tiff() },
  },
  {
    name: "biorad-spaces",
    note: "names with spaces and Unicode, lse.xml",
    files: { "Bild ü/lse.xml": lseXml(), "Bild ü/Schnitt 1.pic": pic(), "Bild ü/Schnitt 2.pic": pic() },
  },
  {
    name: "biorad-lse-alone",
    note: "lse.xml without any .pic: BioRadReader fails",
    files: { "la/lse.xml": lseXml() },
  },
];
