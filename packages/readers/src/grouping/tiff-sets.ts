/**
 * TIFF readers that collect a dataset's files from its folder by content (ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/), as claims (entry-lists.ts) before the name rules:
 *
 * - TCSReader (142; isThisType, initFile, groupFiles): a TIFF whose DocumentName starts "CHANNEL" or whose
 *   Software starts "TCS", with no `.lei` for its name (cut at '_'); its set is the TCS TIFFs of the folder with
 *   a path of the same length and a DateTime within 10 minutes of a member (a `.xml` starting "<Data>" opens the
 *   folder's first TIFF but is not kept: tcsXmlDecision).
 *   (The IFD count and size checks of groupFiles are not modelled: the probe reads the first IFD only.)
 * - MetamorphTiffReader (150; initFile, findTIFFs): a TIFF whose description is `<MetaData>...</MetaData>`; a
 *   file named by an integer (`7.tif`) is one of a numbered series, the folder's other such files with the
 *   same suffix (FilePattern over the name; the NewSubfileType check is not modelled).
 * - TrestleReader (157): a `.tif` whose Copyright holds "Trestle Corp." takes every other file of its folder.
 * - ZeissTIFFReader (160; evalFile): `x.tif` with `x.tif_meta.xml`, or with `x.tif_files/_meta.xml` and the
 *   plane TIFFs `<x>_*.tif` of that folder (the plane names come from the XML; here by their prefix).
 * - SlidebookTiffReader (163): Software "SlideBook", no description and a SlideBook tag (65000-65007); its set
 *   is the SlideBook TIFFs of the folder with the same DateTime.
 */
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx, Decision } from "./context";
import { P, isTiffName } from "./names";
import { walkOrder } from "./pruning";

export const TCS = `${P}TCSReader`;
export const METAMORPH_TIFF = `${P}MetamorphTiffReader`;
export const TRESTLE = `${P}TrestleReader`;
export const ZEISS_TIFF = `${P}ZeissTIFFReader`;
export const SLIDEBOOK_TIFF = `${P}SlidebookTiffReader`;

type Claim = (member: string, entry: string, reader: string) => void;

const text = (f: CandidateFile, tag: number) => f.probe?.tiffText?.[tag];

function isTcs(f: CandidateFile): boolean {
  return (text(f, 269) ?? "").startsWith("CHANNEL") || (f.probe?.tiffSoftware ?? "").trim().startsWith("TCS");
}

/** TCSReader.isThisType: no `<prefix>.lei`/`.LEI` for the name (cut at '_' until one exists). */
function hasLei(ctx: Ctx, path: string): boolean {
  let prefix = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : path;
  for (;;) {
    if (ctx.files.has(`${prefix}.lei`) || ctx.files.has(`${prefix}.LEI`)) return true;
    const cut = prefix.lastIndexOf("_");
    if (cut < 0 || cut < prefix.lastIndexOf("/")) return false;
    prefix = prefix.slice(0, cut);
  }
}

/** "yyyy:MM:dd HH:mm:ss" as milliseconds (DateTools.getTime), or null. */
function dateTime(f: CandidateFile): number | null {
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text(f, 306) ?? "");
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

function tcsClaims(ctx: Ctx, dir: string, names: string[], claim: Claim): void {
  const tiffs = names
    .map((n) => ctx.files.get(join(dir, n))!)
    .filter((f) => isTiffName(baseOf(f.path).toLowerCase()) && f.probe && isTcs(f) && !hasLei(ctx, f.path));
  if (tiffs.length === 0) return;
  const done = new Set<string>();
  for (const seed of tiffs) {
    if (done.has(seed.path)) continue;
    const group = [seed];
    // groupFiles: TIFFs with the same path length, Software "TCS", a DateTime within 10 minutes of a member.
    for (const f of tiffs) {
      if (f === seed || done.has(f.path) || f.path.length !== seed.path.length) continue;
      if (!(f.probe?.tiffSoftware ?? "").trim().startsWith("TCS")) continue;
      const t = dateTime(f);
      if (t === null) continue;
      if (group.some((g) => Math.abs((dateTime(g) ?? Number.NaN) - t) < 600_000)) group.push(f);
    }
    for (const g of group) {
      done.add(g.path);
      claim(g.path, seed.path, TCS);
    }
  }
}

