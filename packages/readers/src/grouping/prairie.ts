/**
 * PrairieReader (order 146; ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/PrairieReader.java,
 * PrairieMetadata.java): Bruker/Prairie View `.xml` + `.env` / `<name>Config.cfg` + TIFFs.
 *
 * - isThisType(name, true): `.xml/.cfg/.env/.tif/.tiff`; the name without its extension (for a `.cfg`, cut before
 *   its last `Config`), cut at `_` until `<prefix>.xml` exists (exact case), whose first MiB holds `xml` and `<PV`.
 * - initFile: the XML opened, else the folder's first `.xml` (Location.list order); the folder's first `.cfg`
 *   and first `.env` (findMetadataFiles, any name; see configFile for two datasets in one folder).
 * - getSeriesUsedFiles: the XML, the `.cfg`, the `.env` and every `Sequence/Frame/File@filename` (relative to the
 *   XML's folder), present or not. So a listed TIFF not there yet is a `missing` member (Bio-Formats would import
 *   the set with black planes), and a TIFF PrairieReader accepts by its prefix but the XML does not list is used by
 *   no fileset: Bio-Formats' candidate pruning drops it (ignored here with that reason).
 * Readiness: expected = the listed files (+ XML, `.cfg`, `.env` present); closed once the XML was read whole and
 * a `.env` or `.cfg` is there (a later `.env` could otherwise still join). Held on purpose: a TIFF named like a
 * Prairie plane (`<base>_Cycle00001_Ch1_000001.ome.tif`) that no XML lists yet (the XML may come last).
 */
import { isOmeXmlWithImage } from "../omexml";
import { baseOf, dirOf, join, resolveRef } from "../paths";
import type { Ctx } from "./context";
import { earlierTiffReader } from "./families";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { wholeFileRead } from "../head";
import { P, R, isTiffName } from "./names";
import type { CandidateFile } from "../types";

export const PRAIRIE = `${P}PrairieReader`;
const ORDER = 146;

/** PrairieReader.isThisType(stream) for the XML: `xml` and `<PV` in its first MiB (our head: 64 KiB or whole). */
export function isPrairieXmlHead(head: Buffer | undefined): boolean {
  const t = head?.toString("latin1", 0, Math.min(head.length, 1048608));
  return !!t && t.includes("xml") && t.includes("<PV");
}

/** `File@filename` values of a Prairie XML (PrairieMetadata.PFile), in document order. */
export function prairieListed(xml: string): string[] {
  const out: string[] = [];
  for (const m of xml.matchAll(/<File\b[^>]*?\sfilename="([^"]*)"/g)) out.push(m[1]!);
  return out;
}

const isPrairieXml = (f: CandidateFile | undefined) => !!f && isPrairieXmlHead(f.probe?.head);

/** The `<prefix>.xml` PrairieReader.isThisType finds for a name, or null. */
function prefixXml(ctx: Ctx, dir: string, name: string): string | null {
  let prefix = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name;
  if (/\.cfg$/i.test(name)) {
    const i = prefix.lastIndexOf("Config");
    if (i < 0) return null;
    prefix = prefix.slice(0, i);
  }
  for (;;) {
    const p = join(dir, `${prefix}.xml`);
    if (ctx.files.has(p)) return isPrairieXml(ctx.files.get(p)) ? p : null;
    if (!prefix.includes("_")) return null;
    prefix = prefix.slice(0, prefix.lastIndexOf("_"));
  }
}

/**
 * findMetadataFiles takes the folder's first `.cfg` / `.env` in file-system order, so with two datasets in one
 * folder Bio-Formats pairs them by chance. Here (deviation): the dataset's own `<base>.env` / `<base>Config.cfg`,
 * else the first by name that no other Prairie XML of the folder names that way.
 */
function configFile(ctx: Ctx, xml: string, own: string, re: RegExp): string | null {
  const dir = dirOf(xml);
  const base = baseOf(xml).slice(0, -4);
  const names = (ctx.dirs.get(dir)?.names ?? []).filter((x) => !x.startsWith(".") && re.test(x));
  const mine = names.find((n) => n === `${base}${own}`);
  if (mine !== undefined) return join(dir, mine);
  const xmls = new Set((ctx.dirs.get(dir)?.names ?? []).filter((n) => n.toLowerCase().endsWith(".xml")));
  const free = names.find((n) => !xmls.has(`${n.slice(0, n.length - own.length)}.xml`) || !n.endsWith(own));
  return free === undefined ? null : join(dir, free);
}

