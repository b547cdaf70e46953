/** Micro-Manager 1.4 acquisitions: metadata.txt (one key a line, as MicromanagerReader.parsePosition reads it) and its TIFFs. Pure. */
import { tiff } from "./tiff";

export interface MmOptions {
  prefix?: string;
  channels?: string[];
  frames?: number;
  /** Write FileName keys (default true); without them the reader takes every TIFF of the folder. */
  fileNames?: boolean;
  /** The FileName of each frame x channel instead of MM 1.4's names (e.g. one MMStack OME-TIFF). */
  names?: string[];
}

/** TIFF names MM 1.4 writes: img_<frame 9 digits>_<channel>_<slice 3 digits>.tif */
export function mmNames(o: MmOptions = {}): string[] {
  if (o.names) return o.names;
  const out: string[] = [];
  for (let t = 0; t < (o.frames ?? 2); t++)
    for (const c of o.channels ?? ["DAPI"]) out.push(`img_${String(t).padStart(9, "0")}_${c}_000.tif`);
  return out;
}

/** metadata.txt text for the acquisition. */
export function mmMetadata(o: MmOptions = {}): string {
  const channels = o.channels ?? ["DAPI"];
  const frames = o.frames ?? 2;
  const lines = [
    "{",
    `  "Summary": {`,
    `    "Slices": 1,`,
    `    "Channels": ${channels.length},`,
    `    "Frames": ${frames},`,
    `    "Positions": 1,`,
    `    "Width": 4,`,
    `    "Height": 4,`,
    `    "PixelType": "GRAY8",`,
    `    "IJType": 0,`,
    `    "Prefix": "${o.prefix ?? "acq"}",`,
    `    "ChNames": [`,
    ...channels.map((c, i) => `      "${c}"${i < channels.length - 1 ? "," : ""}`),
    `    ],`,
    `    "SlicesFirst": true,`,
    `    "MicroManagerVersion": "1.4.22",`,
    `    "Comment": ""`,
    "  },",
  ];
  let k = 0;
  const names = mmNames(o);
  for (let t = 0; t < frames; t++)
    channels.forEach((c, ci) => {
      lines.push(
        `  "FrameKey-${t}-${ci}-0": {`,
        `    "Channel": "${c}",`,
        `    "ChannelIndex": ${ci},`,
        ...(o.fileNames === false ? [] : [`    "FileName": "${names[k]}",`]),
        `    "Frame": ${t},`,
        `    "Slice": 0,`,
        `    "ElapsedTime-ms": ${t * 1000},`,
        `    "Width": 4,`,
        `    "Height": 4`,
        `  }${t === frames - 1 && ci === channels.length - 1 ? "" : ","}`,
      );
      k++;
    });
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** A whole acquisition folder's files: metadata.txt (or `<prefix>_metadata.txt`) + its TIFFs, under `dir`. */
export function mmAcquisition(
  dir: string,
  o: MmOptions & { metadataName?: string } = {},
): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = { [`${dir}${o.metadataName ?? "metadata.txt"}`]: mmMetadata(o) };
  for (const n of mmNames(o)) out[`${dir}${n}`] = tiff();
  return out;
}
