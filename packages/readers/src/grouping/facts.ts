/**
 * What a fileset's entry says about its completeness (issue 9): the members its metadata lists
 * (`expected`), whether no later file can join (`closed`), and why a companion yet to come could
 * still claim it (`hold`). Pure; each rule cites the Bio-Formats reader it follows (readers README,
 * "Readiness facts").
 */
import { isOmeXmlWithImage, omeReferencedFiles } from "../omexml";
import { baseOf, candidateSuffixes, dirOf, join, resolveRef } from "../paths";
import { SHARED_SUFFIXES } from "./catalogue-index";
import type { Ctx } from "./context";
import { find, findPath } from "./context";
import { ndpisImages } from "./entry-lists";
import { oifRequired } from "./fv1000";
import { lifExtraHold } from "./lif";
import { metamorphPlaneBase, ndPlanes } from "./metamorph";
import { mmFileNames } from "./micromanager";
import { isMmMetadataName, isTiffName, R } from "./names";
import { wholeFileRead, headText, headUtf8 } from "../head";
import { icsPartner } from "./pairs";
import { binaryOnlyTarget } from "./tiff-names";
import type { CandidateFile, FilesetPlan } from "../types";

/** TIFF tag 51123: MicroManagerMetadata (Micro-Manager's per-plane JSON). */
export const MM_METADATA_TAG = 51123;

export type PlanFacts = Pick<FilesetPlan, "expected" | "closed" | "hold">;

const uniq = (xs: string[]) => [...new Set(xs)];

/** The fileset's files other than `<entry>.bfoptions` (a generic companion of every reader). */
const dataFiles = (plan: FilesetPlan) => plan.files.filter((p) => !p.toLowerCase().endsWith(".bfoptions"));

/** Layout folders (layouts.ts) a later entry file could turn into its own: a file below one is never closed. */
function underLayoutFolder(path: string): boolean {
  const parts = path.split("/");
  for (let i = parts.length - 2, level = 1; i >= 1 && level <= 3; i--, level++) {
    const comp = parts[i]!;
    if (/^_.+_$/.test(comp)) return true;
    if (level <= 2 && (comp.toLowerCase().endsWith(".oif.files") || comp === "Data")) return true;
  }
  return false;
}