/**
 * A Leica TCS `.xml` (its text starts "<Data>"): TCSReader opens the folder's first TIFF through it, whose fileset
 * does not list it (close() forgets the XML), so OMERO's candidate scan prunes it, and the TIFFs' fileset with it
 * when the `.xml` is walked first (pruning.ts).
 */
export function tcsXmlDecision(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  if (!ln.endsWith(".xml") || !ctx.idx.has.has(TCS) || hasLei(ctx, f.path)) return null;
  if (f.probe?.head?.toString("latin1", 0, 6) !== "<Data>") return null;
  const dir = dirOf(f.path);
  const first = ctx.dirs.get(dir)?.names.find((n) => isTiffName(n.toLowerCase()));
  const claim = first ? ctx.claims.get(join(dir, first)) : undefined;
  if (!claim || claim.reader !== TCS) return null;
  return {
    kind: "ignored",
    reason: `Leica TCS XML ${baseOf(f.path)}: TCSReader opens ${first} through it but does not keep it among the files it uses, so OMERO's import skips it`,
    opens: claim.entry,
  };
}

const isMetaData = (f: CandidateFile) => {
  const d = f.probe?.tiffDescription?.trim();
  return !!d && d.startsWith("<MetaData>") && d.endsWith("</MetaData>");
};

function metamorphTiffClaims(ctx: Ctx, dir: string, names: string[], claim: Claim): void {
  const numbered = new Map<string, string[]>();
  for (const n of names) {
    const f = ctx.files.get(join(dir, n))!;
    if (!isTiffName(n.toLowerCase()) || !isMetaData(f)) continue;
    const stem = n.slice(0, n.indexOf("."));
    if (!/^\d+$/.test(stem)) {
      claim(f.path, f.path, METAMORPH_TIFF);
      continue;
    }
    const suffix = n.slice(n.indexOf("."));
    numbered.set(suffix, [...(numbered.get(suffix) ?? []), f.path]);
  }
  for (const paths of numbered.values()) {
    // NumericComparator: 2.tif before 10.tif; the first walked opens the series.
    const entry = [...paths].sort(walkOrder)[0]!;
    for (const p of paths) claim(p, entry, METAMORPH_TIFF);
  }
}

function trestleClaims(ctx: Ctx, dir: string, names: string[], claim: Claim): void {
  const trestle = names.find((n) => {
    const f = ctx.files.get(join(dir, n))!;
    return n.toLowerCase().endsWith(".tif") && (text(f, 33432) ?? "").includes("Trestle Corp.");
  });
  if (!trestle) return;
  const entry = join(dir, trestle);
  for (const n of names) if (!n.startsWith(".")) claim(join(dir, n), entry, TRESTLE);
}

function zeissTiffClaims(ctx: Ctx, dir: string, names: string[], claim: Claim): void {
  for (const n of names) {
    if (!n.endsWith(".tif")) continue;
    const tif = join(dir, n);
    const single = join(dir, `${n}_meta.xml`);
    if (ctx.files.has(single)) {
      claim(tif, tif, ZEISS_TIFF);
      claim(single, tif, ZEISS_TIFF);
      continue;
    }
    for (const sub of [`${n}_files`, `${n}_Files`]) {
      const planes = join(dir, sub);
      const xml = join(planes, "_meta.xml");
      if (!ctx.files.has(xml)) continue;
      claim(tif, tif, ZEISS_TIFF);
      claim(xml, tif, ZEISS_TIFF);
      const listed = zeissPlanes(ctx, xml, n);
      const prefix = `${n.slice(0, -4)}_`.toLowerCase();
      for (const p of ctx.dirs.get(planes)?.names ?? []) {
        const path = join(planes, p);
        if (
          listed ? listed.has(p.toLowerCase()) : p.toLowerCase().startsWith(prefix) && p.toLowerCase().endsWith(".tif")
        )
          claim(path, tif, ZEISS_TIFF);
      }
      break;
    }
  }
}

/**
 * The plane files a `_meta.xml` read whole names (ZeissTIFFHandler: each element under ROOT holding a Tags block
 * is a plane; fillMetadataPass1: `<prefix>_<plane>.tif`, prefix = the main Filename tag (1553) without its
 * `.tif`/`.zvi`, else the TIFF's own name), lower case (lookup matches without case); null: not read whole.
 */
