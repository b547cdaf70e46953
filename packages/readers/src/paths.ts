/** POSIX path helpers on absolute paths (pure string work, no fs). */

export function dirOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

export function baseOf(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

export function join(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** Resolves a relative reference (as found inside a metadata file; "\" accepted) against a folder. */
export function resolveRef(dir: string, ref: string): string {
  const rel = ref.replace(/\\/g, "/");
  const parts = rel.startsWith("/") ? [] : dir.split("/").filter((s) => s !== "");
  for (const seg of rel.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join("/")}`;
}

/** Lower-case name without a trailing .gz/.bz2 (Bio-Formats' checkSuffix also accepts those). */
export function stripCompression(lowerName: string): string {
  if (lowerName.endsWith(".gz")) return lowerName.slice(0, -3);
  if (lowerName.endsWith(".bz2")) return lowerName.slice(0, -4);
  return lowerName;
}

/** The suffixes a lower-case name can match: "a.ome.tif" -> ["tif", "ome.tif", "a.ome.tif"...]; "x." -> [""]. */
export function candidateSuffixes(lowerName: string): string[] {
  const out: string[] = [];
  for (const n of new Set([lowerName, stripCompression(lowerName)])) {
    for (let i = n.lastIndexOf("."); i >= 0; i = i === 0 ? -1 : n.lastIndexOf(".", i - 1)) out.push(n.slice(i + 1));
  }
  return out;
}
