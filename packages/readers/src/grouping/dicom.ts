/**
 * DicomReader (order 165; ome/bioformats df36e691, components/formats-bsd/src/loci/formats/in/DicomReader.java).
 *
 * - isThisType(name, open): `.dic/.dcm/.dicom/.j2ki/.j2kr` (checkSuffix, also `.gz`/`.bz2`) outright; any other
 *   name by content (isThisType(stream), see dicom-tags.ts), which is how extension-less exports (`IM000001`)
 *   and `DICOMDIR` are read. Names an earlier reader claims by suffix are left to it.
 * - initFile/makeFileList: a file with InstanceNumber, AcquisitionDate (> 0), AcquisitionTime and
 *   SOPInstanceUID scans its own folder (scanDirectory, sorted) and adds each DICOM file (isThisType(stream):
 *   1024 bytes at least) with the same SeriesNumber, the same specimen, the same AcquisitionDate and an
 *   AcquisitionTime less than 150 s apart (addFileToList; the UID and size checks there are skipped because
 *   tilePositions is always set by then). A file lacking one of those tags is its own fileset.
 * - The used files (getSeriesUsedFiles) are the file opened and every grouped file; so one fileset per
 *   series, several per study. Bio-Formats' walk opens files in name order and skips files already used,
 *   so the first file of a series decides the time window (modelled the same way).
 * - A grouped series fails in setId when a member has no ImageType (0008,0008): DicomFileInfo.compareTo
 *   dereferences it; a file without Rows/Columns fails (division by zero). Those files are ignored with the
 *   reason, as Bio-Formats reports them as errors.
 * - `DICOMDIR` (the exact name): its IMAGE records' referenced files (`\` separated, relative to its folder)
 *   are the fileset; they are expected and the DICOMDIR closes the set once read whole.
 * - attachCompanionFiles: when the grandparent folder holds `<folder name>.mif` (a micro-CT export), every
 *   file of the grandparent joins each fileset of the folder.
 * Files in walk order, as Bio-Formats' candidate scan opens them: a file a fileset opened earlier uses is not
 * opened again, but a later fileset may use it too (FilesetPlan.shared): a DICOMDIR walked after a series of
 * its images, a file inside two time windows (a, b 100 s apart, c 100 s after b), a `.dcm` under 1024 bytes
 * (opened by its suffix, it scans the folder and takes the series, while the series' scan refuses it).
 */
import { defaultCatalogue } from "../catalogue";
import { baseOf, dirOf, join, resolveRef } from "../paths";
import { suffixMatches } from "./catalogue-index";
import type { Ctx } from "./context";
import { readDicomTags, isDicomContent } from "./dicom-tags";
import type { DicomTags } from "./dicom-tags";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { wholeFileRead } from "../head";
import { P } from "./names";
import { walkOrder } from "./pruning";
import type { CandidateFile } from "../types";

export const DICOM = `${P}DicomReader`;
const ORDER = 165;
const DICOM_SUFFIX = /\.(dic|dcm|dicom|j2ki|j2kr)(\.gz|\.bz2)?$/;
const WINDOW_US = 150_000_000;

export function isDicomSuffix(ln: string): boolean {
  return DICOM_SUFFIX.test(ln);
}

/** DicomReader.isThisType(name, true) for a file no earlier reader takes by its suffix. */
export function isDicomFile(ctx: Ctx, f: CandidateFile, ln: string): boolean {
  if (isDicomSuffix(ln)) return true;
  if (!isDicomContent(f.probe?.head, f.size)) return false;
  return !suffixMatches(ctx.idx, ln).some((m) => m.reader.order < ORDER && m.reader.className !== DICOM);
}

/** DicomReader.getTimestampMicroseconds (HHMMSS.FFFFFF, colons allowed; the fraction is added as an integer). */
export function timestampMicros(v: string | undefined): number | null {
  if (v === undefined) return 0;
  let s = v.trim().replace(/:/g, "");
  if (s.includes("+")) s = s.slice(0, s.indexOf("+"));
  if (s.includes("-")) s = s.slice(0, s.indexOf("-"));
  if (s === "") return 0;
  const int = (x: string) => (/^[+-]?\d+$/.test(x) ? Number.parseInt(x, 10) : Number.NaN);
  let total = int(s.slice(0, 2)) * 3600;
  if (s.length > 2) total += int(s.slice(2, 4)) * 60;
  if (s.length > 4) total += int(s.slice(4, 6));
  total *= 1_000_000;
  if (s.length > 6) total += int(s.slice(s.indexOf(".") + 1));
  return Number.isNaN(total) ? null : total;
}

/** What initFile (addInfo) keeps of the opened file, and what addFileToList reads of the others. */
interface Info {
  f: CandidateFile;
  tags: DicomTags;
  date?: string;
  time?: string;
  /** addInfo: an AcquisitionDate counts only when its number is > 0. */
  originalDate?: string;
}

function info(f: CandidateFile): Info {
  const tags = readDicomTags(f.probe?.head) ?? {};
  let date: string | undefined;
  let originalDate: string | undefined;
  let time: string | undefined;
  if (tags.acquisitionDate !== undefined) {
    date = tags.acquisitionDate;
    if (Number(tags.acquisitionDate) > 0) originalDate = tags.acquisitionDate;
  }
  const dt = tags.acquisitionDateTime;
  if (dt !== undefined && dt.length >= 8) {
    date = dt.slice(0, 8);
    if (Number.parseInt(dt.slice(0, 8), 10) > 0) originalDate = dt.slice(0, 8);
    time = dt.slice(8);
  }
  if (tags.acquisitionTime !== undefined) time = tags.acquisitionTime;
  return { f, tags, date, time, originalDate };
}

