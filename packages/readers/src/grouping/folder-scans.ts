/**
 * Readers that list their folder (ome/bioformats df36e691, components/formats-*\/src/loci/formats/in/<Reader>.java):
 *
 * - TillVisionReader (46): `x.vws` (an OLE2 file) with `.pst` pixel files: those in `x*.pst/` folders beside it
 *   (sorted), else the `.pst` files beside it, each with its `.inf`. isThisType also takes `.pst` and any name
 *   whose `<base>.pst` exists. Without any `.pst` the images are embedded: the `.vws` alone.
 * - VarianFDFReader (65): `.fdf` (suffix only); a header with `slices` or `echoes` makes every `.fdf` of the folder
 *   whose name has the same length one set.
 * - KLBReader (92): `.klb`; a name with `_CHN` in a `<prefix>.TM<t>_timeFused...` folder takes the `fusedStack`
 *   files of every sibling timepoint folder starting with `<prefix>` (with `fusedStack_<p>Projection` series).
 *   Its `channels` list is not cleared by close(): a second SiMView tree opened by the same ImageReader can fail
 *   (seen when one `group` run walks several); not modelled, each tree is judged alone.
 * - MicroCTReader (93): `.vff` starting `ncaa`; the `.vff` files of FilePattern.findPattern (find-pattern.ts) and
 *   every other file of the folder (metadata files).
 * - APLReader (100): `<base>_d.mtb` (an Access database), `<base>_1.tnb`, `<base>.apl` and the TIFFs (and XML) the
 *   database names in the `*_DocumentFiles` folder beside it. The database cannot be read here: approximated by
 *   every `.tif`/`.xml` under that folder. A TIFF three folders below `<P>/<P name>.apl` is APLReader's.
 * - ZeissLSMReader (127): an `.mdb` (Access, "Standard Jet DB") lists `.lsm` files; approximated by the `.lsm`
 *   files of its folder. An `.lsm` alone is single-file.
 * None of them states how many files to expect: no expected list; the quiet period decides.
 */
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import { filesUnder, subfoldersOf } from "./families";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { patternFiles } from "./find-pattern";
import { P } from "./names";

const reader = (n: string) => `${P}${n}`;
const namesIn = (ctx: Ctx, dir: string) => (ctx.dirs.get(dir)?.names ?? []).filter((n) => !n.startsWith("."));
const stem = (name: string) => (name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name);

export const tillVisionRule: FamilyRule = {
  reader: reader("TillVisionReader"),
  wants: (ln) => ln.endsWith(".vws"),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [] };
    for (const f of files) {
      const name = baseOf(f.path);
      if (!/\.vws$/i.test(name)) continue;
      const dir = dirOf(f.path);
      const base = stem(name);
      const folders = subfoldersOf(ctx, dir).filter((d) => /\.pst$/i.test(d) && baseOf(d).startsWith(base));
      let pst = [...folders].flatMap((d) =>
        namesIn(ctx, d)
          .filter((n) => /\.pst$/i.test(n))
          .map((n) => join(d, n)),
      );
      if (pst.length === 0)
        pst = namesIn(ctx, dir)
          .filter((n) => /\.pst$/i.test(n))
          .map((n) => join(dir, n));
      const inf = pst.map((p) => `${p.slice(0, p.lastIndexOf("."))}.inf`).filter((p) => ctx.files.has(p));
      out.sets.push({ reader: this.reader, entry: f.path, members: [f.path, ...pst.sort(), ...inf] });
    }
    return out;
  },
};

/** The FDF header's variable names (lines `type name = value;` up to the form feed). */
function fdfVars(head: Buffer | undefined): string[] {
  const text = head?.toString("latin1") ?? "";
  const end = text.indexOf("\f");
  return (end < 0 ? text : text.slice(0, end))
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && l.includes(" ") && l.includes("="))
    .map((l) => l.slice(l.indexOf(" "), l.indexOf("=")).trim());
}

export const varianFdfRule: FamilyRule = {
  reader: reader("VarianFDFReader"),
  wants: (ln) => /\.fdf(\.gz|\.bz2)?$/.test(ln),
  run(_ctx, files) {
    const out: FamilyOutcome = { sets: [] };
    const used = new Set<string>();
    for (const f of files) {
      if (used.has(f.path)) continue;
      const vars = fdfVars(f.probe?.head);
      if (!vars.includes("slices") && !vars.includes("echoes")) {
        out.sets.push({ reader: this.reader, entry: f.path, members: [f.path] });
        continue;
      }
      const len = baseOf(f.path).length;
      const members = files
        .filter((g) => dirOf(g.path) === dirOf(f.path) && baseOf(g.path).length === len && !used.has(g.path))
        .map((g) => g.path);
      for (const m of members) used.add(m);
      out.sets.push({ reader: this.reader, entry: f.path, members: [f.path, ...members.filter((m) => m !== f.path)] });
    }
    return out;
  },
};

