/** Bruker/Prairie (PrairieReader): <name>.xml (PVScan) + <name>Config.cfg or <name>.env + the TIFFs the XML names. */
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

function pvScan(name: string, frames: number, channels: number): { xml: string; tiffs: string[] } {
  const tiffs: string[] = [];
  let body = "";
  for (let f = 1; f <= frames; f++) {
    body += `    <Frame relativeTime="${f - 1}" absoluteTime="${f - 1}" index="${f}">\n`;
    for (let c = 1; c <= channels; c++) {
      const t = `${name}_Cycle00001_Ch${c}_${String(f).padStart(6, "0")}.tif`;
      tiffs.push(t);
      body += `      <File channel="${c}" channelName="Ch${c}" filename="${t}" />\n`;
    }
    body += "    </Frame>\n";
  }
  const xml =
    `<?xml version="1.0" encoding="utf-8"?>\n<PVScan version="5.0.64.100" date="1/6/2025 10:00:00 AM" notes="">\n` +
    `  <Sequence type="ZSeries" cycle="1">\n${body}  </Sequence>\n</PVScan>\n`;
  return { xml, tiffs };
}

const CFG = `<?xml version="1.0" encoding="utf-8"?>\n<PVConfig version="5.0.64.100">\n  <Key key="bitDepth" permissions="Read, Write, Save" value="8" />\n</PVConfig>\n`;
const ENV = `<?xml version="1.0" encoding="utf-8"?>\n<Environment version="5.2.64.100">\n  <PVStateShard>\n    <PVStateValue key="bitDepth" value="8" />\n  </PVStateShard>\n</Environment>\n`;

function prairie(name: string, kind: "cfg" | "env", frames = 2, channels = 2): Record<string, Buffer | string> {
  const { xml, tiffs } = pvScan(name, frames, channels);
  const out: Record<string, Buffer | string> = { [`${name}.xml`]: xml };
  if (kind === "cfg") out[`${name}Config.cfg`] = CFG;
  else out[`${name}.env`] = ENV;
  for (const t of tiffs) out[t] = tiff();
  return out;
}

export const layouts: GoldenLayout[] = [
  {
    name: "prairie-cfg-zseries",
    note: "issue 18 (split): PrairieView < 5.2 (.xml + Config.cfg + TIFFs)",
    files: prairie("ZSeries-001", "cfg"),
  },
  {
    name: "prairie-env",
    note: "issue 18 (split): PrairieView >= 5.2 (.xml + .env + TIFFs)",
    files: prairie("TSeries-002", "env"),
  },
];
