/**
 * Entry files that list their members (README rule 4): companion OME-XML and multi-file OME-TIFF
 * (UUID@FileName), .ndpis (ImageN=), Micro-Manager FileName keys. Their claims precede name rules.
 */
import { isOmeXmlWithImage, omeReferencedFiles } from "../omexml";
import { baseOf, dirOf, join, resolveRef } from "../paths";
import { findPath } from "./context";
import type { Ctx } from "./context";
import { leiListed, patternListed, patternRefusal, xlefListed, xlifImages } from "./listed";
import { hitachiBrukerClaims } from "./hitachi-bruker";
import { lifClaims } from "./lif";
import { ndPlanes } from "./metamorph";
import { mmEntryForDir, mmFileNames } from "./micromanager";
import { OME_TIFF_SUFFIXES, R, endsWithAny, isTiffName } from "./names";
import { headUtf8 } from "../head";
import { stubLosesSet } from "./tiff-names";
import { tiffSetClaims } from "./tiff-sets";
import type { CandidateFile } from "../types";

export function ndpisImages(f: CandidateFile): string[] {
  const t = headUtf8(f);
  if (!t) return [];
  const out: string[] = [];
  for (const m of t.matchAll(/^\s*Image\d+\s*=\s*(.+?)\s*$/gim)) out.push(m[1]!);
  return out;
}

export function buildClaims(ctx: Ctx, sorted: CandidateFile[]): void {
  const claim = (member: string, entryPath: string, reader: string) => {
    if (!ctx.claims.has(member)) ctx.claims.set(member, { entry: entryPath, reader });
  };
  const has = ctx.idx.has;
  // Entries of the listing rules below, found in one pass (most watches have none).
  const listing = listingEntries(sorted);
  // FilePatternReader is first in readers.txt: a .pattern takes every present file it names.
  if (has.has(R.pattern)) {
    for (const f of listing.pattern) {
      if (patternRefusal(f)) continue;
      claim(f.path, f.path, R.pattern);
      for (const p of patternListed(ctx, f)?.paths ?? []) if (ctx.files.has(p)) claim(p, f.path, R.pattern);
    }
  }
  // OME-TIFF companions first, then multi-file OME-TIFFs (the file listing most present files wins).
  if (has.has(R.ometiff)) {
    const lists: { path: string; members: string[] }[] = [];
    for (const f of sorted) {
      const ln = baseOf(f.path).toLowerCase();
      if (ln.startsWith(".") || ln.endsWith(".filepart")) continue;
      const dir = dirOf(f.path);
      if (ln.endsWith(".companion.ome")) {
        const xml = headUtf8(f);
        const refs = xml ? omeReferencedFiles(xml).map((r) => resolveRef(dir, r)) : null;
        const members = refs
          ? refs.map((r) => findPath(ctx, r)).filter((p): p is string => p !== null)
          : (ctx.dirs.get(dir)?.names ?? [])
              .filter((n) => endsWithAny(n.toLowerCase(), OME_TIFF_SUFFIXES))
              .map((n) => join(dir, n));
        claim(f.path, f.path, R.ometiff);
        for (const m of members) {
          // A stub walked first loses the set (tiff-names.ts decides it): not claimed.
          const mf = ctx.files.get(m);
          if (mf && stubLosesSet(mf, f.path)) continue;
          claim(m, f.path, R.ometiff);
        }
      } else if (isTiffName(ln) && isOmeXmlWithImage(f.probe?.tiffDescription)) {
        const refs = omeReferencedFiles(f.probe!.tiffDescription!).map((r) => findPath(ctx, resolveRef(dir, r)));
        const members = refs.filter((p): p is string => p !== null && p !== f.path);
        if (members.length > 0) lists.push({ path: f.path, members });
      }
    }
    lists.sort((a, b) => b.members.length - a.members.length || (a.path < b.path ? -1 : 1));
    for (const l of lists) {
      if (ctx.claims.has(l.path)) continue;
      claim(l.path, l.path, R.ometiff);
      for (const m of l.members) claim(m, l.path, R.ometiff);
    }
  }
  if (has.has(R.ndpis)) {
    for (const f of sorted) {
      if (!f.path.toLowerCase().endsWith(".ndpis")) continue;
      const dir = dirOf(f.path);
      claim(f.path, f.path, R.ndpis);
      for (const img of ndpisImages(f)) {
        const p = findPath(ctx, resolveRef(dir, img));
        if (p) claim(p, f.path, R.ndpis);
      }
    }
  }
  listedClaims(ctx, listing, claim);
  // MetaMorph: an .nd's fileset uses the planes it names, whatever reader would read one alone (a
  // `<base>.TIF` plane has no '_' for MetamorphReader.isThisType; OMERO's scan prunes its own fileset).
  if (has.has(R.metamorph)) {
    for (const nds of ctx.nd.values())
      for (const nd of nds) for (const p of ndPlanes(ctx, nd)?.present ?? []) claim(p, nd, R.metamorph);
  }
  if (has.has(R.mm)) {
    for (const [dir, list] of ctx.mm) {
      for (const meta of list) {
        const e = mmEntryForDir(ctx, dir) ?? meta;
        for (const fn of mmFileNames(ctx.files.get(meta)!)) {
          const p = findPath(ctx, resolveRef(dir, fn));
          if (p) claim(p, e, R.mm);
        }
      }
    }
  }
  // Readers that gather their files by content or name (tiff-sets.ts, hitachi-bruker.ts).
  tiffSetClaims(ctx, sorted, claim);
  hitachiBrukerClaims(ctx, sorted, claim);
  lifClaims(ctx, sorted, claim);
}

