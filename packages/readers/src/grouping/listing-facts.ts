/**
 * Readiness facts and required files of the formats whose entry lists (or numbers) its members, added
 * for issue 10: Leica `.lei` and `.xlef`, `.pattern`, Olympus OIR parts, Zeiss CZI split parts, OME-Zarr.
 * Pure; `facts.ts` (expected/closed/hold) and `required.ts` (missing) call `listingFacts`.
 */
import { baseOf, dirOf, join } from "../paths";
import type { Ctx, ListingFacts } from "./context";
import { find } from "./context";
import { leiListed, patternListed, xlefListed } from "./listed";
import { R } from "./names";
import type { CandidateFile, FilesetPlan } from "../types";
import { zarrFacts } from "./zarr";

/** OIRReader.isSingleFile (l. 117-121): an `.oir` under 1 GiB has no `_NNNNN` parts. */
export const OIR_SINGLE_FILE_MAX = 1024 * 1024 * 1024;

const LISTING_READERS = new Set<string>([R.leica, R.xlef, R.pattern, R.oir, R.czi, R.zarr]);
const OIR_PART = /^(.*)_(\d{5})$/;
const CZI_PART = /^(.*?) ?\((\d+)\)\.czi$/i;

/** Facts for the readers this module models; null for any other reader. */
export function listingFacts(ctx: Ctx, plan: FilesetPlan, f: CandidateFile | undefined): ListingFacts | null {
  if (!LISTING_READERS.has(plan.reader)) return null;
  const name = baseOf(plan.entry);
  const ln = name.toLowerCase();
  switch (plan.reader) {
    case R.leica:
      return ln.endsWith(".lei") && f ? leiFacts(ctx, plan, f) : null;
    case R.xlef: {
      if (!f) return null;
      const l = xlefListed(ctx, f);
      if (!l) return null;
      return listedFacts(plan, l.paths, l.whole, (p) => `${rel(plan.entry, p)}: referenced from ${name}`);
    }
    case R.pattern: {
      if (!f) return null;
      const l = patternListed(ctx, f);
      // A regular-expression pattern (no <...> block) names no count: the folder's matches are members.
      if (!l) return null;
      if (!l.whole) return { required: [] };
      return listedFacts(plan, l.paths, true, (p) => `${baseOf(p)}: named by the file pattern in ${name}`);
    }
    case R.oir:
      return oirFacts(plan, f);
    case R.czi:
      return cziFacts(ctx, plan);
    case R.zarr:
      return zarrFacts(ctx, plan);
    default:
      return null;
  }
}

function listedFacts(plan: FilesetPlan, paths: string[], whole: boolean, why: (p: string) => string): ListingFacts {
  const present = new Set(plan.files);
  const required = paths.filter((p) => !present.has(p)).map((p) => ({ path: p, why: why(p) }));
  return whole ? { expected: paths, closed: true, required } : { expected: paths, required };
}

/** LeicaReader.parseFilenames: the listed TIFFs; when none of them exists the files were renamed and the
 * reader guesses patterns from the folder, so the list is not trusted then (as MetaMorph's names). */
function leiFacts(ctx: Ctx, plan: FilesetPlan, f: CandidateFile): ListingFacts | null {
  const l = leiListed(ctx, f);
  if (!l || l.paths.length === 0) return null;
  const present = new Set(plan.files);
  const found = l.paths.some((p) => present.has(p));
  if (!found && plan.files.length > 1) return { required: [] };
  return listedFacts(plan, l.paths, l.whole, (p) => `${baseOf(p)}: TIFF listed in ${baseOf(plan.entry)}`);
}

/** Parts numbered 1..max expected once part max is there (a gap is a part still being copied). */
function numbered(plan: FilesetPlan, re: RegExp, make: (n: number) => string, label: string): ListingFacts {
  let max = 0;
  for (const p of plan.files) {
    const m = re.exec(baseOf(p));
    if (m) max = Math.max(max, Number.parseInt(m[2]!, 10));
  }
  if (max === 0) return { required: [] };
  const dir = dirOf(plan.entry);
  const present = new Set(plan.files.map((p) => baseOf(p).toLowerCase()));
  const expected = [plan.entry];
  const required: ListingFacts["required"] = [];
  for (let n = 1; n <= max; n++) {
    const name = make(n);
    expected.push(join(dir, name));
    if (!present.has(name.toLowerCase()))
      required.push({ path: join(dir, name), why: `${name}: ${label} ${n} of at least ${max}` });
  }
  return { expected, required };
}

/**
 * OIRReader.initFile (l. 288-320): parts are `<prefix>_NNNNN` (5 digits, no extension) in the folder, the
 * reader warns on a gap. isSingleFile: an `.oir` under 1 GiB has none, so it is closed; a larger one
 * expects parts 1..highest present (the count is stored nowhere: more may still come, not closed).
 */
function oirFacts(plan: FilesetPlan, f: CandidateFile | undefined): ListingFacts | null {
  const name = baseOf(plan.entry);
  if (!name.toLowerCase().endsWith(".oir")) return null;
  const prefix = name.slice(0, name.lastIndexOf("."));
  const facts = numbered(plan, OIR_PART, (n) => `${prefix}_${String(n).padStart(5, "0")}`, "OIR part");
  const single = f !== undefined && f.size < OIR_SINGLE_FILE_MAX && facts.expected === undefined;
  return single && plan.files.filter((p) => !p.toLowerCase().endsWith(".bfoptions")).length === 1
    ? { closed: true, required: [] }
    : facts;
}

/**
 * ZeissCZIReader.initFile (l. 636-705): `<base> (N).czi` / `<base>(N).czi` parts beside `<base>.czi`
 * ("the number of files is also not stored"); a part opened alone switches to its master when it exists.
 * Expected: the master and parts 1..highest present; never closed. A part whose master is absent is held
 * (companionWait): the master may still be copied.
 */
function cziFacts(ctx: Ctx, plan: FilesetPlan): ListingFacts | null {
  const name = baseOf(plan.entry);
  const part = CZI_PART.exec(name);
  if (part) {
    const master = `${part[1]}.czi`;
    if (find(ctx, dirOf(plan.entry), master)) return null;
    return { hold: `CZI part ${name}: may belong to ${master} not here yet`, required: [] };
  }
  if (!name.toLowerCase().endsWith(".czi")) return null;
  const base = name.slice(0, -4);
  // The parts' spelling: with a space when the present parts use one (ZeissCZIReader accepts both).
  const spaced =
    plan.files.some((p) => baseOf(p).startsWith(`${base} (`)) ||
    !plan.files.some((p) => baseOf(p).startsWith(`${base}(`));
  return numbered(plan, CZI_PART, (n) => `${base}${spaced ? " " : ""}(${n}).czi`, "CZI part");
}

function rel(entry: string, p: string): string {
  const d = dirOf(entry);
  return p.startsWith(`${d}/`) ? p.slice(d.length + 1) : p;
}
