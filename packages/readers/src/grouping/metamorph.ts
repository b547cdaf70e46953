/**
 * MetaMorph: the .nd file's counts give its plane names (MetamorphReader.initFile builds
 * prefix + "_w" + n + waveName + "_s" + n + "_t" + n + ".TIF"/".STK"), and a TIFF named like such a
 * plane may still get its .nd (MetamorphReader.isThisType strips "_..." suffixes looking for one).
 */
import { baseOf, dirOf, join } from "../paths";
import type { Ctx } from "./context";
import { memo } from "./memo";
import { wholeFileRead } from "../head";

export function ndKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const m of text.matchAll(/^\s*"([^"]+)"\s*,\s*(.*?)\s*$/gm))
    keys.set(m[1]!.toLowerCase(), m[2]!.replace(/^"|"$/g, ""));
  return keys;
}

/** MetaMorph plane names (without extension, lower case) computed from an .nd text. */
export function metamorphPlaneNames(ndName: string, text: string): string[] {
  return metamorphPlaneBases(ndName, text).map((n) => n.toLowerCase());
}

/** The same names with the case MetamorphReader builds them (base and wave names as written). */
export function metamorphPlaneBases(ndName: string, text: string): string[] {
  return metamorphPlaneFiles(ndName, text).map((n) => n.slice(0, n.lastIndexOf(".")));
}

/**
 * MetamorphReader.initFile (ome/bioformats df36e691, MetamorphReader.java l. 479-695), file names with
 * their suffix: for each time point (NTimePoints, else 1 without DoTimelapse), stage position
 * (NStagePositions, whatever DoStage says) and wavelength (NWavelengths): prefix + `_w<n>` (only with
 * DoWave and a WaveName<n> key) + the wave name when WaveInFileName is not FALSE (`_ / \ ( )` -> `-`) +
 * `_s<n>` (NStagePositions > 0) + `_t<n>` (more than one time point or DoTimelapse) + `.TIF` (.nd
 * "Version 2.0"; "Version 1.0" without Z for that wave) or `.STK`.
 */
export function metamorphPlaneFiles(ndName: string, text: string): string[] {
  const k = ndKeys(text);
  const base = ndName.slice(0, ndName.lastIndexOf("."));
  const bool = (key: string) => (k.get(key) ?? "").toLowerCase() === "true";
  const int = (key: string) => {
    const v = k.get(key);
    return v === undefined ? undefined : Number.parseInt(v, 10) || 0;
  };
  const waveNames: string[] = [];
  const hasZ: boolean[] = [];
  for (const m of text.matchAll(/^\s*"(WaveName|WaveDoZ)\d*"\s*,\s*(.*?)\s*$/gm)) {
    if (m[1] === "WaveName") waveNames.push(m[2]!.slice(1, -1));
    else hasZ.push(m[2]!.toLowerCase() === "true");
  }
  const globalDoZ = bool("dozseries");
  if (!globalDoZ) hasZ.fill(false);
  const bizarre = waveNames.some((w) => w === "Both lasers" || w.startsWith("DUAL"));
  let cc = int("nwavelengths") ?? 0;
  if (cc === 0) cc = 1;
  if (cc === 1 && bizarre) cc = 2;
  const doTimelapse = bool("dotimelapse");
  let tc = int("ntimepoints") ?? 1;
  if (tc === 0) tc = 1;
  const nstages = int("nstagepositions") ?? 0;
  const stagesCount = nstages === 0 ? 1 : nstages;
  const useWaveNames = k.get("waveinfilename") === undefined || bool("waveinfilename");
  const doWave = bool("dowave");
  const version = /^Version\s+\d\.\d/.exec(k.get("ndinfofile") ?? "Version 1.0")?.[0] ?? "Version 1.0";
  const anyZ = hasZ.includes(true);
  const out: string[] = [];
  for (let i = 0; i < tc; i++) {
    for (let s = 0; s < stagesCount; s++) {
      for (let j = 0; j < cc; j++) {
        let suffix = ".STK";
        if (version === "Version 1.0") suffix = (anyZ && j < hasZ.length && hasZ[j]) || globalDoZ ? ".STK" : ".TIF";
        else if (version === "Version 2.0") suffix = ".TIF";
        let name = base;
        if (j < waveNames.length && doWave) {
          name += `_w${j + 1}`;
          if (useWaveNames) name += waveNames[j]!.replace(/[_/\\()]/g, "-");
        }
        if (nstages > 0) name += `_s${s + 1}`;
        name += tc > 1 || doTimelapse ? `_t${i + 1}${suffix}` : suffix;
        out.push(name);
      }
    }
  }
  return out;
}

