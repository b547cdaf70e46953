/**
 * MetaXpress (.HTD + TIFFs) and CellWorx (.HTD + .pnl) plates. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/CellWorxReader.java (isThisType, initFile, parseHTD,
 * getPlateName, findPixelsFiles, getSeriesUsedFiles, populateMetadata, foundHTDFile) and
 * MetaxpressTiffReader.java (isThisType, getUsedFiles, getSeriesUsedFiles, findPixelsFiles, getTiffFiles).
 */
import type { CandidateFile } from "../types";
import { baseOf, join } from "../paths";
import type { ExpectedFile } from "./plan";
import { finishPlate, stripExt } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";
import { headText, wholeFileRead } from "../head";

export const CELLWORX = "loci.formats.in.CellWorxReader";
export const METAXPRESS = "loci.formats.in.MetaxpressTiffReader";

/** What parseHTD reads from an .HTD (`"Key", value` lines). */
export interface Htd {
  xWells: number;
  yWells: number;
  /** Selected wells as [row, col] (0-based), row-major. */
  wells: [number, number][];
  /** Selected sites (CellWorxReader.fieldCount). */
  fieldCount: number;
  /** "Waves", TRUE: the _w<n> part is in the names even with one wavelength. */
  doChannels: boolean;
  waveNames: string[];
  timepoints: number;
  zSteps: number;
}