/** Micro-Manager metadata written to the end: it parses as JSON (MM writes it while acquiring). */
function completeJson(f: CandidateFile): boolean {
  if (!wholeFileRead(f)) return false;
  try {
    JSON.parse(f.probe!.head!.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

function ometiffFacts(ctx: Ctx, plan: FilesetPlan, f: CandidateFile | undefined): PlanFacts {
  const dir = dirOf(plan.entry);
  if (plan.entry.toLowerCase().endsWith(".companion.ome")) {
    // OMETiffReader.initFile: every TiffData/UUID@FileName, resolved in the companion's folder.
    if (!f || !wholeFileRead(f)) return {};
    const refs = omeReferencedFiles(headUtf8(f)!);
    if (refs.length === 0) return {};
    return { expected: uniq(refs.map((r) => findPath(ctx, resolveRef(dir, r)) ?? resolveRef(dir, r))), closed: true };
  }
  const desc = f?.probe?.tiffDescription;
  if (!f || !isOmeXmlWithImage(desc)) return {};
  const refs = uniq(omeReferencedFiles(desc!).map((r) => findPath(ctx, resolveRef(dir, r)) ?? resolveRef(dir, r)));
  const expected = refs.length > 0 ? refs : undefined;
  if (f.probe?.tiffTags?.includes(MM_METADATA_TAG)) return { expected, ...mmHold(f) };
  // A single-file OME-TIFF names only itself (or no file at all: TiffData without UUID is this file).
  const onlyItself = refs.every((r) => r === plan.entry);
  if (onlyItself && underLayoutFolder(plan.entry)) return { expected };
  return { expected, closed: true };
}

function mmHold(f: CandidateFile): PlanFacts {
  return {
    hold: `Micro-Manager TIFF (tag ${MM_METADATA_TAG}): ${baseOf(f.path)} may belong to a metadata.txt not here yet`,
  };
}

function mmFacts(ctx: Ctx, plan: FilesetPlan): PlanFacts {
  // MicromanagerReader.getSeriesUsedFiles: each position's metadata.txt, Acqusition.xml, and the
  // TIFFs its FileName keys name (all TIFFs of the folder only when it has no FileName key).
  const metas = plan.files.filter((p) => isMmMetadataName(baseOf(p).toLowerCase()));
  const expected: string[] = [];
  let complete = metas.length > 0;
  for (const m of metas) {
    const f = ctx.files.get(m);
    if (!f || !wholeFileRead(f)) return {};
    const names = mmFileNames(f);
    if (names.length === 0 || !completeJson(f)) complete = false;
    for (const n of names) expected.push(findPath(ctx, resolveRef(dirOf(m), n)) ?? resolveRef(dirOf(m), n));
  }
  // Pos_* folders: another position may still come (the count is not in every metadata dialect).
  const positions = baseOf(dirOf(plan.entry)).includes("Pos_");
  return { expected: expected.length > 0 ? uniq(expected) : undefined, closed: complete && !positions };
}

function metamorphFacts(ctx: Ctx, plan: FilesetPlan, f: CandidateFile | undefined): PlanFacts {
  const ln = baseOf(plan.entry).toLowerCase();
  if (!ln.endsWith(".nd") && !ln.endsWith(".scan")) return planeHold(ctx, plan, f);
  // MetamorphReader.getSeriesUsedFiles: the .nd and the planes it names (a TIFF it claims by name but does
  // not name is ignored: tiff-names.ts). Absent planes are spelt as MetamorphReader names them.
  const planes = ndPlanes(ctx, plan.entry);
  return planes ? { expected: planes.expected, closed: true } : {};
}

/** A TIFF/STK named like a MetaMorph plane whose .nd is not here (MetamorphReader.isThisType). */
function planeHold(ctx: Ctx, plan: FilesetPlan, f: CandidateFile | undefined): PlanFacts {
  if (dataFiles(plan).length !== 1) return {};
  const name = baseOf(plan.entry);
  const base = metamorphPlaneBase(name, f?.probe?.tiffTags);
  if (!base) return {};
  // A MetaXpress .htd beside it makes MetamorphReader refuse the plane (a plate reader's file).
  if (find(ctx, dirOf(plan.entry), `${base}.htd`)) return {};
  return { hold: `MetaMorph plane name ${name}: may belong to ${base}.nd not here yet` };
}

function tiffFacts(ctx: Ctx, plan: FilesetPlan, f: CandidateFile | undefined): PlanFacts {
  if (f?.probe?.tiffTags?.includes(MM_METADATA_TAG)) return mmHold(f);
  const binaryOnly = f ? binaryOnlyTarget(f) : null;
  if (binaryOnly && dataFiles(plan).length === 1) {
    // OMETiffReader refuses a BinaryOnly stub whose metadata file is absent: a plain TIFF for now.
    return {
      hold: `BinaryOnly OME-TIFF ${baseOf(plan.entry)}: its metadata file ${baseOf(binaryOnly)} is not here yet`,
    };
  }
  return planeHold(ctx, plan, f);
}

/** Single-file readers (readers.json multiFile: false) on a name no other rule or layout can claim. */
function singleFileClosed(ctx: Ctx, plan: FilesetPlan): PlanFacts {
  const files = dataFiles(plan);
  if (files.length !== 1 || files[0] !== plan.entry) return {};
  const reader = ctx.idx.readers.find((r) => r.className === plan.reader);
  if (reader?.multiFile !== false) return {};
  const ln = baseOf(plan.entry).toLowerCase();
  if (isTiffName(ln) || ln.endsWith(".stk") || isMmMetadataName(ln)) return {};
  if (candidateSuffixes(ln).some((s) => SHARED_SUFFIXES.has(s))) return {};
  if (underLayoutFolder(plan.entry)) return {};
  return { closed: true };
}

/** expected / closed / hold of one fileset, from its entry's probe and the files present. */
export function planFacts(ctx: Ctx, plan: FilesetPlan, f: CandidateFile | undefined): PlanFacts {
  const lifExtra = dataFiles(plan).length === 1 ? lifExtraHold(ctx, plan.entry) : undefined;
  if (lifExtra) return { hold: lifExtra };
  const dir = dirOf(plan.entry);
  const name = baseOf(plan.entry);
  const ln = name.toLowerCase();
  switch (plan.reader) {
    case R.ometiff:
      return ometiffFacts(ctx, plan, f);
    case R.mm:
      return mmFacts(ctx, plan);
    case R.metamorph:
      return metamorphFacts(ctx, plan, f);
    case R.tiff:
      return tiffFacts(ctx, plan, f);
    case R.fv1000: {
      // FV1000Reader: the listed .pty files and their TIFFs; never closed (.roi/.lut/previews of the folder join).
      if (!ln.endsWith(".oif")) return singleFileClosed(ctx, plan);
      const expected = oifRequired(ctx, plan).expected;
      return expected ? { expected } : {};
    }
    case R.ics: {
      // ICSReader: ICS 2 ("ics_version\t2.0") holds its pixels; ICS 1 uses exactly the c<->d partner.
      if (!ln.endsWith(".ics") || !f?.probe?.head) return {};
      if (headText(f, 64)!.includes("ics_version\t2.0")) return { closed: true };
      const ids = icsPartner(name);
      return { expected: [find(ctx, dir, ids) ?? join(dir, ids)], closed: true };
    }
    case R.analyze:
    case R.nifti: {
      // AnalyzeReader / NiftiReader: x.hdr + x.img (lower-case suffixes), or one .nii.
      if (!ln.endsWith(".hdr")) {
        const single = dataFiles(plan).length === 1 && /\.nii(\.gz)?$/.test(ln) && !underLayoutFolder(plan.entry);
        return single ? { closed: true } : {};
      }
      return { expected: [join(dir, `${name.slice(0, -4)}.img`)], closed: true };
    }
    case R.ndpis: {
      // NDPISReader: the ImageN= lines.
      if (!f || !wholeFileRead(f)) return {};
      const imgs = ndpisImages(f).map((i) => findPath(ctx, resolveRef(dir, i)) ?? resolveRef(dir, i));
      return imgs.length > 0 ? { expected: uniq(imgs), closed: true } : {};
    }
    case R.bdv: {
      // BDVReader: the <hdf5> file named in the SpimData XML.
      const m = /<hdf5[^>]*>\s*([^<]+?)\s*<\/hdf5>/.exec(headUtf8(f) ?? "");
      if (!m || !f || !wholeFileRead(f)) return {};
      const h5 = resolveRef(dir, m[1]!);
      return { expected: [findPath(ctx, h5) ?? h5], closed: true };
    }
    // DeltavisionReader / RCPNLReader: the logs are optional and never named by the image, so a
    // .dv is neither closed nor held (readers README, "DeltaVision logs").
    case R.dv:
    case R.rcpnl:
      return {};
    default:
      return singleFileClosed(ctx, plan);
  }
}
