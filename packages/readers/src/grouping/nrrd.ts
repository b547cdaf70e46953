/**
 * NRRDReader (order 101; ome/bioformats df36e691, components/formats-bsd/src/loci/formats/in/NRRDReader.java).
 *
 * - isThisType(name, true): `.nrrd`/`.nhdr`; any other name when `<name>.nhdr` or `<name without its last
 *   extension>.nhdr` exists (exact case), unless an earlier reader takes the name by its suffix.
 * - initFile: such a name is switched to that header. The header's `data file:` / `datafile:` value (up to the
 *   first empty line), cut after its first `/` (File.separator), resolved in the header's folder, is the
 *   second used file (getSeriesUsedFiles), present or not: a data file not there yet is `missing` here.
 * - A file NRRDReader takes by a header beside it that names another data file is in no fileset of Bio-Formats
 *   (its setId gives the header's set): ignored with that reason.
 * Readiness: the header names its data file: expected [header, data], closed once the header was read whole.
 */
import { wholeFileRead } from "../head";
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import { suffixMatches } from "./catalogue-index";
import type { Ctx } from "./context";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { P } from "./names";

export const NRRD = `${P}NRRDReader`;
const ORDER = 101;
const HEADER = /\.(nrrd|nhdr)(\.gz|\.bz2)?$/i;

/** The `data file` value of an NRRD header (null: attached, no data file). */
export function nrrdDataFile(head: Buffer | undefined): string | null {
  if (!head) return null;
  const text = head.toString("latin1");
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "").trim();
    if (line.length === 0) break;
    if (line.startsWith("#") || line.startsWith("NRRD") || !line.includes(":")) continue;
    const key = line.slice(0, line.indexOf(":")).trim();
    if (key === "data file" || key === "datafile") return line.slice(line.indexOf(":") + 1).trim();
  }
  return null;
}

/** initFile's data file path: the value after its first `/`, in the header's folder. */
function dataPath(header: string, value: string): string {
  return join(dirOf(header), value.slice(value.indexOf("/") + 1));
}

function run(ctx: Ctx, files: CandidateFile[], taken: (p: string) => boolean): FamilyOutcome {
  const sets: FamilySet[] = [];
  const ignored = new Map<string, string>();
  const dataOf = new Map<string, string>();
  for (const f of files) {
    if (!HEADER.test(baseOf(f.path))) continue;
    const value = nrrdDataFile(f.probe?.head);
    const whole = wholeFileRead(f);
    if (value === null) {
      sets.push({
        reader: NRRD,
        entry: f.path,
        members: [f.path],
        expected: whole ? [f.path] : undefined,
        closed: whole,
      });
      continue;
    }
    const data = dataPath(f.path, value);
    dataOf.set(f.path, data);
    const present = ctx.files.has(data) && !taken(data);
    sets.push({
      reader: NRRD,
      entry: f.path,
      members: present ? [f.path, data] : [f.path],
      expected: [f.path, data],
      closed: whole,
      required: ctx.files.has(data) ? [] : [{ path: data, why: `${baseOf(data)}: data file of ${baseOf(f.path)}` }],
    });
  }
  const named = new Set(dataOf.values());
  for (const f of files) {
    const name = baseOf(f.path);
    if (HEADER.test(name) || named.has(f.path)) continue;
    const dir = dirOf(f.path);
    const header = [`${name}.nhdr`, `${name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name}.nhdr`]
      .map((n) => join(dir, n))
      .find((p) => ctx.files.has(p));
    if (header && !suffixMatches(ctx.idx, name.toLowerCase()).some((m) => m.reader.order < ORDER))
      ignored.set(f.path, `NRRDReader takes ${name} by ${baseOf(header)}, whose data file is another: in no fileset`);
  }
  return { sets, ignored };
}

export const nrrdRule: FamilyRule = {
  reader: NRRD,
  // Headers, and the data suffixes a header beside them could claim (a data file itself joins through its
  // header's set whatever its name; only the "taken by a header but unused" check is limited to these).
  wants: (ln) => /\.(nhdr|nrrd|raw|img|dat|bin|gz|bz2|zraw)$/.test(ln),
  run,
};
