/**
 * Two readers whose datasets are found by name (ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/),
 * as claims (entry-lists.ts):
 *
 * - HitachiReader (166; isThisType, initFile): `x.txt` starting with "[SemImageFile]" (ASCII or UTF-16) beside
 *   `x.bmp`, `x.jpg` or `x.tif`; the set is the `.txt` and its image: the `ImageName` it names when that file
 *   exists, else `x.tif`, `x.jpg`, `x.bmp` in that order. The image alone is read by its own reader (BMP, JPEG)
 *   or Hitachi's; OMERO's candidate scan keeps the `.txt`'s set.
 * - BrukerReader (174; isThisType, initFile, getSeriesUsedFiles): files named `fid` or `acqp` (exact) in
 *   `<study>/<n>/`; one fileset per study: the file opened and, for every acquisition `<study>/<m>/` with a
 *   `pdata/1/2dseq` (one series each), the files of `<study>/<m>/` and of `<study>/<m>/<child>/1/`. A study with
 *   no `2dseq` yet waits for it (initFile finds no series).
 */
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import { P } from "./names";
import { walkOrder } from "./pruning";

export const HITACHI = `${P}HitachiReader`;
export const BRUKER = `${P}BrukerReader`;

type Claim = (member: string, entry: string, reader: string) => void;

const MAGIC = "[SemImageFile]";

function isHitachiText(f: CandidateFile): boolean {
  const h = f.probe?.head;
  if (!h) return false;
  if (h.toString("latin1", 0, MAGIC.length) === MAGIC) return true;
  // isThisType(stream): the same bytes read as UTF-16 (with or without a byte-order mark).
  const le = h.subarray(0, (MAGIC.length + 1) * 2).toString("utf16le");
  const be = Buffer.from(h.subarray(0, (MAGIC.length + 1) * 2))
    .swap16()
    .toString("utf16le");
  return le.includes(MAGIC) || be.includes(MAGIC);
}

/** The `ImageName=` of the `[SemImageFile]` table. */
function imageName(f: CandidateFile): string | null {
  const h = f.probe!.head!;
  const t = h.toString("latin1").includes(MAGIC) ? h.toString("latin1") : h.toString("utf16le").replace(/^\uFEFF/, "");
  return /^\s*ImageName\s*=\s*(.+?)\s*$/m.exec(t)?.[1] ?? null;
}

function hitachiClaims(ctx: Ctx, f: CandidateFile, claim: Claim): void {
  const dir = dirOf(f.path);
  const name = baseOf(f.path);
  const base = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name;
  const images = [".tif", ".jpg", ".bmp"].map((e) => join(dir, base + e)).filter((p) => ctx.files.has(p));
  if (images.length === 0 || !isHitachiText(f)) return;
  const named = imageName(f);
  const pixels = named && ctx.files.has(join(dir, named)) ? join(dir, named) : images[0]!;
  claim(f.path, f.path, HITACHI);
  claim(pixels, f.path, HITACHI);
}

function brukerStudy(ctx: Ctx, study: string, claim: Claim, waits: Map<string, string>): void {
  const acquisitions = [...ctx.dirs.keys()].filter((d) => dirOf(d) === study);
  const opens = acquisitions
    .flatMap((a) => ["acqp", "fid"].map((n) => join(a, n)))
    .filter((p) => ctx.files.has(p))
    .sort(walkOrder);
  if (opens.length === 0) return;
  // Series: acquisitions with <child>/1/2dseq; their files and those of <child>/1/ are used.
  const seriesDirs = acquisitions.filter((a) =>
    [...ctx.dirs.keys()].some((d) => dirOf(dirOf(d)) === a && baseOf(d) === "1" && ctx.files.has(join(d, "2dseq"))),
  );
  if (seriesDirs.length === 0) {
    for (const p of opens)
      waits.set(
        p,
        `${baseOf(p)} is a Bruker acquisition file and waits for a reconstruction (<acquisition>/pdata/1/2dseq) in ${study}`,
      );
    return;
  }
  const entry = opens[0]!;
  claim(entry, entry, BRUKER);
  for (const [dir, info] of ctx.dirs) {
    // getSeriesUsedFiles keeps what starts with the series folder's path (so "1" also takes "10/...").
    const parent = dirOf(dir);
    const inSeries = (d: string) => seriesDirs.some((s) => d.startsWith(s));
    const direct = parent === study && inSeries(dir);
    const processed = baseOf(dir) === "1" && dirOf(dirOf(parent)) === study && inSeries(dir);
    if (!direct && !processed) continue;
    for (const n of info.names) claim(join(dir, n), entry, BRUKER);
  }
}

export function hitachiBrukerClaims(ctx: Ctx, sorted: CandidateFile[], claim: Claim): void {
  const has = ctx.idx.has;
  const studies = new Set<string>();
  for (const f of sorted) {
    const name = baseOf(f.path);
    if (has.has(HITACHI) && name.toLowerCase().endsWith(".txt")) hitachiClaims(ctx, f, claim);
    if (has.has(BRUKER) && (name === "fid" || name === "acqp")) studies.add(dirOf(dirOf(f.path)));
  }
  for (const s of studies) brukerStudy(ctx, s, claim, ctx.waits);
}
