/**
 * Entries that list their members: Visitech report + `.xys`, Li-Cor `.l2d` + scan folders, Hamamatsu `.vms` +
 * JPEGs, Aperio `.afi` + `.svs`, Image-Pro `.ips` + `.seq` TIFFs.
 */
import { jpeg } from "./jpeg";
import { tiff } from "./tiff";

/** A report with one "Document created" section per channel (VisitechReader counts them when no
 * "Channel Selection" key is there). */
export function visitechReport(channels: number): string {
  const lines = [
    "<html><body>",
    "<p>Image dimensions: (8, 8)</p>",
    "<p>Image bit depth: 8</p>",
    "<p>Number of steps: 1</p>",
  ];
  for (let c = 1; c <= channels; c++) lines.push(`Document created ${c}/1/2024`);
  lines.push("</body></html>");
  return `${lines.join("\n")}\n`;
}

/** A Visitech pixels file: the "[USE SAME FILE]" marker, then one 8x8 8-bit plane. */
export const visitechXys = (): Buffer =>
  Buffer.concat([Buffer.from("[USE SAME FILE]", "latin1"), Buffer.alloc(16 + 64)]);

/** An `.l2d` naming scan folders, and the files of one scan (`<scan>/<scan>.scn` + its TIFFs). */
export const l2d = (scans: string[]): string => `# LI-COR LI2D\nScanNames=${scans.join(",")}\n`;
export function l2dScan(scan: string, channels: number[]): Record<string, Buffer | string> {
  const tiffs = channels.map((c) => `${scan}_${c}.tif`);
  const out: Record<string, Buffer | string> = {
    [`${scan}/${scan}.scn`]: `# LI-COR LI2D scan\nImageNames=${tiffs.join(",")}\nScanChannels=${channels.join(",")}\n`,
  };
  for (const t of tiffs) out[`${scan}/${t}`] = tiff();
  return out;
}

export function vms(base: string): string {
  return [
    "[Virtual Microscope Specimen]",
    "NoLayers=1",
    "NoJpegColumns=1",
    "NoJpegRows=1",
    `ImageFile=${base}.jpg`,
    `MapFile=${base}_map.jpg`,
    `MacroImage=${base}_macro.jpg`,
    `OptimisationFile=${base}.opt`,
    "",
  ].join("\r\n");
}
export const vmsJpeg = (): Buffer => jpeg(16, 16);

export const afi = (svs: string[]): string =>
  `<?xml version="1.0"?>\n<ImageList>\n${svs.map((s) => `  <Image>\n    <Path>${s}</Path>\n  </Image>`).join("\n")}\n</ImageList>\n`;

/** An Aperio SVS: description "Aperio Image Library ...", the image, a thumbnail, label and macro IFDs. */
export const svs = (): Buffer =>
  tiff({
    width: 16,
    height: 16,
    planes: 4,
    description: "Aperio Image Library v12.0.5\r\n16x16 [0,0 16x16] |AppMag = 20|MPP = 0.5",
  });

/** An Image-Pro `.ips` naming its `.seq` TIFFs (SEQReader.initFile's layout). */
export function ips(files: string[], z: number): Buffer {
  const parts: Buffer[] = [Buffer.alloc(27)];
  const int = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    return b;
  };
  const str = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, "latin1")]);
  parts.push(int(1), str("ch1"), int(files.length), ...files.map(str), int(1), int(1), int(0), int(z));
  return Buffer.concat(parts);
}
export const seqTiff = (): Buffer => tiff({ extraTags: [50288] });