function run(ctx: Ctx, files: CandidateFile[], taken: (p: string) => boolean): FamilyOutcome {
  const sets: FamilySet[] = [];
  const ignored = new Map<string, string>();
  const listedBy = new Map<string, string>();
  for (const f of files) {
    if (
      !f.path.toLowerCase().endsWith(".xml") ||
      !isPrairieXml(f) ||
      prefixXml(ctx, dirOf(f.path), baseOf(f.path)) !== f.path
    )
      continue;
    const dir = dirOf(f.path);
    const text = f.probe!.head!.toString("utf8");
    const listed = [...new Set(prairieListed(text).map((n) => resolveRef(dir, n)))];
    const cfg = configFile(ctx, f.path, "Config.cfg", /\.cfg(\.gz|\.bz2)?$/i);
    const env = configFile(ctx, f.path, ".env", /\.env(\.gz|\.bz2)?$/i);
    const meta = [f.path, ...[cfg, env].filter((p): p is string => p !== null)];
    const members = [...meta, ...listed.filter((p) => ctx.files.has(p) && !taken(p))];
    const whole = wholeFileRead(f);
    const required = whole
      ? listed
          .filter((p) => !ctx.files.has(p))
          .map((p) => ({ path: p, why: `${baseOf(p)}: listed in ${baseOf(f.path)}` }))
      : [];
    for (const p of listed) listedBy.set(p, f.path);
    sets.push({
      reader: PRAIRIE,
      entry: f.path,
      members,
      expected: whole ? [...meta, ...listed] : undefined,
      closed: whole && (cfg !== null || env !== null),
      required,
    });
  }
  // TIFFs PrairieReader takes by their prefix but no XML lists: in no fileset of Bio-Formats.
  for (const f of files) {
    const name = baseOf(f.path);
    // An OME-TIFF goes to OMETiffReader (order 139) first, a `.lei` prefix to LeicaReader (143).
    if (!isTiffName(name.toLowerCase()) || listedBy.has(f.path) || earlierTiffReader(ctx, f, ORDER)) continue;
    const xml = prefixXml(ctx, dirOf(f.path), name);
    if (xml)
      ignored.set(
        f.path,
        `PrairieReader takes ${name} by its prefix (${baseOf(xml)}) but the XML does not list it: Bio-Formats imports it with no fileset`,
      );
  }
  // Held on purpose: a TIFF named like a Prairie plane with no XML naming it yet (copied before its XML).
  for (const f of files) {
    const name = baseOf(f.path);
    const m = PLANE.exec(name);
    if (!m || listedBy.has(f.path) || ignored.has(f.path) || earlierTiffReader(ctx, f, ORDER)) continue;
    const desc = f.probe?.tiffDescription;
    sets.push({
      reader: desc !== undefined && isOmeXmlWithImage(desc) ? R.ometiff : R.tiff,
      entry: f.path,
      members: [f.path],
      hold: `Prairie plane name ${name}: may belong to ${m[1]}.xml not here yet`,
    });
  }
  return { sets, ignored };
}

/** Prairie View's plane names: `<base>_Cycle00001_Ch1_000001[.ome].tif`. */
const PLANE = /^(.+)_Cycle\d{5}_Ch\d+_\d{6}(\.ome)?\.tiff?$/i;

export const prairieRule: FamilyRule = {
  reader: PRAIRIE,
  wants: (ln) => /\.(xml|cfg|env|tiff?)$/.test(ln),
  run,
};

/** The head says this `.xml` is a Prairie dataset: read it whole (its File list). */
export function prairieWantsWhole(ln: string, head: Buffer): boolean {
  return (
    ln.endsWith(".xml") &&
    isPrairieXmlHead(head) &&
    head.toString("latin1", 0, Math.min(4096, head.length)).includes("<PVScan")
  );
}