const seriesOf = (t: DicomTags, dflt: number) => {
  const n = t.seriesNumber === undefined ? Number.NaN : Math.trunc(Number(t.seriesNumber));
  return Number.isNaN(n) ? dflt : n;
};

/** addFileToList's test of `other` against the opened file `o`. */
function sameSet(o: Info, other: Info): boolean {
  const t = other.tags;
  if (other.date === undefined || other.time === undefined || !t.instanceNumber) return false;
  if (seriesOf(t, -1) !== seriesOf(o.tags, 0)) return false;
  const a = o.tags.specimenId;
  const b = t.specimenId;
  if ((a !== undefined || b !== undefined) && (a === undefined || b === undefined || a !== b)) return false;
  if (other.date !== o.originalDate) return false;
  const t1 = timestampMicros(other.time);
  const t0 = timestampMicros(o.time);
  return t1 !== null && t0 !== null && Math.abs(t1 - t0) < WINDOW_US;
}

/** `<grandparent>/<folder>.mif`: every file of the grandparent is a companion (attachCompanionFiles). */
function mifCompanions(ctx: Ctx, dir: string): string[] {
  const grand = dirOf(dir);
  if (grand === dir) return [];
  const names = ctx.dirs.get(grand)?.names ?? [];
  if (!names.includes(`${baseOf(dir)}.mif`)) return [];
  return names.filter((n) => !n.startsWith(".")).map((n) => join(grand, n));
}

function dicomdirSet(ctx: Ctx, d: Info): FamilySet {
  const dir = dirOf(d.f.path);
  const listed = (d.tags.records ?? [])
    .filter((r) => r.type === "IMAGE" && r.file)
    .map((r) => resolveRef(dir, r.file!));
  const members = [d.f.path, ...listed.filter((p) => ctx.files.has(p))];
  const whole = wholeFileRead(d.f);
  const required = listed
    .filter((p) => !ctx.files.has(p))
    .map((p) => ({ path: p, why: `${p.slice(dir.length + 1)}: IMAGE record of ${baseOf(d.f.path)}` }));
  return { reader: DICOM, entry: d.f.path, members, expected: whole ? listed : undefined, closed: whole, required };
}

function run(ctx: Ctx, files: CandidateFile[]): FamilyOutcome {
  const sets: FamilySet[] = [];
  const ignored = new Map<string, string>();
  const all: Info[] = [];
  // Members of a scan are files addFileToList accepts: isThisType(stream) wants 1024 bytes.
  const scannable = new Map<string, Info[]>();
  for (const f of files) {
    if (!isDicomFile(ctx, f, baseOf(f.path).toLowerCase())) continue;
    const i = info(f);
    all.push(i);
    if (f.size >= 1024 && isDicomContent(f.probe?.head, f.size)) {
      const d = dirOf(f.path);
      const list = scannable.get(d);
      if (list) list.push(i);
      else scannable.set(d, [i]);
    }
  }
  // Bio-Formats' walk: files in walk order; a file an earlier fileset uses is not opened, but a fileset opened
  // later uses it again (shared.ts): a DICOMDIR walked after a series lists that series' files too.
  all.sort((a, b) => walkOrder(a.f.path, b.f.path));
  const used = new Set<string>();
  const add = (s: FamilySet) => {
    const own: string[] = [];
    const shared: string[] = [];
    for (const m of s.members) {
      if (m === s.entry || !used.has(m)) own.push(m);
      else shared.push(m);
      used.add(m);
    }
    s.members = own;
    if (shared.length > 0) s.shared = shared;
    sets.push(s);
  };
  const mifOf = new Map<string, string[]>();
  for (const o of all) {
    if (used.has(o.f.path)) continue;
    if (baseOf(o.f.path) === "DICOMDIR") {
      add(dicomdirSet(ctx, o));
      continue;
    }
    const t = o.tags;
    if (o.f.probe?.head && (!t.rows || !t.columns)) {
      ignored.set(o.f.path, "DicomReader cannot open it: no image size (Rows/Columns) before the pixel data");
      continue;
    }
    const dir = dirOf(o.f.path);
    let members = [o.f.path];
    if (t.instanceNumber && o.originalDate !== undefined && o.time !== undefined && t.sopInstanceUid !== undefined) {
      const others = (scannable.get(dir) ?? []).filter((x) => x !== o && sameSet(o, x));
      if (others.length > 0 && [o, ...others].some((x) => x.tags.imageType === undefined)) {
        ignored.set(
          o.f.path,
          `DicomReader cannot open this series: a file of it has no ImageType (0008,0008) (${[o, ...others]
            .filter((x) => x.tags.imageType === undefined)
            .map((x) => baseOf(x.f.path))
            .join(", ")})`,
        );
        continue;
      }
      members = [...members, ...others.map((x) => x.f.path)];
    }
    const mif = mifOf.get(dir) ?? mifCompanions(ctx, dir);
    mifOf.set(dir, mif);
    add({ reader: DICOM, entry: o.f.path, members: [...members, ...mif.filter((p) => !members.includes(p))] });
  }
  return { sets, ignored };
}

/** Suffixes of the default readers before DicomReader: such names are theirs (isDicomFile checks the
 * watch's catalogue; this only spares the content test for the common names). */
const EARLIER_SUFFIXES = new Set(
  defaultCatalogue()
    .readers.filter((r) => r.order < ORDER)
    .flatMap((r) => r.suffixes),
);

export const dicomRule: FamilyRule = {
  reader: DICOM,
  // Content decides for names without a DICOM suffix (extension-less exports, DICOMDIR, .ima, unknown suffixes).
  wants: (ln) => isDicomSuffix(ln) || !ln.includes(".") || !EARLIER_SUFFIXES.has(ln.slice(ln.lastIndexOf(".") + 1)),
  run,
};
