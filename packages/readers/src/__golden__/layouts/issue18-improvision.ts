/** Improvision/Volocity TIFF sets (ImprovisionTiffReader): MultiFileTIFF=Yes files sharing a SampleUUID. */
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const comment = (uuid: string, channel: number, multi = true) =>
  [
    "Improvision Tiff Version=2.0",
    `SampleUUID=${uuid}`,
    `MultiFileTIFF=${multi ? "Yes" : "No"}`,
    "TotalZPlanes=1",
    "TotalChannels=2",
    "TotalTimepoints=1",
    `ChannelName=C${channel}`,
    `ChannelNo=${channel}`,
    "ZPlane=0",
    "TimepointName=0",
    "",
  ].join("\r\n");

export const layouts: GoldenLayout[] = [
  {
    name: "improvision-two-samples",
    note: "issue 18 (split): two channel TIFFs of one sample, and another sample's",
    files: {
      "sample_c1.tif": tiff({ description: comment("{AAAA-1}", 1) }),
      "sample_c2.tif": tiff({ description: comment("{AAAA-1}", 2) }),
      "other_c1.tif": tiff({ description: comment("{BBBB-2}", 1) }),
      "other_c2.tif": tiff({ description: comment("{BBBB-2}", 2) }),
    },
  },
];
