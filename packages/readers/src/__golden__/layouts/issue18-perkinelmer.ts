/** PerkinElmer UltraVIEW (PerkinElmerReader): <name>.htm + .tim/.csv/.zpo + <name>_NNNN_NNN.tif planes. */
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const HTM =
  "<HTML><HEAD><title>UltraVIEW</title></HEAD><body>" +
  "<p>Image Width<p>4<p>Image Length<p>4<p>Number of slices<p>1" +
  "<p>Experiment details:<p>1 Wavelengths 2 Frames 1 Slices</body></HTML>";

const set = (name: string) => ({
  [`${name}.htm`]: HTM,
  [`${name}.tim`]: "2 0 0 1 0 um 0.1 0.1 4 4 0 8 X 0 8 Y 0 8 Z\n",
  [`${name}.csv`]: "um 0.1 0.1 1.0\n",
  [`${name}.zpo`]: "0.0\n",
  [`${name}_0000_001.tif`]: tiff(),
  [`${name}_0001_001.tif`]: tiff(),
});

export const layouts: GoldenLayout[] = [
  { name: "perkinelmer-set", note: "issue 18 (split): .htm + .tim/.csv/.zpo + TIFFs", files: set("cells") },
];
