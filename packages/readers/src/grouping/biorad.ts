/**
 * BioRadReader (order 115; ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/BioRadReader.java):
 * Bio-Rad / Zeiss LaserSharp `.pic` files.
 *
 * - isThisType(name): a `.pic` name (checkSuffix), or a name equal to `lse.xml` / `data.raw` in any case.
 * - initFile: always on a `.pic` (given another name, the folder's last `.pic`; none: "No .pic files found", the
 *   file is ignored). With a file whose name ends with `lse.xml` (exact case) in the folder, every `.pic` of the
 *   folder and every `*lse.xml` join one fileset; files ending with `data.raw` join the `.pic` they sit beside.
 * - Not modelled: the AXIS_9 note (in the notes after the pixels, beyond the probe head) that makes a lone `.pic`
 *   take the same-size files of its name's numbering (FilePattern); such files stay one fileset each.
 * - `LSE.XML` / `DATA.RAW` in another case: taken, but not used (the companion tests are exact-case): they open
 *   the folder's last `.pic` (in file-system order in Bio-Formats; by name here) without joining it (pruned).
 * Nothing lists the members: no expected list.
 */
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { P } from "./names";

export const BIORAD = `${P}BioRadReader`;
const PIC = /\.pic(\.gz|\.bz2)?$/i;

function run(ctx: Ctx, files: CandidateFile[], taken: (p: string) => boolean): FamilyOutcome {
  const sets: FamilySet[] = [];
  const ignored = new Map<string, string | { reason: string; opens: string }>();
  const dirs = new Set(files.map((f) => dirOf(f.path)));
  for (const dir of dirs) {
    const names = (ctx.dirs.get(dir)?.names ?? []).filter((n) => !n.startsWith("."));
    const pics = names
      .filter((n) => PIC.test(n))
      .map((n) => join(dir, n))
      .filter((p) => !taken(p));
    const lse = names.filter((n) => n.endsWith("lse.xml")).map((n) => join(dir, n));
    const raw = names.filter((n) => n.endsWith("data.raw")).map((n) => join(dir, n));
    if (pics.length === 0) {
      for (const f of files)
        if (dirOf(f.path) === dir)
          ignored.set(f.path, `BioRadReader takes ${baseOf(f.path)} but finds no .pic file beside it`);
      continue;
    }
    if (lse.length > 0) {
      sets.push({ reader: BIORAD, entry: pics[0]!, members: [...pics, ...lse, ...raw].filter((p) => !taken(p)) });
      continue;
    }
    pics.forEach((p, i) => {
      sets.push({ reader: BIORAD, entry: p, members: i === 0 ? [p, ...raw.filter((r) => !taken(r))] : [p] });
    });
    // `LSE.XML`, `Data.RAW`...: BioRadReader takes them (any case) and opens the folder's last `.pic` through
    // them, but joins companions only by the exact lower-case endings: the pic's fileset, which does not use them.
    const pic = pics[pics.length - 1]!;
    for (const f of files) {
      const n = baseOf(f.path);
      if (dirOf(f.path) !== dir || PIC.test(n) || raw.includes(f.path)) continue;
      ignored.set(f.path, {
        reason: `BioRadReader takes ${n} (its name in any case) and opens ${baseOf(pic)} through it, but uses a companion only when its name ends with lower-case "lse.xml" or "data.raw", so OMERO's import skips ${n}; rename it ${n.toLowerCase()}`,
        opens: pic,
      });
    }
  }
  return { sets, ignored };
}

export const bioRadRule: FamilyRule = {
  reader: BIORAD,
  wants: (ln) => PIC.test(ln) || ln === "lse.xml" || ln === "data.raw",
  run,
};
