/** Leica LIF (LIFReader.getSeriesUsedFiles): the .lif and, beside it, `<series name>.xml`, LeicaLogo.jpg, LASAF_CIP.xsl. */
import { lif } from "../make/lif";
import type { GoldenLayout } from "../types";

const jpeg = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9,
]);

export const layouts: GoldenLayout[] = [
  { name: "lif-alone", files: { "exp.lif": lif(["Image 1", "Image 2"]) } },
  {
    name: "lif-las-export",
    note: "LAS exports an XML per series and the logo and stylesheet beside the .lif",
    files: {
      "exp.lif": lif(["Image 1", "Image 2"]),
      "Image 1.xml": "<Data/>",
      "Image 2.xml": "<Data/>",
      "LeicaLogo.jpg": jpeg,
      "LASAF_CIP.xsl": "<xsl:stylesheet/>",
      "notes.xml": "<Data/>",
    },
  },
  {
    name: "lif-two-with-series-xml",
    files: {
      "a.lif": lif(["Series001"]),
      "b.lif": lif(["Series002", "Series003"]),
      "Series001.xml": "<Data/>",
      "Series003.xml": "<Data/>",
    },
  },
];
