/** PerkinElmer Vectra (VectraReader): a .qptiff with its companions (`*_annotations.xml`, Label.tif, Overview*.tif ...). */
import { tiffOf } from "../make/tiff";
import type { GoldenLayout } from "../types";

const desc = (type: string, name: string) =>
  `<?xml version="1.0" encoding="utf-16"?><PerkinElmer-QPI-ImageDescription><DescriptionVersion>2</DescriptionVersion>` +
  `<ImageType>${type}</ImageType><Name>${name}</Name></PerkinElmer-QPI-ImageDescription>`;

/** Two full-resolution channels, then a smaller thumbnail (VectraReader counts channels by size). */
const qptiff = () =>
  tiffOf([
    { width: 8, height: 8, software: "PerkinElmer-QPI 1.0", description: desc("FullResolution", "DAPI") },
    { width: 8, height: 8, description: desc("FullResolution", "FITC") },
    { width: 4, height: 4, description: desc("Thumbnail", "Thumbnail") },
  ]);

export const layouts: GoldenLayout[] = [
  {
    name: "vectra-companions",
    note: "issue 18 (split): the QPTIFF's annotations and overview/label TIFFs",
    files: {
      "slide.qptiff": qptiff(),
      "slide_annotations.xml": `<?xml version="1.0"?>\n<Annotations/>\n`,
      "Label.tif": tiffOf([{ width: 4, height: 4 }]),
      "OverviewBF.tif": tiffOf([{ width: 4, height: 4 }]),
    },
  },
  { name: "vectra-qptiff-alone", files: { "scan.qptiff": qptiff() } },
];
