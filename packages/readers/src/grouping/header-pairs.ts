/**
 * Readers whose image is one file plus a companion named from it (ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/<Reader>.java, isThisType / initFile / get*UsedFiles):
 *
 * - SPCReader (30): `x.spc` + `x.set`; each is accepted only when both `<base>.spc` and `<base>.set` (lower case)
 *   exist. Used: [set, spc].
 * - QTReader (44): `x.mov`; with a separated resource fork `x.qtr` is its second file (`._x.mov` forks are dot
 *   files, not modelled).
 * - ImagicReader (70): `x.hed`, or `x.img` when `x.hed` exists; initFile opens `<base>.hed` and `<base>.img`
 *   (those spellings: an upper-case `X.HED` finds no `X.img` and fails).
 * - JEOLReader (97): an image `.dat` of exactly 1 MiB, or `.img`/`.dat` starting `MG`/`IM`; `x.par` when `x.IMG`
 *   or `x.DAT` exists. Used: [image, `<base>.PAR` if it exists].
 * - UnisokuReader (107): `x.hdr` starting `:STM data`, any `x.<ext>` beside such an `x.HDR`/`x.hdr`. initFile
 *   reads `<base>.HDR` for a `.dat`; used: [hdr, `<base>.DAT`] (listed whether or not it exists).
 * - PDSReader (108): `x.hdr` starting ` IDENTIFICATION`, `x.img` beside `x.hdr`; used [hdr, `x.IMG` else `x.img`].
 * - FujiReader (109): `x.inf` + `x.img`, each only when the other (lower case) exists; used [inf, img].
 * - InveonReader (111): `x.hdr` holding "Header file for data file" in its first 128 bytes, or `<name>.hdr`
 *   beside any name; used [hdr, the `file_name` key's base name, else the last folder name the header name starts
 *   with].
 * - PCORAWReader (137): `x.pcoraw` (a TIFF) + optional `x.rec`; a `.rec` is accepted beside its `.pcoraw`.
 * NIfTI (98) and Analyze (99) take `.hdr`/`.img` pairs with their magic first (pairs.ts). A file a reader
 * accepts but whose set does not use it is ignored (Bio-Formats' pruning drops it). A named companion not there
 * is `missing` where Bio-Formats needs it (Imagic, PDS, Fuji, Inveon, SPC), an optional one just joins when it
 * comes. Readiness: expected = [entry, companion]; closed where the companion is required.
 */
import { isOmeXml } from "../omexml";
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { P } from "./names";

const reader = (n: string) => `${P}${n}`;
const stem = (name: string) => (name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name);
const has = (ctx: Ctx, dir: string, name: string) => ctx.files.has(join(dir, name));
const head = (f: CandidateFile | undefined, n: number) => f?.probe?.head?.toString("latin1", 0, n) ?? "";
const isAnalyzeOrNifti = (f: CandidateFile | undefined) => {
  const h = f?.probe?.head;
  if (!h || h.length < 4) return false;
  const magic = h.length >= 348 ? h.toString("latin1", 344, 347) : "";
  return magic === "ni1" || magic === "n+1" || h.readInt32LE(0) === 348 || h.readInt32BE(0) === 348;
};

/** A set of an entry and one companion; `required`: the reader fails without it. */
function pair(r: string, entry: string, companion: string | null, ctx: Ctx, required: boolean, why: string): FamilySet {
  const present = companion !== null && ctx.files.has(companion);
  const listed = companion === null ? [entry] : [entry, companion];
  return {
    reader: r,
    entry,
    members: present ? listed : [entry],
    expected: listed,
    closed: required,
    required: required && companion !== null && !present ? [{ path: companion, why }] : [],
  };
}

/** Accepted files no set used: in no fileset of Bio-Formats. */
function leftovers(out: FamilyOutcome, files: CandidateFile[], accepted: (f: CandidateFile) => boolean, r: string) {
  const used = new Set(out.sets.flatMap((s) => s.members));
  out.ignored ??= new Map();
  for (const f of files)
    if (!used.has(f.path) && accepted(f))
      out.ignored.set(f.path, `${r.slice(P.length)} takes ${baseOf(f.path)} but its dataset does not use it`);
}