/**
 * A TIFF/STK name shaped like a MetaMorph plane (`<base>_w<n><wave>_s<n>_t<n>.TIF`, each part
 * optional): the base its .nd would have, or null. `_t<n>` alone is common outside MetaMorph, so it
 * counts only with MetaMorph's upper-case extension or MetaMorph's UIC tags (33628-33631).
 */
export function metamorphPlaneBase(name: string, tiffTags?: number[]): string | null {
  const m = /^(.+?)(_w\d+[^_]*)?(_s\d+)?(_t\d+)?\.(tif|tiff|stk)$/i.exec(name);
  if (!m?.[1]) return null;
  if (m[2] || m[3]) return m[1];
  if (!m[4]) return null;
  const uic = tiffTags?.some((t) => t >= 33628 && t <= 33631) ?? false;
  return m[5] === "TIF" || m[5] === "STK" || uic ? m[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Which .nd a TIFF/STK belongs to, and the planes an .nd uses (MetamorphReader, df36e691).

const ND_EXT = ["nd", "ND", "scan", "SCAN"];

/**
 * MetamorphReader.isThisType(name, open) (l. 199-228): cut the name at its last '_' again and again; the
 * first cut with `<cut>.nd`/`.ND`/`.scan`/`.SCAN` beside it claims the file; a `<cut>.htd`/`.HTD` first
 * refuses it (a MetaXpress plate's file). Exact case, as Location.exists.
 */
export function metamorphClaim(ctx: Ctx, dir: string, name: string): string | "htd" | null {
  let base = name;
  while (base.includes("_")) {
    base = base.slice(0, base.lastIndexOf("_"));
    for (const ext of ND_EXT) {
      const p = join(dir, `${base}.${ext}`);
      if (ctx.files.has(p)) return p;
    }
    if (ctx.files.has(join(dir, `${base}.htd`)) || ctx.files.has(join(dir, `${base}.HTD`))) return "htd";
  }
  return null;
}

/**
 * MetamorphReader.initFile (l. 428-469) for a TIFF/STK: the `.nd`/`.scan` of its folder whose name (up to
 * and with its first '_') the file's name starts with, or equals the file's own such prefix; the longest
 * common start wins, a tie goes to the one whose name ends there (`<prefix>.nd`).
 */
export function metamorphNdFor(ctx: Ctx, dir: string, name: string): string | null {
  const stkPrefix = name.includes("_") ? name.slice(0, name.indexOf("_") + 1) : name;
  let best: string | null = null;
  let matching = 0;
  for (const n of ctx.dirs.get(dir)?.names ?? []) {
    const ln = n.toLowerCase();
    if (!ln.endsWith(".nd") && !ln.endsWith(".scan")) continue;
    let prefix = n.slice(0, n.lastIndexOf("."));
    if (prefix.includes("_")) prefix = prefix.slice(0, prefix.indexOf("_") + 1);
    if (!name.startsWith(prefix) && prefix !== stkPrefix) continue;
    let count = 0;
    while (count < n.length && count < name.length && n[count] === name[count]) count++;
    if (count > matching || (count === matching && n[count] === ".")) {
      best = join(dir, n);
      matching = count;
    }
  }
  return best;
}

/** getRealSTKFile (l. 1539-1592): the computed name, else its stem with `.TIF`, `.tif`, `.stk`. */
function realPlane(ctx: Ctx, dir: string, file: string): string | null {
  const exact = join(dir, file);
  if (ctx.files.has(exact)) return exact;
  const stem = file.slice(0, file.lastIndexOf("."));
  for (const ext of [".TIF", ".tif", ".stk"]) if (ctx.files.has(join(dir, stem + ext))) return join(dir, stem + ext);
  return null;
}

export interface NdPlanes {
  /** Every plane the .nd names, as the present file's path when there is one, else as MetamorphReader spells it. */
  expected: string[];
  /** The present planes (getSeriesUsedFiles: the names that exist). */
  present: string[];
  presentSet: Set<string>;
}

/** The planes of an `.nd` read whole (null: not read whole, or not an .nd/.scan). */
export function ndPlanes(ctx: Ctx, ndPath: string): NdPlanes | null {
  return memo(ctx, `nd:${ndPath}`, () => computeNdPlanes(ctx, ndPath));
}

function computeNdPlanes(ctx: Ctx, ndPath: string): NdPlanes | null {
  const f = ctx.files.get(ndPath);
  if (!f?.probe?.head || !wholeFileRead(f)) return null;
  const name = baseOf(ndPath);
  const dir = dirOf(ndPath);
  const expected: string[] = [];
  const present: string[] = [];
  for (const file of metamorphPlaneFiles(name, f.probe.head.toString("latin1"))) {
    const real = realPlane(ctx, dir, file);
    expected.push(real ?? join(dir, file));
    if (real) present.push(real);
  }
  const presentSet = new Set(present);
  return { expected: [...new Set(expected)], present: [...presentSet], presentSet };
}
