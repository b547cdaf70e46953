/**
 * Improvision (Volocity) TIFF sets (ImprovisionTiffReader): one TIFF per plane whose ImageDescription holds
 * `Improvision` and key=value lines: `MultiFileTIFF=yes`, `SampleUUID=`, the totals and the plane's
 * `ZPlane`/`ChannelNo`/`TimepointName`.
 */
import { tiff } from "./tiff";

export interface ImprovisionPlane {
  uuid?: string;
  multi?: boolean;
  totals: { z: number; c: number; t: number };
  z: number;
  c: number;
  t: number;
}

export function improvisionComment(p: ImprovisionPlane): string {
  const lines = ["Improvision OpenLab"];
  if (p.multi !== false) lines.push("MultiFileTIFF=yes");
  if (p.uuid !== undefined) lines.push(`SampleUUID=${p.uuid}`);
  lines.push(`TotalZPlanes=${p.totals.z}`, `TotalChannels=${p.totals.c}`, `TotalTimepoints=${p.totals.t}`);
  lines.push(`ChannelName=Ch${p.c}`, `ZPlane=${p.z}`, `ChannelNo=${p.c}`, `TimepointName=${p.t}`);
  return lines.join("\n");
}

export const improvisionTiff = (p: ImprovisionPlane): Buffer => tiff({ description: improvisionComment(p) });

/** Every plane of a set, named `<base>_z<z>_c<c>_t<t>.tif`. */
export function improvisionSet(
  base: string,
  totals: { z: number; c: number; t: number },
  uuid = `uuid-${base}`,
): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (let t = 1; t <= totals.t; t++)
    for (let z = 1; z <= totals.z; z++)
      for (let c = 1; c <= totals.c; c++)
        out[`${base}_z${z}_c${c}_t${t}.tif`] = improvisionTiff({ uuid, totals, z, c, t });
  return out;
}
