/**
 * MetaMorph `.nd` acquisitions: the `.nd` text and the planes MetamorphReader builds from it
 * (`<base>_w<n><wave>_s<n>_t<n>.TIF` with "Version 1.0" and no Z; each part only when the .nd has it).
 */
import { tiff } from "./tiff";

export interface NdOptions {
  waves?: string[];
  stages?: number;
  times?: number;
}

export function ndText(o: NdOptions): string {
  const waves = o.waves ?? [];
  const lines = [`"NDInfoFile", Version 1.0`, `"Description", File recreated from images.`];
  lines.push(`"DoTimelapse", ${(o.times ?? 0) > 1 ? "TRUE" : "FALSE"}`);
  if ((o.times ?? 0) > 1) lines.push(`"NTimePoints", ${o.times}`);
  lines.push(`"DoStage", ${(o.stages ?? 0) > 0 ? "TRUE" : "FALSE"}`);
  if ((o.stages ?? 0) > 0) lines.push(`"NStagePositions", ${o.stages}`);
  lines.push(`"DoWave", ${waves.length > 0 ? "TRUE" : "FALSE"}`);
  if (waves.length > 0) {
    lines.push(`"NWavelengths", ${waves.length}`);
    for (const [i, w] of waves.entries()) lines.push(`"WaveName${i + 1}", "${w}"`, `"WaveDoZ${i + 1}", FALSE`);
  }
  lines.push(`"DoZSeries", FALSE`, `"EndFile"`, "");
  return lines.join("\r\n");
}

/** `<base>.nd` and its planes (names built independently of the readers package). */
export function ndSet(base: string, o: NdOptions): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = { [`${base}.nd`]: ndText(o) };
  const waves = o.waves ?? [];
  const times = o.times ?? 1;
  for (let t = 1; t <= times; t++)
    for (let s = 1; s <= Math.max(1, o.stages ?? 0); s++)
      for (let w = 0; w < Math.max(1, waves.length); w++) {
        let n = base;
        if (waves.length > 0) n += `_w${w + 1}${waves[w]!.replace(/[_/\\()]/g, "-")}`;
        if ((o.stages ?? 0) > 0) n += `_s${s}`;
        if (times > 1) n += `_t${t}`;
        out[`${n}.TIF`] = tiff();
      }
  return out;
}
