/**
 * Micro-Manager 1.4 acquisitions: `metadata.txt` (MicromanagerReader.parsePosition reads "Summary" keys and
 * "FrameKey-t-c-z" blocks with their FileName) and the `img_<t>_<channel>_<z>.tif` planes.
 */
import { tiff } from "./tiff";

export interface MmPlane {
  t: number;
  c: number;
  z: number;
  file: string;
}

/** The planes of a T x C x Z acquisition with Micro-Manager's names. */
export function mmPlanes(channels: string[], frames: number, slices = 1): MmPlane[] {
  const out: MmPlane[] = [];
  for (let t = 0; t < frames; t++)
    for (let c = 0; c < channels.length; c++)
      for (let z = 0; z < slices; z++)
        out.push({
          t,
          c,
          z,
          file: `img_${String(t).padStart(9, "0")}_${channels[c]}_${String(z).padStart(3, "0")}.tif`,
        });
  return out;
}

/** metadata.txt naming `planes` (FileName keys) for a `channels` x frames x slices acquisition. */
export function mmMetadata(
  channels: string[],
  frames: number,
  slices: number,
  planes: MmPlane[],
  prefix = "img",
): string {
  const lines = [
    "{",
    '  "Summary": {',
    `    "Slices": ${slices},`,
    `    "Channels": ${channels.length},`,
    `    "Frames": ${frames},`,
    '    "Positions": 1,',
    '    "Width": 4,',
    '    "Height": 4,',
    '    "IJType": 0,',
    '    "PixelType": "GRAY8",',
    `    "Prefix": "${prefix}",`,
    '    "MicroManagerVersion": "1.4.23",',
    `    "ChNames": [${channels.map((c) => `"${c}"`).join(", ")}]`,
    "  },",
  ];
  planes.forEach((p, i) => {
    lines.push(
      `  "FrameKey-${p.t}-${p.c}-${p.z}": {`,
      `    "Channel": "${channels[p.c]}",`,
      `    "ElapsedTime-ms": ${i * 10},`,
      `    "FileName": "${p.file}",`,
      '    "Exposure-ms": 10',
      `  }${i < planes.length - 1 ? "," : ""}`,
    );
  });
  lines.push("}", "");
  return lines.join("\n");
}

/** A whole acquisition: metadata.txt + every plane, under `dir` (relative, "" for the root). */
export function mmAcquisition(dir: string, channels = ["DAPI", "GFP"], frames = 2): Record<string, Buffer | string> {
  const planes = mmPlanes(channels, frames);
  const at = (n: string) => (dir ? `${dir}/${n}` : n);
  const files: Record<string, Buffer | string> = { [at("metadata.txt")]: mmMetadata(channels, frames, 1, planes) };
  for (const p of planes) files[at(p.file)] = tiff();
  return files;
}