export function zeissPlanes(ctx: Ctx, xml: string, tifName: string): Set<string> | null {
  const f = ctx.files.get(xml);
  if (!f?.probe?.head || f.probe.head.length < f.size) return null;
  const text = f.probe.head.toString("utf8");
  const main = /<ROOT>\s*<Tags>([\s\S]*?)<\/Tags>/.exec(text)?.[1] ?? "";
  const idx = /<I(\d+)>\s*1553\s*<\/I\1>/.exec(main)?.[1];
  const file = idx === undefined ? tifName : (new RegExp(`<V${idx}>([^<]*)</V${idx}>`).exec(main)?.[1] ?? tifName);
  const name = file.slice(Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1);
  const prefix = /\.(tif|zvi)$/i.test(name) ? name.slice(0, name.lastIndexOf(".")) : name;
  const out = new Set<string>();
  for (const m of text.matchAll(/<([A-Za-z_][\w.-]*)>\s*<Tags>/g))
    if (m[1] !== "ROOT" && m[1] !== "Scaling") out.add(`${prefix}_${m[1]}.tif`.toLowerCase());
  return out;
}

/** A TIFF in `x.tif_files/` beside `_meta.xml` that the XML does not name: ZeissTIFFReader opens x.tif's set through it. */
export function zeissOrphan(ctx: Ctx, f: CandidateFile): Decision | null {
  const dir = dirOf(f.path);
  const folder = baseOf(dir);
  if (!ctx.idx.has.has(ZEISS_TIFF) || !/\.tif_files$/i.test(folder) || !ctx.files.has(join(dir, "_meta.xml")))
    return null;
  const tif = join(dirOf(dir), folder.slice(0, -"_files".length));
  if (ctx.claims.get(tif)?.reader !== ZEISS_TIFF) return null;
  return {
    kind: "ignored",
    reason: `${baseOf(f.path)} is in ${folder}/ but its _meta.xml does not name it as a plane, so ZeissTIFFReader does not use it and OMERO's import skips it`,
    opens: tif,
  };
}

const SLIDEBOOK_TAGS = [65000, 65001, 65002, 65004, 65005, 65007];

function slidebookClaims(ctx: Ctx, dir: string, names: string[], claim: Claim): void {
  const byStamp = new Map<string, string>();
  for (const n of names) {
    const f = ctx.files.get(join(dir, n))!;
    if (!isTiffName(n.toLowerCase()) || f.probe?.tiffSoftware !== "SlideBook") continue;
    // ifd.getComment().length() == 0: an empty description (none at all throws, so isThisType says no).
    if (f.probe.tiffDescription !== "" || !SLIDEBOOK_TAGS.some((t) => f.probe?.tiffTags?.includes(t))) continue;
    const stamp = text(f, 306) ?? "";
    const entry = byStamp.get(stamp) ?? f.path;
    byStamp.set(stamp, entry);
    claim(f.path, entry, SLIDEBOOK_TIFF);
  }
}

/** Claims of the readers above, for every folder holding a probed TIFF of theirs (most watches have none). */
export function tiffSetClaims(ctx: Ctx, sorted: CandidateFile[], claim: Claim): void {
  const has = ctx.idx.has;
  const dirs = new Set<string>();
  for (const f of sorted) {
    const p = f.probe;
    if (!p || p.tiffTags === undefined) continue;
    if (p.tiffText || p.tiffSoftware || p.tiffDescription?.includes("<MetaData>") || baseOf(f.path).endsWith(".tif"))
      dirs.add(dirOf(f.path));
  }
  for (const dir of dirs) {
    const names = ctx.dirs.get(dir)?.names ?? [];
    if (has.has(TCS)) tcsClaims(ctx, dir, names, claim);
    if (has.has(METAMORPH_TIFF)) metamorphTiffClaims(ctx, dir, names, claim);
    if (has.has(TRESTLE)) trestleClaims(ctx, dir, names, claim);
    if (has.has(ZEISS_TIFF)) zeissTiffClaims(ctx, dir, names, claim);
    if (has.has(SLIDEBOOK_TIFF)) slidebookClaims(ctx, dir, names, claim);
  }
}