/** Required files of a fileset whose entry is present, with one reason line per missing file. */

/** Lower-case name suffixes of the listing entries, tested on the last characters only (cheap per file). */
const LISTING_EXT = /\.(pattern|lei|xlef|xlif|xlcf)$/i;

function listingEntries(sorted: CandidateFile[]): Record<"pattern" | "lei" | "xlef" | "doc", CandidateFile[]> {
  const out: Record<"pattern" | "lei" | "xlef" | "doc", CandidateFile[]> = { pattern: [], lei: [], xlef: [], doc: [] };
  for (const f of sorted) {
    const m = LISTING_EXT.exec(f.path.slice(-8));
    if (!m || baseOf(f.path).startsWith(".")) continue;
    const ext = m[1]!.toLowerCase();
    if (ext === "pattern" || ext === "lei" || ext === "xlef") out[ext].push(f);
    else out.doc.push(f);
  }
  return out;
}

/** Leica `.lei` (its TIFF list) and `.xlef` (documents, frames, `.lof` blocks) claims; an `.xlif`/`.xlcf` no
 * `.xlef` references, and the files it names, wait for one (they are never read alone). */
function listedClaims(
  ctx: Ctx,
  listing: ReturnType<typeof listingEntries>,
  claim: (m: string, e: string, r: string) => void,
): void {
  const has = ctx.idx.has;
  if (has.has(R.leica)) {
    for (const f of listing.lei) {
      claim(f.path, f.path, R.leica);
      for (const p of leiListed(ctx, f)?.paths ?? []) if (ctx.files.has(p)) claim(p, f.path, R.leica);
    }
  }
  if (!has.has(R.xlef)) return;
  for (const f of listing.xlef) {
    claim(f.path, f.path, R.xlef);
    for (const p of xlefListed(ctx, f)?.paths ?? []) if (ctx.files.has(p)) claim(p, f.path, R.xlef);
  }
  for (const d of listing.doc) {
    if (ctx.claims.has(d.path)) continue;
    const why = `${baseOf(d.path)} is a Leica LAS X document read only through an .xlef that references it, and waits for it`;
    ctx.waits.set(d.path, why);
    if (!d.probe?.head || !baseOf(d.path).toLowerCase().endsWith(".xlif")) continue;
    for (const p of xlifImages(ctx, d.path, d.probe.head.toString("utf8")))
      if (ctx.files.has(p) && !ctx.claims.has(p))
        ctx.waits.set(
          p,
          `${baseOf(p)} is named by ${baseOf(d.path)} (Leica LAS X) and waits for the .xlef that references it`,
        );
  }
}