export const klbRule: FamilyRule = {
  reader: reader("KLBReader"),
  wants: (ln) => ln.endsWith(".klb"),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [] };
    const used = new Set<string>();
    for (const f of files) {
      if (used.has(f.path)) continue;
      const dir = dirOf(f.path);
      const folder = baseOf(dir);
      if (!baseOf(f.path).includes("_CHN") || !folder.includes(".")) {
        out.sets.push({ reader: this.reader, entry: f.path, members: [f.path] });
        continue;
      }
      const prefix = folder.slice(0, folder.lastIndexOf("."));
      const top = dirOf(dir);
      const members = filesUnder(ctx, top).filter(
        (p) => dirOf(dirOf(p)) === top && baseOf(dirOf(p)).startsWith(prefix) && baseOf(p).includes("fusedStack"),
      );
      for (const m of members) used.add(m);
      out.sets.push({ reader: this.reader, entry: f.path, members: [f.path, ...members.filter((m) => m !== f.path)] });
    }
    return out;
  },
};

export const microCtRule: FamilyRule = {
  reader: reader("MicroCTReader"),
  wants: (ln) => /\.vff(\.gz|\.bz2)?$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    const used = new Set<string>();
    for (const f of files) {
      if (used.has(f.path) || (f.probe?.head && f.probe.head.toString("latin1", 0, 4) !== "ncaa")) continue;
      const dir = dirOf(f.path);
      const names = namesIn(ctx, dir);
      const vffs = patternFiles(baseOf(f.path), names);
      if (vffs === null) {
        out.ignored!.set(f.path, `MicroCTReader finds no file pattern for ${baseOf(f.path)}`);
        continue;
      }
      const vffPaths = vffs.map((n) => join(dir, n));
      const meta = names.filter((n) => !/\.vff(\.gz|\.bz2)?$/i.test(n)).map((n) => join(dir, n));
      const present = vffPaths.filter((p) => ctx.files.has(p) && !used.has(p));
      for (const p of [...present, ...meta]) used.add(p);
      const set: FamilySet = {
        reader: this.reader,
        entry: f.path,
        members: [f.path, ...present.filter((p) => p !== f.path), ...meta],
        expected: vffPaths,
        required: vffPaths
          .filter((p) => !ctx.files.has(p))
          .map((p) => ({ path: p, why: `${baseOf(p)}: slice of the pattern` })),
      };
      out.sets.push(set);
    }
    return out;
  },
};

export const aplRule: FamilyRule = {
  reader: reader("APLReader"),
  wants: (ln) => /\.(apl|tnb|mtb|tif)(\.gz|\.bz2)?$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [] };
    for (const f of files) {
      const name = baseOf(f.path);
      if (!/_d\.mtb$/i.test(name)) continue;
      const dir = dirOf(f.path);
      const base = name.slice(0, -"_d.mtb".length);
      const docs = subfoldersOf(ctx, dir).filter((d) => baseOf(d).indexOf("_DocumentFiles") > 0);
      const images = docs.flatMap((d) => filesUnder(ctx, d).filter((p) => /\.(tif|xml)$/i.test(p)));
      const meta = [`${base}_1.tnb`, `${base}.apl`].map((n) => join(dir, n)).filter((p) => ctx.files.has(p));
      out.sets.push({ reader: this.reader, entry: f.path, members: [f.path, ...meta, ...images] });
    }
    return out;
  },
};

/** An Access database (ZeissLSMReader.isThisType(stream): "St" at byte 4 and "ID" after it). */
const isMdb = (f: CandidateFile) => {
  const h = f.probe?.head;
  return !h || (h.length > 6 && h.readUInt16BE(4) === 0x5374 && h.toString("latin1", 6, 4096).includes("ID"));
};

export const zeissLsmRule: FamilyRule = {
  reader: reader("ZeissLSMReader"),
  wants: (ln) => /\.mdb(\.gz|\.bz2)?$/.test(ln),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [] };
    for (const f of files) {
      if (!isMdb(f)) continue;
      const dir = dirOf(f.path);
      const lsm = namesIn(ctx, dir)
        .filter((n) => /\.lsm$/i.test(n))
        .map((n) => join(dir, n));
      if (lsm.length > 0) out.sets.push({ reader: this.reader, entry: f.path, members: [f.path, ...lsm] });
    }
    return out;
  },
};
