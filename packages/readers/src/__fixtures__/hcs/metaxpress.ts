/**
 * MetaXpress and CellWorx plates: `<plate>.HTD` ("Key", value lines, CRLF, as MetaXpress writes them;
 * keys as CellWorxReader.parseHTD reads them) + `<plate>_<well>[_s<n>][_w<n>].TIF` images
 * (MetaxpressTiffReader.getTiffFiles), `TimePoint_<t>/` folders for time series, and `_thumb` files;
 * or `<plate>_<well>.pnl` panels, `<plate>_scan.log` and `<plate>_<well>_scan.log` (CellWorx).
 */
import { tinyTiff, type FixtureFile, type PlateFixture } from "./plate";

export interface HtdOptions {
  plate?: string;
  /** Plate geometry: 96 = 8 x 12, 384 = 16 x 24. */
  rows?: number;
  cols?: number;
  /** Acquired wells, e.g. ["A01", "B02"]; default: the first two wells of row A. */
  wells?: string[];
  /** Sites as xSites x ySites, all selected. */
  xSites?: number;
  ySites?: number;
  waves?: string[];
  timepoints?: number;
  /** Write the "Waves", TRUE key (the _w<n> part even with one wavelength). */
  wavesKey?: boolean;
  /** MetaXpress writes .TIF; some exports use .tif. */
  ext?: ".TIF" | ".tif";
  thumbnails?: boolean;
}

const ROW = (w: string) => w.charCodeAt(0) - 65;
const COL = (w: string) => Number.parseInt(w.slice(1), 10) - 1;

export function htdText(
  o: Required<
    Pick<HtdOptions, "plate" | "rows" | "cols" | "wells" | "xSites" | "ySites" | "waves" | "timepoints" | "wavesKey">
  >,
): string {
  const lines = [
    `"HTSInfoFile", Version 1.0`,
    `"Description", "${o.plate}"`,
    `"PlateType", 6`,
    `"TimePoints", ${o.timepoints}`,
    `"ZSeries", FALSE`,
    `"ZSteps", 1`,
    `"ZProjection", FALSE`,
    `"XWells", ${o.cols}`,
    `"YWells", ${o.rows}`,
  ];
  for (let r = 0; r < o.rows; r++) {
    const sel = Array.from({ length: o.cols }, (_, c) =>
      o.wells.some((w) => ROW(w) === r && COL(w) === c) ? "TRUE" : "FALSE",
    );
    lines.push(`"WellsSelection${r + 1}", ${sel.join(", ")}`);
  }
  const sites = o.xSites * o.ySites > 1;
  lines.push(`"Sites", ${sites ? "TRUE" : "FALSE"}`, `"XSites", ${o.xSites}`, `"YSites", ${o.ySites}`);
  for (let r = 0; r < o.ySites; r++) lines.push(`"SiteSelection${r + 1}", ${Array(o.xSites).fill("TRUE").join(", ")}`);
  lines.push(`"Waves", ${o.wavesKey ? "TRUE" : "FALSE"}`, `"NWavelengths", ${o.waves.length}`);
  for (const [i, w] of o.waves.entries()) lines.push(`"WaveName${i + 1}", "${w}"`, `"WaveCollect${i + 1}", 1`);
  lines.push(`"UniquePlateIdentifier", "0d9d6bbf-7c6b-4d1a-9a7b-5c1e2f3a4b5c"`, `"EndFile"`);
  return `${lines.join("\r\n")}\r\n`;
}

function defaults(o: HtdOptions) {
  return {
    plate: o.plate ?? "plate1",
    rows: o.rows ?? 8,
    cols: o.cols ?? 12,
    wells: o.wells ?? ["A01", "A02"],
    xSites: o.xSites ?? 1,
    ySites: o.ySites ?? 1,
    waves: o.waves ?? ["DAPI"],
    timepoints: o.timepoints ?? 1,
    wavesKey: o.wavesKey ?? true,
  };
}

/** A MetaXpress plate: `<plate>.HTD` and one TIFF per well x site x wavelength (x time point). */
export function metaxpressPlate(opts: HtdOptions = {}): PlateFixture {
  const o = defaults(opts);
  const ext = opts.ext ?? ".TIF";
  const files: FixtureFile[] = [{ path: `${o.plate}.HTD`, content: Buffer.from(htdText(o), "latin1"), kind: "index" }];
  const sites = o.xSites * o.ySites;
  for (const well of o.wells) {
    for (let s = 1; s <= sites; s++) {
      for (let w = 1; w <= o.waves.length; w++) {
        const stem = `${o.plate}_${well}${sites > 1 ? `_s${s}` : ""}${o.wavesKey || o.waves.length > 1 ? `_w${w}` : ""}`;
        for (let t = 1; t <= o.timepoints; t++) {
          const dir = o.timepoints > 1 ? `TimePoint_${t}/` : "";
          files.push({ path: `${dir}${stem}${ext}`, content: tinyTiff(), kind: "image" });
        }
        if (opts.thumbnails) {
          files.push({ path: `${stem}_thumb7F1D2A3B${ext}`, content: tinyTiff(), kind: "metadata" });
        }
      }
    }
  }
  return {
    entry: `${o.plate}.HTD`,
    reader: "loci.formats.in.MetaxpressTiffReader",
    files,
    wells: o.wells.length,
    fields: sites,
    channels: o.waves.length,
    timepoints: o.timepoints,
  };
}

/** A DeltaVision panel header is enough: the grouping never opens a .pnl (magic 0xC0A0 at byte 96). */
function panel(): Buffer {
  const b = Buffer.alloc(1024);
  b.writeUInt16LE(0xa0c0, 96);
  return b;
}

/** A CellWorx plate: `<plate>.HTD`, one `<plate>_<well>.pnl` per well, plate and well scan logs. */
export function cellworxPlate(opts: HtdOptions & { zMap?: string } = {}): PlateFixture {
  const o = defaults({ wavesKey: false, ...opts });
  const files: FixtureFile[] = [{ path: `${o.plate}.HTD`, content: Buffer.from(htdText(o), "latin1"), kind: "index" }];
  const log = [`Scanner SN: CWX-0042`, ...(opts.zMap ? [`Z Map File: C:/CellWorx/ZMaps/${opts.zMap}`] : [])];
  files.push({ path: `${o.plate}_scan.log`, content: Buffer.from(`${log.join("\r\n")}\r\n`), kind: "metadata" });
  if (opts.zMap) files.push({ path: opts.zMap, content: Buffer.from("0 0 0\r\n"), kind: "metadata" });
  for (const well of o.wells) {
    files.push({ path: `${o.plate}_${well}.pnl`, content: panel(), kind: "image" });
    files.push({
      path: `${o.plate}_${well}_scan.log`,
      content: Buffer.from("Date: Mon Jan 06 10:00:00 2025\r\nScan Origin: 100.0,200.0\r\n"),
      kind: "metadata",
    });
  }
  return {
    entry: `${o.plate}.HTD`,
    reader: "loci.formats.in.CellWorxReader",
    files,
    wells: o.wells.length,
    fields: o.xSites * o.ySites,
    channels: o.waves.length,
    timepoints: o.timepoints,
  };
}
