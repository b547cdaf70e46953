/**
 * Bruker/Prairie View datasets (PrairieReader / PrairieMetadata): a `<PVScan>` XML listing its TIFFs as
 * `Sequence/Frame/File@filename`, an optional `.env` (`<Environment>`, 5.2+) or `<name>Config.cfg` (`<PVConfig>`,
 * before 5.2), and the TIFFs.
 */
import { tiff as goldenTiff } from "./tiff";

export interface PrairieSpec {
  /** Base name: `<base>.xml`, `<base>.env`, `<base>_Cycle00001_Ch<c>_00000<i>.ome.tif`. */
  base: string;
  frames?: number;
  channels?: number;
  /** "env" (default), "cfg" (old `<base>Config.cfg`) or "none". */
  config?: "env" | "cfg" | "none";
  /** Bytes of PVStateShard padding before the Sequence (an XML longer than the 64 KiB probe head). */
  padding?: number;
  /** TIFF names to leave out of the result (still listed in the XML). */
  omit?: string[];
}

export function prairieTiffName(base: string, frame: number, channel: number): string {
  return `${base}_Cycle00001_Ch${channel}_${String(frame).padStart(6, "0")}.ome.tif`;
}

export function prairieXml(base: string, frames: number, channels: number, padding = 0): string {
  const fr: string[] = [];
  for (let i = 1; i <= frames; i++) {
    const files = Array.from(
      { length: channels },
      (_, c) =>
        `      <File channel="${c + 1}" channelName="Ch${c + 1}" filename="${prairieTiffName(base, i, c + 1)}" />`,
    );
    fr.push(
      `    <Frame relativeTime="${i - 1}" absoluteTime="${i - 1}" index="${i}" label="CurrentSettings">\n${files.join("\n")}\n    </Frame>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<PVScan version="5.4.64.700" date="1/2/2024 10:15:00 AM" notes="">
${padding > 0 ? `  <PVStateShard>\n${'    <PVStateValue key="note" value="x" />\n'.repeat(Math.ceil(padding / 40))}  </PVStateShard>\n` : ""}  <Sequence type="ZSeries" cycle="1">
${fr.join("\n")}
  </Sequence>
</PVScan>
`;
}

/** The files of one Prairie dataset (names relative to its folder). */
export function prairieSet(spec: PrairieSpec): Record<string, Buffer | string> {
  const frames = spec.frames ?? 2;
  const channels = spec.channels ?? 1;
  const out: Record<string, Buffer | string> = {
    [`${spec.base}.xml`]: prairieXml(spec.base, frames, channels, spec.padding),
  };
  const config = spec.config ?? "env";
  if (config === "env")
    out[`${spec.base}.env`] =
      `<?xml version="1.0" encoding="utf-8"?>\n<Environment version="5.4.64.700">\n</Environment>\n`;
  if (config === "cfg")
    out[`${spec.base}Config.cfg`] =
      `<?xml version="1.0" encoding="utf-8"?>\n<PVConfig version="4.3.2.24">\n</PVConfig>\n`;
  for (let i = 1; i <= frames; i++)
    for (let c = 1; c <= channels; c++) {
      const n = prairieTiffName(spec.base, i, c);
      if (!spec.omit?.includes(n)) out[n] = goldenTiff({ software: "Prairie View 5.4" });
    }
  return out;
}