export const spcRule: FamilyRule = {
  reader: reader("SPCReader"),
  wants: (ln) => /\.(spc|set)(\.gz|\.bz2)?$/.test(ln),
  run(ctx, files) {
    const sets: FamilySet[] = [];
    for (const f of files) {
      const name = baseOf(f.path);
      const dir = dirOf(f.path);
      if (!/\.spc$/i.test(name) || !has(ctx, dir, `${stem(name)}.spc`) || !has(ctx, dir, `${stem(name)}.set`)) continue;
      sets.push(pair(this.reader, f.path, join(dir, `${stem(name)}.set`), ctx, true, "setup file"));
    }
    return { sets };
  },
};

export const qtRule: FamilyRule = {
  reader: reader("QTReader"),
  wants: (ln) => ln.endsWith(".mov") || ln.endsWith(".qtr"),
  run(ctx, files) {
    const sets: FamilySet[] = [];
    for (const f of files) {
      const name = baseOf(f.path);
      if (!/\.mov$/i.test(name)) continue;
      const qtr = join(dirOf(f.path), `${stem(name)}.qtr`);
      sets.push({ reader: this.reader, entry: f.path, members: ctx.files.has(qtr) ? [f.path, qtr] : [f.path] });
    }
    return { sets };
  },
};

export const imagicRule: FamilyRule = {
  reader: reader("ImagicReader"),
  wants: (ln) => /\.(hed|img)(\.gz|\.bz2)?$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    for (const f of files) {
      const name = baseOf(f.path);
      if (!/\.hed$/i.test(name)) continue;
      const dir = dirOf(f.path);
      const img = join(dir, `${stem(name)}.img`);
      const hed = join(dir, `${stem(name)}.hed`);
      if (hed !== f.path) {
        out.ignored!.set(f.path, `ImagicReader opens ${baseOf(hed)} and ${baseOf(img)} (those spellings), not ${name}`);
        continue;
      }
      out.sets.push(pair(this.reader, f.path, img, ctx, true, `${baseOf(img)}: pixels of ${name}`));
    }
    const accepted = (f: CandidateFile) =>
      /\.img$/i.test(f.path) && has(ctx, dirOf(f.path), `${stem(baseOf(f.path))}.hed`);
    leftovers(out, files, accepted, this.reader);
    return out;
  },
};

export const jeolRule: FamilyRule = {
  reader: reader("JEOLReader"),
  wants: (ln) => /\.(dat|img|par)$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    const isImage = (f: CandidateFile) =>
      (/\.dat$/i.test(f.path) && f.size === 1024 * 1024) || /^(MG|IM)/.test(head(f, 2));
    for (const f of files) {
      if (/\.par$/i.test(f.path) || !isImage(f)) continue;
      const par = join(dirOf(f.path), `${stem(baseOf(f.path))}.PAR`);
      out.sets.push({ reader: this.reader, entry: f.path, members: ctx.files.has(par) ? [f.path, par] : [f.path] });
    }
    const accepted = (f: CandidateFile) => {
      const b = stem(baseOf(f.path));
      return /\.par$/i.test(f.path) && (has(ctx, dirOf(f.path), `${b}.IMG`) || has(ctx, dirOf(f.path), `${b}.DAT`));
    };
    leftovers(out, files, accepted, this.reader);
    return out;
  },
};

export const unisokuRule: FamilyRule = {
  reader: reader("UnisokuReader"),
  // The header and its data spellings (isThisType takes any `x.<ext>` beside `x.HDR`; other suffixes not checked).
  wants: (ln) => /\.(hdr|dat)$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    const isHeader = (f: CandidateFile | undefined) =>
      !!f && /\.hdr$/i.test(f.path) && head(f, 9).includes(":STM data") && !isAnalyzeOrNifti(f);
    for (const f of files) {
      if (!isHeader(f)) continue;
      const dat = join(dirOf(f.path), `${stem(baseOf(f.path))}.DAT`);
      // Listed whether or not it exists; initFile does not open it.
      out.sets.push({
        reader: this.reader,
        entry: f.path,
        members: ctx.files.has(dat) ? [f.path, dat] : [f.path],
        expected: [f.path, dat],
      });
    }
    const accepted = (f: CandidateFile) => {
      const b = stem(baseOf(f.path));
      const dir = dirOf(f.path);
      if (!baseOf(f.path).includes(".") || /\.hdr$/i.test(f.path)) return false;
      return [`${b}.HDR`, `${b}.hdr`].some((n) => isHeader(ctx.files.get(join(dir, n))));
    };
    leftovers(out, files, accepted, this.reader);
    return out;
  },
};

