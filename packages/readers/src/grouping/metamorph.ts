/**
 * MetaMorph: the .nd file's counts give its plane names (MetamorphReader.initFile builds
 * prefix + "_w" + n + waveName + "_s" + n + "_t" + n + ".TIF"/".STK"), and a TIFF named like such a
 * plane may still get its .nd (MetamorphReader.isThisType strips "_..." suffixes looking for one).
 */
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
  const k = ndKeys(text);
  const base = ndName.slice(0, ndName.lastIndexOf("."));
  const yes = (key: string) => (k.get(key) ?? "").toUpperCase() === "TRUE";
  const n = (key: string) => Math.max(1, Number.parseInt(k.get(key) ?? "1", 10) || 1);
  const waves: string[] = [""];
  if (yes("dowave")) {
    waves.length = 0;
    const inName = k.get("waveinfilename") === undefined || yes("waveinfilename");
    for (let i = 1; i <= n("nwavelengths"); i++) {
      const wn = (k.get(`wavename${i}`) ?? "").replace(/[_/\\()]/g, "-");
      waves.push(`_w${i}${inName ? wn : ""}`);
    }
  }
  const stages = yes("dostage") ? Array.from({ length: n("nstagepositions") }, (_, i) => `_s${i + 1}`) : [""];
  const times = yes("dotimelapse") ? Array.from({ length: n("ntimepoints") }, (_, i) => `_t${i + 1}`) : [""];
  const out: string[] = [];
  for (const w of waves) for (const s of stages) for (const t of times) out.push(`${base}${w}${s}${t}`);
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
