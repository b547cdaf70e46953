/**
 * PerkinElmerReader (order 103; ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/PerkinElmerReader.java):
 * UltraVIEW `.htm` + `.tim/.csv/.zpo/.cfg/.ano/.rec` + TIFF or raw hex-suffixed planes (`x.2`, `x.3`...).
 *
 * - isThisType(name, true): a `.cfg` must contain "Ultraview"; a "bin file" has a hex-number or `tif/tiff`
 *   extension and its name is cut at its last `_`; then `<prefix>.htm` or `.HTM` (exact case; cutting `_` parts)
 *   must exist, and the name must be a bin file or carry one of the reader's suffixes (ano cfg csv htm rec tim zpo
 *   tif). Names an earlier reader claims by suffix (`.c01`: Cellomics) stay its.
 * - initFile: always on an `.htm` (the folder's first when another file was given); `check` = its base name. The
 *   folder's files, sorted, join when their base starts with `check`, `check` starts with it, or it starts with
 *   the base of the last file that joined (a chain); of those, TIFFs and hex-extension files are planes, and the
 *   first `.cfg/.ano/.rec/.tim/.csv/.zpo/.htm` are companions (getSeriesUsedFiles: allFiles).
 * - setId fails (the files are ignored with the reason) with no plane file, or a TIFF whose `_NNN` before the
 *   dot is not a number.
 * Nothing lists the planes: no expected list; the quiet period decides.
 */
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import { suffixMatches } from "./catalogue-index";
import type { Ctx } from "./context";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { P } from "./names";

export const PERKIN_ELMER = `${P}PerkinElmerReader`;
const ORDER = 103;
const SUFFIX_RE = /\.(ano|cfg|csv|htm|rec|tim|zpo|tif)(\.gz|\.bz2)?$/;
const COMPANION_RE = Object.fromEntries(
  ["cfg", "ano", "rec", "tim", "csv", "zpo", "htm"].map((c) => [c, new RegExp(`\\.${c}(\\.gz|\\.bz2)?$`)]),
) as Record<string, RegExp>;
const TIFF = /\.(tif|tiff|tf2|tf8|btf)(\.gz|\.bz2)?$/i;
const COMPANIONS = ["cfg", "ano", "rec", "tim", "csv", "zpo", "htm"] as const;

const isHex = (ext: string) => /^[+-]?[0-9a-fA-F]+$/.test(ext);

/** The `.htm` PerkinElmerReader.isThisType looks for, or null when it does not accept the name. */
export function peHtmFor(ctx: Ctx, f: CandidateFile): string | null {
  const name = baseOf(f.path);
  const dir = dirOf(f.path);
  const ln = name.toLowerCase();
  if (/\.cfg(\.gz|\.bz2)?$/.test(ln) && !f.probe?.head?.toString("latin1").includes("Ultraview")) return null;
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1) : name;
  const bin = isHex(ext) || ext.toLowerCase() === "tif" || ext.toLowerCase() === "tiff";
  let prefix = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name;
  if (bin && prefix.includes("_")) prefix = prefix.slice(0, prefix.lastIndexOf("_"));
  const has = (n: string) => ctx.files.has(join(dir, n));
  let html: string | null = ext.toLowerCase() === "htm" ? name : has(`${prefix}.htm`) ? `${prefix}.htm` : null;
  if (!html) {
    html = has(`${prefix}.HTM`) ? `${prefix}.HTM` : null;
    while (!html && prefix.includes("_")) {
      prefix = prefix.slice(0, prefix.lastIndexOf("_"));
      html = has(`${prefix}.htm`) ? `${prefix}.htm` : has(`${prefix}.HTM`) ? `${prefix}.HTM` : null;
    }
  }
  if (!html) return null;
  const suffixOk = SUFFIX_RE.test(ln);
  return bin || suffixOk ? join(dir, html) : null;
}

/** initFile's scan of the folder from the `.htm`: planes and companions, or why setId fails. */
function scan(ctx: Ctx, htm: string): { members: string[] } | { error: string } {
  const dir = dirOf(htm);
  const hname = baseOf(htm);
  const check = hname.includes(".") ? hname.slice(0, hname.lastIndexOf(".")) : hname;
  const names = (ctx.dirs.get(dir)?.names ?? []).filter((n) => !n.startsWith(".") && n.includes("."));
  let prefix: string | null = null;
  const planes: string[] = [];
  const companions = new Map<string, string>();
  for (const n of names) {
    const d = n.lastIndexOf(".");
    const s = n.slice(0, d);
    if (!(s.startsWith(check) || check.startsWith(s) || (prefix !== null && s.startsWith(prefix)))) continue;
    prefix = s;
    const ln = n.toLowerCase();
    for (const c of COMPANIONS) if (!companions.has(c) && COMPANION_RE[c]!.test(ln)) companions.set(c, join(dir, n));
    if (TIFF.test(n)) {
      const bad = (from: number, to: number) => from >= 0 && !/^[+-]?\d+$/.test(n.slice(from, to));
      if ((d - 4 >= 0 && n[d - 4] === "_" && bad(d - 3, d)) || (d - 9 >= 0 && n[d - 9] === "_" && bad(d - 8, d - 4)))
        return { error: `PerkinElmerReader cannot read ${n}: the digits before its suffix are not a number` };
      planes.push(join(dir, n));
    } else if (isHex(n.slice(d + 1))) planes.push(join(dir, n));
  }
  if (planes.length === 0) return { error: `PerkinElmerReader finds no plane files (TIFF or .2, .3...) for ${hname}` };
  return {
    members: [htm, ...planes, ...COMPANIONS.map((c) => companions.get(c)).filter((p): p is string => !!p && p !== htm)],
  };
}

function run(ctx: Ctx, files: CandidateFile[], taken: (p: string) => boolean): FamilyOutcome {
  const sets: FamilySet[] = [];
  const ignored = new Map<string, string>();
  const accepted = files.filter(
    (f) =>
      peHtmFor(ctx, f) !== null &&
      !suffixMatches(ctx.idx, baseOf(f.path).toLowerCase()).some((m) => m.reader.order < ORDER),
  );
  const htms = accepted.filter((f) => /\.htm$/i.test(f.path));
  const inSet = new Set<string>();
  for (const h of htms) {
    if (inSet.has(h.path)) continue;
    const r = scan(ctx, h.path);
    if ("error" in r) {
      ignored.set(h.path, r.error);
      continue;
    }
    const members = r.members.filter((p) => p === h.path || (!inSet.has(p) && !taken(p)));
    for (const p of members) inSet.add(p);
    sets.push({ reader: PERKIN_ELMER, entry: h.path, members });
  }
  // Accepted files no .htm scan took: initFile opens the folder's first .htm, whose set does not hold them.
  for (const f of accepted) {
    if (inSet.has(f.path) || ignored.has(f.path)) continue;
    const htm = peHtmFor(ctx, f)!;
    ignored.set(
      f.path,
      ignored.get(htm) ??
        `PerkinElmerReader takes ${baseOf(f.path)} (beside ${baseOf(htm)}) but its dataset does not use it`,
    );
  }
  return { sets, ignored };
}

export const perkinElmerRule: FamilyRule = {
  reader: PERKIN_ELMER,
  // Bin files have a hex extension; peHtmFor decides (a `.htm` must be beside it).
  wants: (ln) => /\.([0-9a-f]+|ano|cfg|csv|htm|rec|tim|zpo|tiff?)$/.test(ln),
  run,
};