export const pdsRule: FamilyRule = {
  reader: reader("PDSReader"),
  wants: (ln) => /\.(hdr|img)$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    const isHeader = (f: CandidateFile | undefined) =>
      !!f && /\.hdr$/i.test(f.path) && head(f, 15) === " IDENTIFICATION" && !isAnalyzeOrNifti(f);
    for (const f of files) {
      if (!isHeader(f)) continue;
      const dir = dirOf(f.path);
      const b = stem(baseOf(f.path));
      const img = has(ctx, dir, `${b}.IMG`) ? join(dir, `${b}.IMG`) : join(dir, `${b}.img`);
      out.sets.push(pair(this.reader, f.path, img, ctx, true, `${baseOf(img)}: pixels of ${baseOf(f.path)}`));
    }
    return out;
  },
};

export const fujiRule: FamilyRule = {
  reader: reader("FujiReader"),
  wants: (ln) => /\.(inf|img)(\.gz|\.bz2)?$/.test(ln),
  run(ctx, files) {
    const sets: FamilySet[] = [];
    for (const f of files) {
      const name = baseOf(f.path);
      const dir = dirOf(f.path);
      if (!/\.inf$/i.test(name) || !has(ctx, dir, `${stem(name)}.img`)) continue;
      sets.push(pair(this.reader, f.path, join(dir, `${stem(name)}.img`), ctx, true, "pixels"));
    }
    return { sets };
  },
};

/** Inveon's data file: the `file_name` key's base name, else (renamed files) the last name the header's starts with. */
function inveonData(ctx: Ctx, f: CandidateFile): string | null {
  const dir = dirOf(f.path);
  const text = f.probe?.head?.toString("latin1") ?? "";
  let value: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || !line.startsWith("file_name ")) continue;
    value = line.slice("file_name ".length).replace(/\\/g, "/");
    value = value.slice(value.lastIndexOf("/") + 1);
  }
  if (value === null) return null;
  if (has(ctx, dir, value)) return join(dir, value);
  const hname = baseOf(f.path);
  const names = (ctx.dirs.get(dir)?.names ?? []).filter(
    (n) => !n.startsWith(".") && n !== hname && hname.startsWith(n),
  );
  return names.length > 0 ? join(dir, names[names.length - 1]!) : join(dir, value);
}

export const inveonRule: FamilyRule = {
  reader: reader("InveonReader"),
  // Headers and the data suffixes Inveon writes (`x.ct.img`, `.cat`, `.lst`, `.raw`).
  wants: (ln) => /\.(hdr|img|cat|lst|raw|dat)$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    const isHeader = (f: CandidateFile | undefined) =>
      !!f && /\.hdr$/i.test(f.path) && head(f, 128).includes("Header file for data file") && !isAnalyzeOrNifti(f);
    for (const f of files) {
      if (!isHeader(f)) continue;
      const data = inveonData(ctx, f);
      out.sets.push(pair(this.reader, f.path, data, ctx, true, `data file of ${baseOf(f.path)}`));
    }
    leftovers(out, files, (f) => isHeader(ctx.files.get(`${f.path}.hdr`)), this.reader);
    return out;
  },
};

export const pcoRawRule: FamilyRule = {
  reader: reader("PCORAWReader"),
  wants: (ln) => /\.(pcoraw|rec)$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    for (const f of files) {
      const name = baseOf(f.path);
      const probe = f.probe;
      if (
        !/\.pcoraw$/i.test(name) ||
        (probe && (probe.tiffDescription === undefined || isOmeXml(probe.tiffDescription ?? undefined)))
      )
        continue;
      const rec = join(dirOf(f.path), `${stem(name)}.rec`);
      out.sets.push({ reader: this.reader, entry: f.path, members: ctx.files.has(rec) ? [f.path, rec] : [f.path] });
    }
    return out;
  },
};
