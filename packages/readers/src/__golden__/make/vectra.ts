/**
 * PerkinElmer Vectra / Polaris QPTIFF (VectraReader): a TIFF whose Software starts "PerkinElmer-QPI", one
 * full-resolution IFD per channel (same size) and a smaller thumbnail IFD (VectraReader counts channels
 * while the next IFD has the first one's size, so the last IFD must differ). Companions: `*_annotations.xml`
 * and the fixed names of VectraReader.EXTRA_FILES.
 */
import { makeTiff } from "../../__fixtures__/make-tiff";
import type { IfdSpec } from "../../__fixtures__/make-tiff";
import { tiff } from "./tiff";

function desc(type: string, name: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<PerkinElmer-QPI-ImageDescription>
<DescriptionVersion>2</DescriptionVersion>
<ImageType>${type}</ImageType>
<Name>${name}</Name>
</PerkinElmer-QPI-ImageDescription>`;
}

/** A QPTIFF with `channels` full-resolution planes and a thumbnail. */
export function qptiff(channels = 2): Buffer {
  const ifd = (w: number, type: string, name: string, first: boolean): IfdSpec => ({
    width: w,
    height: w,
    strips: [w * w],
    shortTags: [
      [259, 1],
      [262, 1],
      [278, w],
    ],
    description: desc(type, name),
    ...(first ? { software: "PerkinElmer-QPI" } : {}),
  });
  const ifds = Array.from({ length: channels }, (_, c) => ifd(16, "FullResolution", `Channel ${c + 1}`, c === 0));
  ifds.push(ifd(8, "Thumbnail", "Thumbnail", false));
  return makeTiff({ littleEndian: true, ifds });
}

/** The files VectraReader attaches from the QPTIFF's folder. */
export const VECTRA_EXTRA = [
  "CoverslipMask.tif",
  "FocusMap.tif",
  "Label.tif",
  "OverviewBF.tif",
  "OverviewFL.tif",
  "SampleMask.tif",
];

export const annotations = (): string => `<?xml version="1.0" encoding="utf-8"?>\n<Annotations>\n</Annotations>\n`;

export { tiff };