/** CellWorxReader.parseHTD: key = text between the first quote and `",`, value = the rest after `", `. */
export function parseHtd(text: string): Htd | null {
  let xWells = 0;
  let yWells = 0;
  let xSites = 0;
  let ySites = 0;
  let sitesOff = false;
  let nWaves = 0;
  const waveNames: string[] = [];
  const wellRows = new Map<number, boolean[]>();
  const siteRows = new Map<number, boolean[]>();
  let doChannels = false;
  let timepoints = 1;
  let zSteps = 1;
  const int = (v: string) => {
    const n = Number.parseInt(v, 10);
    return Number.isFinite(n) ? n : 0;
  };
  const bools = (v: string) => v.split(",").map((s) => s.trim().toLowerCase() === "true"); // Boolean.parseBoolean
  for (const line of text.split("\n")) {
    const split = line.indexOf('",');
    if (split < 1) continue;
    const key = line.slice(1, split).trim();
    const value = line.slice(split + 2).trim();
    if (key === "XWells") xWells = int(value);
    else if (key === "YWells") yWells = int(value);
    else if (key.startsWith("WellsSelection")) wellRows.set(int(key.slice(14)) - 1, bools(value));
    else if (key === "XSites") xSites = int(value);
    else if (key === "YSites") ySites = int(value);
    else if (key === "Sites") sitesOff = value.toLowerCase() === "false";
    else if (key === "TimePoints") timepoints = int(value);
    else if (key === "ZSteps") zSteps = int(value);
    else if (key.startsWith("SiteSelection")) siteRows.set(int(key.slice(13)) - 1, bools(value));
    else if (key === "Waves") doChannels = value.toLowerCase() === "true";
    else if (key === "NWavelengths") nWaves = int(value);
    else if (key.startsWith("WaveName")) waveNames[int(key.slice(8)) - 1] = value.replace(/"/g, "");
  }
  if (xWells <= 0 || yWells <= 0) return null;
  const wells: [number, number][] = [];
  for (let r = 0; r < yWells; r++) {
    const sel = wellRows.get(r);
    for (let c = 0; c < xWells; c++) if (sel?.[c]) wells.push([r, c]);
  }
  // "Sites", FALSE keeps the single-site map; one site may have no SiteSelection1 (parseHTD's comments).
  let fieldCount = 1;
  if (!sitesOff && !(xSites === 1 && ySites === 1)) {
    fieldCount = 0;
    for (let r = 0; r < ySites; r++) for (let c = 0; c < xSites; c++) if (siteRows.get(r)?.[c]) fieldCount++;
  }
  while (waveNames.length < nWaves) waveNames.push(`w${waveNames.length + 1}`);
  return {
    xWells,
    yWells,
    wells,
    fieldCount: Math.max(fieldCount, 0),
    doChannels,
    waveNames: waveNames.slice(0, Math.max(nWaves, 1)),
    timepoints: Math.max(timepoints, 1),
    zSteps: Math.max(zSteps, 1),
  };
}

/** FormatTools.getWellName (CellWorx .pnl names): rows A..Z, then AA.., column two digits. */
export function wellName(row: number, col: number): string {
  const r = String.fromCharCode(65 + (row % 26));
  return `${row >= 26 ? String.fromCharCode(65 + Math.floor(row / 26) - 1) : ""}${r}${String(col + 1).padStart(2, "0")}`;
}

/** MetaxpressTiffReader.getTiffFiles: `(char) (row + 'A')` (one character, even past Z) + "%02d". */
export function mxWellName(row: number, col: number): string {
  return `${String.fromCharCode(65 + row)}${String(col + 1).padStart(2, "0")}`;
}

/** A MetaXpress / CellWorx plate file name: <plate>_<well>[_s<n>][_w<n>][_t<n>][_thumb...].tif or <plate>_<well>.pnl. */
const MX_IMAGE = /^(.+?)_([A-Z]{1,2}|[[\\\]^_`])(\d{2,})(_s\d+)?(_w\d+)?(_t\d+)?(_thumb[^/]*)?\.[Tt][Ii][Ff][Ff]?$/;
const CW_PANEL = /^(.+)_([A-Z]{1,2})(\d{2,})\.[Pp][Nn][Ll]$/;
const CW_LOG = /^(.+)_scan\.log$/i;
const TIME_DIR = /^TimePoint_\d+$/;
const Z_DIR = /^ZStep_\d+$/;

const isTiff = (n: string) => hasSuffix(n, "tif", "tiff");
const isHtdName = (n: string) => !n.startsWith(".") && hasSuffix(n, "htd");

/**
 * CellWorxReader.foundHTDFile: cut the name at its last '_' until `<prefix>.htd` or `<prefix>.HTD`
 * exists beside it (exact case). Returns that HTD's path (the longest prefix wins).
 */
export function foundHtd(view: FileView, dir: string, name: string): string | null {
  let prefix = name;
  while (prefix.indexOf("_") > 0) {
    prefix = prefix.slice(0, prefix.lastIndexOf("_"));
    for (const ext of [".htd", ".HTD"]) {
      const p = join(dir, prefix + ext);
      if (view.has(p)) return p;
    }
  }
  return null;
}

interface HtdPlate {
  path: string;
  dir: string;
  name: string;
  /** getPlateName without the trailing "_": the HTD path without its extension. */
  base: string;
  htd: Htd | null;
  reader: string;
  members: Set<string>;
  /** `_thumb` files another plate of the folder holds: this plate uses them too (grouping/shared.ts). */
  shared: Set<string>;
}

/** CellWorxReader.isThisType(htd): CellWorx when a selected well's `<plate>_<well>.pnl` exists. */
function chooseReader(view: FileView, base: string, htd: Htd | null, enabled: (r: string) => boolean): string | null {
  const pnl = htd?.wells.some(([r, c]) => view.has(`${base}_${wellName(r, c)}.pnl`)) ?? false;
  if (enabled(CELLWORX) && (pnl || !enabled(METAXPRESS))) return CELLWORX;
  return enabled(METAXPRESS) ? METAXPRESS : null;
}

/** MetaxpressTiffReader.getTiffFiles as an instrument writes them (see README "HCS plates"). */
function metaxpressExpected(view: FileView, p: HtdPlate, htd: Htd): ExpectedFile[] {
  const channels = htd.waveNames.length;
  const { fieldCount, timepoints, zSteps } = htd;
  const name = (well: string, f: number, c: number) =>
    `${p.name.slice(0, p.name.lastIndexOf("."))}_${well}${fieldCount > 1 ? `_s${f + 1}` : ""}${htd.doChannels || channels > 1 ? `_w${c + 1}` : ""}`;
  // getTiffFiles tries ".tif" then ".TIF": follow the case the plate's present files use.
  const lower = view.names(p.dir).some((n) => n.startsWith(`${stripExt(p.name)}_`) && n.endsWith(".tif"));
  const ext = lower ? ".tif" : ".TIF";
  const out: ExpectedFile[] = [];
  const flatTime =
    timepoints > 1 && view.names(p.dir).some((n) => n.startsWith(`${stripExt(p.name)}_`) && /_t\d+\.tiff?$/i.test(n));
  for (const [r, c] of htd.wells) {
    const well = mxWellName(r, c);
    const exists = (stem: string, dir: string) =>
      view.has(join(dir, `${stem}.tif`)) ? join(dir, `${stem}.tif`) : join(dir, `${stem}${ext}`);
    const wellOut: ExpectedFile[] = [];
    for (let f = 0; f < fieldCount; f++) {
      for (let ch = 0; ch < channels; ch++) {
        const stem = name(well, f, ch);
        const what = `well ${well}${fieldCount > 1 ? `, site ${f + 1}` : ""}, wavelength ${ch + 1} (${htd.waveNames[ch]})`;
        if (timepoints === 1 && zSteps === 1) {
          wellOut.push({ path: exists(stem, p.dir), why: `${what} of ${p.name}`, image: true });
          continue;
        }
        for (let t = 0; t < timepoints; t++) {
          if (flatTime) {
            // getTiffFiles appends "_t" + nTimepoints (not t + 1), a Bio-Formats bug; instruments number each time point.
            wellOut.push({
              path: exists(`${stem}_t${t + 1}`, p.dir),
              why: `${what}, time ${t + 1} of ${p.name}`,
              image: true,
            });
            continue;
          }
          for (let z = 0; z < zSteps; z++) {
            const dir = join(p.dir, zSteps > 1 ? `TimePoint_${t + 1}/ZStep_${z + 1}` : `TimePoint_${t + 1}`);
            const at = `time ${t + 1}${zSteps > 1 ? `, z ${z + 1}` : ""}`;
            wellOut.push({ path: exists(stem, dir), why: `${what}, ${at} of ${p.name}`, image: true });
          }
        }
      }
    }
    // getTiffFiles: when none of a well's computed names exist, the TIFFs starting with "<plate>_<well>" are read.
    if (!wellOut.some((e) => view.has(e.path))) {
      const fallback = view.pick(
        p.dir,
        (n) => isTiff(n) && n.startsWith(`${stripExt(p.name)}_${well}`) && !n.toLowerCase().includes("_thumb"),
      );
      if (fallback.length > 0) {
        for (const path of fallback) out.push({ path, why: `well ${well} of ${p.name}`, image: true });
        continue;
      }
    }
    out.push(...wellOut);
  }
  return out;
}

/** CellWorxReader.findPixelsFiles / getSeriesUsedFiles / populateMetadata. */
function cellworxExpected(view: FileView, p: HtdPlate, htd: Htd): ExpectedFile[] {
  const out: ExpectedFile[] = [];
  for (const [r, c] of htd.wells) {
    const well = wellName(r, c);
    out.push({ path: `${p.base}_${well}.pnl`, why: `panel of well ${well} listed by ${p.name}`, image: true });
  }
  // The plate log's "Z Map File" is listed whether or not it exists.
  const log = view.files.get(`${p.base}_scan.log`);
  const text = wholeFileRead(log) ? headText(log) : undefined;
  for (const line of text?.split("\n") ?? []) {
    if (!line.trim().startsWith("Z Map File")) continue;
    let file = line.slice(line.indexOf(":") + 1);
    file = file.slice(file.lastIndexOf("/") + 1).trim();
    if (file)
      out.push({ path: join(p.dir, file), why: `Z map named in ${p.name.slice(0, -4)}_scan.log`, image: false });
  }
  return out;
}

function summary(p: HtdPlate, format: string) {
  const h = p.htd;
  return {
    format,
    name: stripExt(p.name),
    wells: h?.wells.length ?? 0,
    fields: h?.fieldCount ?? 0,
    channels: h?.waveNames.length ?? 0,
    timepoints: h?.timepoints ?? 0,
    zSteps: h?.zSteps ?? 0,
  };
}

export const htdRule: PlateRule = {
  name: "htd",
  readers: [CELLWORX, METAXPRESS],
  wantsWholeFile: (ln) => ln.endsWith(".htd") || ln.endsWith("_scan.log"),
  needsHeader: (ln) => ln.endsWith(".htd") || ln.endsWith("_scan.log"),
  group(view, enabled, taken): PlateGrouping {
    const plates = new Map<string, HtdPlate>();
    for (const [dir, names] of view.dirs) {
      for (const name of names) {
        const path = join(dir, name);
        if (!isHtdName(name) || taken.has(path)) continue;
        const f: CandidateFile = view.files.get(path)!;
        const htd = wholeFileRead(f) ? parseHtd(headText(f)!) : null;
        const base = path.slice(0, path.lastIndexOf("."));
        const reader = chooseReader(view, base, htd, enabled);
        if (reader)
          plates.set(path, { path, dir, name, base, htd, reader, members: new Set([path]), shared: new Set() });
      }
    }
    const claimed = new Set<string>(plates.keys());
    const pending: PendingFile[] = [];
    const claim = (plate: HtdPlate, path: string) => {
      if (taken.has(path) || claimed.has(path)) return;
      claimed.add(path);
      plate.members.add(path);
    };

    // Files of the HTD's folder that isThisType sends to the plate's reader (foundHTDFile), and thumbnails.
    const plateDirs = new Set([...plates.values()].map((p) => p.dir));
    for (const dir of plateDirs) {
      for (const name of view.names(dir)) {
        const path = join(dir, name);
        if (claimed.has(path) || taken.has(path) || name.startsWith(".")) continue;
        const htdPath = foundHtd(view, dir, name);
        const plate = htdPath ? plates.get(htdPath) : undefined;
        if (plate?.reader === METAXPRESS && (isTiff(name) || name.toLowerCase().indexOf("_thumb") > 0))
          claim(plate, path);
        else if (plate?.reader === CELLWORX && hasSuffix(name, "pnl", "log")) claim(plate, path);
      }
    }
    // MetaxpressTiffReader.getUsedFiles adds every "_thumb" file of the HTD's folder, also those another
    // plate holds (OMERO imports them in both).
    for (const plate of plates.values()) {
      if (plate.reader !== METAXPRESS) continue;
      for (const p of view.pick(plate.dir, (n) => n.toLowerCase().indexOf("_thumb") > 0)) {
        if (claimed.has(p) && !plate.members.has(p) && !taken.has(p)) plate.shared.add(p);
        else claim(plate, p);
      }
      // getTiffFiles' last resort: TimePoint_<t>[/ZStep_<z>]/<plate>_<well>... below the HTD.
      for (const t of view.childDirs(plate.dir).filter((d) => TIME_DIR.test(d))) {
        const tdir = join(plate.dir, t);
        const dirs = [
          tdir,
          ...view
            .childDirs(tdir)
            .filter((d) => Z_DIR.test(d))
            .map((z) => join(tdir, z)),
        ];
        for (const d of dirs) {
          for (const p of view.pick(d, (n) => isTiff(n) && n.startsWith(`${stripExt(plate.name)}_`))) claim(plate, p);
        }
      }
    }

    const filesets: FilesetPlan[] = [];
    for (const plate of plates.values()) {
      const mx = plate.reader === METAXPRESS;
      const expected = plate.htd
        ? mx
          ? metaxpressExpected(view, plate, plate.htd)
          : cellworxExpected(view, plate, plate.htd)
        : null;
      if (expected) for (const e of expected) if (view.has(e.path) && !taken.has(e.path)) claim(plate, e.path);
      const notes = plate.htd
        ? []
        : [
            `${plate.name} was not read whole (or lists no wells): its images cannot be counted, the plate waits for a quiet period`,
          ];
      filesets.push(
        finishPlate(view, {
          reader: plate.reader,
          entry: plate.path,
          members: plate.members,
          expected,
          // The HTD lists every pixel file, but not the files Bio-Formats adds when they exist: MetaXpress
          // thumbnails (named with a GUID) and CellWorx scan logs. Closed only when none of those can come.
          closed: !!plate.htd && mx && !view.names(plate.dir).some((n) => n.toLowerCase().indexOf("_thumb") > 0),
          summary: summary(plate, mx ? "MetaXpress" : "CellWorx"),
          notes,
          taken,
          shared: plate.shared,
        }),
      );
    }

    // Plate files whose HTD is not there (yet): they must not import as lone TIFFs.
    for (const [dir, names] of view.dirs) {
      const folder = dir.slice(dir.lastIndexOf("/") + 1);
      const parent = dir.slice(0, dir.lastIndexOf("/")) || "/";
      const inZ = Z_DIR.test(folder) && TIME_DIR.test(parent.slice(parent.lastIndexOf("/") + 1));
      const plateDir = TIME_DIR.test(folder) ? parent : inZ ? parent.slice(0, parent.lastIndexOf("/")) || "/" : dir;
      const heldPanels = new Set<string>();
      for (const name of names) {
        const path = join(dir, name);
        if (claimed.has(path) || taken.has(path)) continue;
        const m = MX_IMAGE.exec(name) ?? CW_PANEL.exec(name);
        if (!m || (plateDir !== dir && !isTiff(name))) continue;
        // A bare "<name>_<well>.tif" is too common outside plates to hold: it needs _s/_w/_t/_thumb
        // (a one-site, one-wavelength MetaXpress plate without "Waves" is the price) or a TimePoint_ folder.
        if (isTiff(name) && plateDir === dir && !m[4] && !m[5] && !m[6] && !m[7]) continue;
        // The plate's .HTD is there but chose another reader: ordinary grouping decides (no wait can help).
        if (plateDir === dir && foundHtd(view, dir, name)) continue;
        const kind = isTiff(name) ? "MetaXpress plate image" : "CellWorx panel";
        if (!isTiff(name)) heldPanels.add(m[1]!);
        const where = plateDir === dir ? "" : ` (in ${dir.slice(plateDir.length + 1)}/)`;
        pending.push({
          path,
          reason: `${name} is named like a ${kind} (<plate>_<well>...)${where} and waits for its plate index ${join(plateDir, `${m[1]}.HTD`)}`,
        });
      }
      for (const name of names) {
        const path = join(dir, name);
        const m = CW_LOG.exec(name);
        if (!m || claimed.has(path) || taken.has(path)) continue;
        // A CellWorx log names its plate (<plate>_scan.log, <plate>_<well>_scan.log): with the .HTD there
        // (read as MetaXpress until a panel arrives) it waits for the panels, else for the .HTD.
        const htdPath = foundHtd(view, dir, name);
        const plate =
          [...heldPanels].find((b) => m[1] === b || m[1]!.startsWith(`${b}_`)) ??
          m[1]!.replace(/_[A-Z]{1,2}\d{2,}$/, "");
        pending.push({
          path,
          reason: htdPath
            ? `${name} is a CellWorx scan log and waits for a .pnl panel of ${baseOf(htdPath)} (read as MetaXpress until one is there)`
            : `${name} is a CellWorx scan log and waits for its plate index ${join(dir, `${plate}.HTD`)}`,
        });
      }
    }
    return { filesets, claimed, pending };
  },
};
