export function ndKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const m of text.matchAll(/^\s*"([^"]+)"\s*,\s*(.*?)\s*$/gm))
    keys.set(m[1]!.toLowerCase(), m[2]!.replace(/^"|"$/g, ""));
  return keys;
}

/** MetaMorph plane names (without extension, lower case) computed from an .nd text. */
export function metamorphPlaneNames(ndName: string, text: string): string[] {
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
  for (const w of waves) for (const s of stages) for (const t of times) out.push(`${base}${w}${s}${t}`.toLowerCase());
  return out;
}
