/**
 * Reader choice and fileset grouping: which Bio-Formats reader takes each file, and which files
 * import together. Pure: everything it knows about file contents comes in `CandidateFile.probe`.
 * See README.md ("Rules") for the rules and where they come from (shared/formats/FILESETS.md).
 */
import type { Catalogue, ReaderEntry } from "./catalogue";
import { defaultCatalogue } from "./catalogue";
import { isOmeXml, isOmeXmlWithImage, omeBinaryOnlyMetadataFile, omeReferencedFiles } from "./omexml";
import { baseOf, candidateSuffixes, dirOf, join, resolveRef } from "./paths";

/** What the io module learnt about a file's content. */
export interface FileProbe {
  /** The first HEADER_BYTES bytes (the whole file for small index files: companion OME-XML, metadata.txt, .nd, .ndpis). */
  head?: Buffer;
  /** For a TIFF: the first IFD's ImageDescription (null: TIFF without one). Undefined: not a TIFF or not probed. */
  tiffDescription?: string | null;
}

export interface CandidateFile {
  /** Absolute POSIX path. */
  path: string;
  size: number;
  probe?: FileProbe;
}

/** One fileset to import. */
export interface FilesetPlan {
  /** Stable identity: the entry path. */
  key: string;
  /** Reader class, e.g. "loci.formats.in.ICSReader". */
  reader: string;
  /** Absolute path handed to the importer (the file the reader initialises from; a folder for OME-Zarr). */
  entry: string;
  /** Every member path, entry first (when it is a file), then sorted. */
  files: string[];
  /** Required companions not present yet (non-empty => must not import yet). */
  missing: string[];
  /** Why each missing path is required, one line each. */
  reasons: string[];
}

export interface GroupingResult {
  filesets: FilesetPlan[];
  /** No reader matches, partial copy (.filepart), dot file, or excluded by the watch's readers file. */
  ignored: { path: string; reason: string }[];
  /** A companion whose entry file is not (yet) present. */
  pending: { path: string; reason: string }[];
}

/** How many leading bytes content rules need. The largest fixed-offset test is NIfTI's magic at 344;
 * 64 KiB also covers an OME-XML companion or metadata.txt header that names the format. */
export const HEADER_BYTES = 65536;

/** Index files the io probe reads whole (when at most this size) so their file lists can be parsed. */
export const WHOLE_FILE_MAX_BYTES = 1024 * 1024;

const P = "loci.formats.in.";
const R = {
  pattern: `${P}FilePatternReader`,
  zarr: `${P}ZarrReader`,
  rcpnl: `${P}RCPNLReader`,
  dv: `${P}DeltavisionReader`,
  omexml: `${P}OMEXMLReader`,
  volocity: `${P}VolocityReader`,
  cellsens: `${P}CellSensReader`,
  czi: `${P}ZeissCZIReader`,
  ndpis: `${P}NDPISReader`,
  fake: `${P}FakeReader`,
  oir: `${P}OIRReader`,
  nifti: `${P}NiftiReader`,
  analyze: `${P}AnalyzeReader`,
  ics: `${P}ICSReader`,
  fv1000: `${P}FV1000Reader`,
  ometiff: `${P}OMETiffReader`,
  leica: `${P}LeicaReader`,
  metamorph: `${P}MetamorphReader`,
  mm: `${P}MicromanagerReader`,
  tiff: `${P}TiffDelegateReader`,
  bdv: `${P}BDVReader`,
} as const;

const TIFF_SUFFIXES = ["tif", "tiff", "tf2", "tf8", "btf"];
const OME_TIFF_SUFFIXES = ["ome.tif", "ome.tiff", "ome.tf2", "ome.tf8", "ome.btf"];

function endsWithAny(lowerName: string, suffixes: readonly string[]): boolean {
  return suffixes.some((s) => lowerName.endsWith(`.${s}`));
}

const isTiffName = (ln: string) => endsWithAny(ln, TIFF_SUFFIXES);
const isMmMetadataName = (ln: string) => ln === "metadata.txt" || ln.endsWith("_metadata.txt");

function headText(probe: FileProbe | undefined, max = HEADER_BYTES): string | undefined {
  return probe?.head?.toString("latin1", 0, Math.min(max, probe.head.length));
}

function headUtf8(probe: FileProbe | undefined): string | undefined {
  return probe?.head?.toString("utf8");
}

/** The head holds the whole file (so lists parsed from it are complete). */
function headComplete(f: CandidateFile): boolean {
  return !!f.probe?.head && f.probe.head.length >= f.size;
}

// ---------------------------------------------------------------------------------------------
// Catalogue index

interface CatIndex {
  readers: ReaderEntry[];
  has: Set<string>;
  bySuffix: Map<string, ReaderEntry[]>;
  source: string;
}

/** Suffixes claimed by two or more enabled readers of the default list: only a reader's own rule
 * (modelled below) can accept them; the plain suffix test is not enough. */
const SHARED_SUFFIXES: Set<string> = (() => {
  const count = new Map<string, number>();
  for (const r of defaultCatalogue().readers) for (const s of r.suffixes) count.set(s, (count.get(s) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n > 1).map(([s]) => s));
})();

const indexCache = new WeakMap<Catalogue, CatIndex>();

function indexOf(cat: Catalogue): CatIndex {
  const cached = indexCache.get(cat);
  if (cached) return cached;
  const readers = [...cat.readers].sort((a, b) => a.order - b.order);
  const bySuffix = new Map<string, ReaderEntry[]>();
  for (const r of readers) {
    for (const s of r.suffixes) {
      const list = bySuffix.get(s) ?? [];
      if (!list.includes(r)) list.push(r);
      bySuffix.set(s, list);
    }
  }
  const idx = { readers, has: new Set(readers.map((r) => r.className)), bySuffix, source: cat.source };
  indexCache.set(cat, idx);
  return idx;
}

let defaultIdx: CatIndex | null = null;
function defaultIndex(): CatIndex {
  defaultIdx ??= indexOf(defaultCatalogue());
  return defaultIdx;
}

/** Readers whose suffix test accepts the name, in catalogue order, with the suffix that matched. */
function suffixMatches(idx: CatIndex, ln: string): { reader: ReaderEntry; suffix: string }[] {
  const hits = new Map<ReaderEntry, string>();
  for (const s of candidateSuffixes(ln)) {
    for (const r of idx.bySuffix.get(s) ?? []) {
      const prev = hits.get(r);
      if (prev === undefined || s.length > prev.length) hits.set(r, s);
    }
  }
  return [...hits].map(([reader, suffix]) => ({ reader, suffix })).sort((a, b) => a.reader.order - b.reader.order);
}

// ---------------------------------------------------------------------------------------------
// Content tests (only when a probe is given; see README for the fallbacks)

const HDF5_MAGIC = "\x89HDF\r\n\x1a\n";

function isTiffHead(h: Buffer | undefined): boolean {
  if (!h || h.length < 4) return false;
  const s = h.toString("latin1", 0, 4);
  return s === "II*\0" || s === "MM\0*" || s === "II+\0" || s === "MM\0+";
}

function looksNumericTable(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .slice(0, 20)
    .filter((l) => l.trim() !== "");
  if (lines.length < 2) return false;
  const numeric = lines.slice(1).filter((l) => /^[\s,;\t]*[-+]?\d/.test(l) && /^[-+0-9.eE,;\t\s]+$/.test(l));
  return numeric.length >= Math.min(3, lines.length - 1);
}

type Pred = (ln: string, suffix: string, f: CandidateFile) => boolean;

/** Name/content rules for readers that share a suffix, or whose own isThisType narrows it. Readers
 * not listed here accept a name by suffix when no other enabled reader claims that suffix. */
const PREDICATES: Record<string, Pred> = {
  [R.tiff]: (ln) => isTiffName(ln),
  [R.ometiff]: (ln, _s, f) =>
    ln.endsWith(".companion.ome") ||
    (endsWithAny(ln, OME_TIFF_SUFFIXES) &&
      (f.probe?.tiffDescription === undefined || isOmeXml(f.probe.tiffDescription))),
  [R.omexml]: (ln) => !ln.endsWith(".companion.ome"),
  [`${P}JPEGReader`]: () => true,
  [`${P}JPEG2000Reader`]: () => true,
  [`${P}DNGReader`]: (_ln, s) => s === "cr2" || s === "crw",
  [`${P}CanonRawReader`]: (_ln, s) => s === "cr2" || s === "crw",
  [`${P}ND2Reader`]: (_ln, s) => s === "nd2",
  [`${P}DicomReader`]: (_ln, s, f) => s !== "raw" || headText(f.probe, 132)?.slice(128, 132) === "DICM",
  [`${P}ImarisReader`]: (_ln, _s, f) =>
    !!f.probe?.head && !isTiffHead(f.probe.head) && headText(f.probe, 8) !== HDF5_MAGIC,
  [`${P}ImarisHDFReader`]: (_ln, _s, f) => !f.probe?.head || headText(f.probe, 8) === HDF5_MAGIC,
  [`${P}ImarisTiffReader`]: (_ln, _s, f) => isTiffHead(f.probe?.head),
  [`${P}ImspectorReader`]: (_ln, _s, f) => !!f.probe?.head && !headText(f.probe, 7)!.startsWith("OMAS_BF"),
  [`${P}OBFReader`]: (_ln, _s, f) => !f.probe?.head || headText(f.probe, 7) === "OMAS_BF",
  [`${P}L2DReader`]: (_ln, s) => s === "l2d",
  [`${P}BioRadSCNReader`]: (_ln, _s, f) => !!f.probe?.head && !isTiffHead(f.probe.head),
  [`${P}LeicaSCNReader`]: () => true,
  [`${P}MRCReader`]: () => true,
  [`${P}TextReader`]: (_ln, _s, f) => {
    const t = headText(f.probe, 8192);
    return t !== undefined && looksNumericTable(t);
  },
  [R.bdv]: (_ln, s, f) => s === "xml" && !!headText(f.probe, 1000)?.includes("SpimData"),
  [R.nifti]: (_ln, s) => s === "nii" || s === "nii.gz",
  [R.analyze]: () => false,
  [R.ics]: () => false,
  [R.dv]: (_ln, s) => s === "dv" || s === "r3d" || s === "r3d_d3d",
  [R.mm]: () => false,
  [R.metamorph]: (_ln, s) => s === "nd" || s === "scan" || s === "stk",
  [R.leica]: (_ln, s) => s === "lei",
  [R.fv1000]: (_ln, s) => s === "oib" || s === "oif",
  [R.volocity]: (_ln, s) => s === "mvd2",
  [R.zarr]: () => false,
  [`${P}CellWorxReader`]: (_ln, s) => s === "htd",
};

/** First reader of the catalogue whose (modelled) isThisType accepts the file; Bio-Formats' rule. */
function suffixDecision(idx: CatIndex, f: CandidateFile, ln: string): string | null {
  for (const { reader, suffix } of suffixMatches(idx, ln)) {
    const pred = PREDICATES[reader.className];
    if (pred ? pred(ln, suffix, f) : !SHARED_SUFFIXES.has(suffix)) return reader.className;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// File index

interface DirInfo {
  /** lower-case name -> actual names (sorted) */
  lower: Map<string, string[]>;
  names: string[];
}

interface Ctx {
  idx: CatIndex;
  files: Map<string, CandidateFile>;
  dirs: Map<string, DirInfo>;
  /** Folder -> its Micro-Manager metadata files (that pass the content test when probed), sorted. */
  mm: Map<string, string[]>;
  /** Parent folder -> Micro-Manager metadata files in its Pos_* sub-folders, sorted. */
  mmPos: Map<string, string[]>;
  /** Folder -> MetaMorph .nd/.scan files, longest base first. */
  nd: Map<string, string[]>;
  /** Member path -> entry path, from entry files that list their members (OME-XML, metadata.txt, .ndpis). */
  claims: Map<string, { entry: string; reader: string }>;
  /** Folder -> its first .mvd2 (cache). */
  mvd2: Map<string, string | null>;
}

function buildDirs(files: Map<string, CandidateFile>): Map<string, DirInfo> {
  const dirs = new Map<string, DirInfo>();
  for (const p of [...files.keys()].sort()) {
    const d = dirOf(p);
    const name = baseOf(p);
    let info = dirs.get(d);
    if (!info) {
      info = { lower: new Map(), names: [] };
      dirs.set(d, info);
    }
    info.names.push(name);
    const ln = name.toLowerCase();
    const list = info.lower.get(ln);
    if (list) list.push(name);
    else info.lower.set(ln, [name]);
  }
  return dirs;
}

/** Path of `name` in `dir`: exact match first, then a case-insensitive one. */
function find(ctx: Ctx, dir: string, name: string): string | null {
  const exact = join(dir, name);
  if (ctx.files.has(exact)) return exact;
  const hit = ctx.dirs.get(dir)?.lower.get(name.toLowerCase());
  return hit ? join(dir, hit[0]!) : null;
}

function findPath(ctx: Ctx, p: string): string | null {
  return find(ctx, dirOf(p), baseOf(p));
}

// ---------------------------------------------------------------------------------------------
// Decisions

type Decision =
  | { kind: "entry"; reader: string }
  | { kind: "member"; reader: string; entry: string; dirEntry?: boolean }
  | { kind: "pending"; reason: string }
  | { kind: "ignored"; reason: string };

const entry = (reader: string): Decision => ({ kind: "entry", reader });
const member = (reader: string, entryPath: string, dirEntry = false): Decision => ({
  kind: "member",
  reader,
  entry: entryPath,
  dirEntry,
});

/** Replace the extension keeping the case style of the old one (Analyze .HDR <-> .IMG). */
function swapExt(name: string, from: string, to: string): string {
  const ext = name.slice(name.length - from.length);
  const upper = ext === ext.toUpperCase() && ext !== ext.toLowerCase();
  return name.slice(0, name.length - from.length) + (upper ? to.toUpperCase() : to);
}

/** ICSReader's partner: the second-to-last character c<->d, case kept. */
function icsPartner(name: string): string {
  const i = name.length - 2;
  const c = name[i]!;
  const swapped = c === "c" ? "d" : c === "d" ? "c" : c === "C" ? "D" : "C";
  return name.slice(0, i) + swapped + name.slice(i + 1);
}

function mmEntryForDir(ctx: Ctx, dir: string, tiffName?: string): string | null {
  const list = ctx.mm.get(dir);
  if (!list || list.length === 0) return null;
  const folder = baseOf(dir);
  if (folder.includes("Pos_")) {
    const group = ctx.mmPos.get(dirOf(dir));
    if (group && group.length > 0) return group[0]!;
  }
  if (tiffName) {
    const prefix = tiffName.includes(".") ? tiffName.slice(0, tiffName.indexOf(".")) : tiffName;
    const own = find(ctx, dir, `${prefix}_metadata.txt`);
    if (own && list.includes(own)) return own;
  }
  const plain = list.find((p) => baseOf(p).toLowerCase() === "metadata.txt");
  return plain ?? list[0]!;
}

/** Folder-structure rules: a file inside another dataset's folder belongs to it, whatever its name. */
function folderRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const parts = f.path.split("/");
  const has = ctx.idx.has;
  if (has.has(R.zarr)) {
    for (let i = 1; i < parts.length - 1; i++) {
      if (parts[i]!.toLowerCase().endsWith(".zarr")) return member(R.zarr, parts.slice(0, i + 1).join("/"), true);
    }
  }
  // Nearest enclosing folder first, and only as deep as each layout goes: a folder far above
  // (e.g. "/srv/_old_/DropBox") must not turn a whole watch into a cellSens set.
  for (let i = parts.length - 2, level = 1; i >= 1 && level <= 3; i--, level++) {
    const comp = parts[i]!;
    const lc = comp.toLowerCase();
    const parent = parts.slice(0, i).join("/") || "/";
    if (has.has(R.cellsens) && level <= 3) {
      const m = /^_(.+)_$/.exec(comp);
      if (m) {
        const vsi = find(ctx, parent, `${m[1]}.vsi`);
        if (vsi) return member(R.cellsens, vsi);
        return {
          kind: "pending",
          reason: `${baseOf(f.path)} is inside the cellSens folder ${comp}/ and waits for its entry file ${join(parent, `${m[1]}.vsi`)}`,
        };
      }
    }
    if (has.has(R.fv1000) && level <= 2 && lc.endsWith(".oif.files")) {
      const oifName = comp.slice(0, -".files".length);
      const oif = find(ctx, parent, oifName);
      if (oif) return member(R.fv1000, oif);
      return {
        kind: "pending",
        reason: `${baseOf(f.path)} is inside ${comp}/ and waits for its entry file ${join(parent, oifName)}`,
      };
    }
    if (has.has(R.volocity) && level <= 2 && comp === "Data") {
      const mvd2 = firstMvd2(ctx, parent);
      if (mvd2) return member(R.volocity, mvd2);
      if (/\.(aisf|aiix|atsf)$/.test(ln)) {
        return {
          kind: "pending",
          reason: `${baseOf(f.path)} is a Volocity file in ${join(parent, "Data")}/ and waits for a .mvd2 library in ${parent}`,
        };
      }
    }
  }
  return null;
}

function firstMvd2(ctx: Ctx, dir: string): string | null {
  let hit = ctx.mvd2.get(dir);
  if (hit === undefined) {
    const n = ctx.dirs.get(dir)?.names.find((x) => x.toLowerCase().endsWith(".mvd2"));
    hit = n ? join(dir, n) : null;
    ctx.mvd2.set(dir, hit);
  }
  return hit;
}

/** Micro-Manager: a TIFF (or Acqusition.xml) in a folder with metadata.txt belongs to it, never alone. */
function microManagerRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  if (!ctx.idx.has.has(R.mm)) return null;
  const dir = dirOf(f.path);
  const list = ctx.mm.get(dir);
  if (!list) return null;
  if (list.includes(f.path)) {
    const e = mmEntryForDir(ctx, dir);
    return e && e !== f.path ? member(R.mm, e) : entry(R.mm);
  }
  if (isTiffName(ln) || ln === "acqusition.xml") {
    const e = mmEntryForDir(ctx, dir, baseOf(f.path));
    if (e) return member(R.mm, e);
  }
  return null;
}

function tiffRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const has = ctx.idx.has;
  const dir = dirOf(f.path);
  const name = baseOf(f.path);
  const desc = f.probe?.tiffDescription;
  const isStk = ln.endsWith(".stk");
  if (!isTiffName(ln) && !isStk) return null;

  if (has.has(R.ometiff) && desc && isOmeXml(desc) && !isOmeXmlWithImage(desc)) {
    const meta = omeBinaryOnlyMetadataFile(desc);
    if (meta) {
      const target = resolveRef(dir, meta);
      const found = findPath(ctx, target);
      if (found) return member(R.ometiff, found);
      return { kind: "pending", reason: `${name} is a BinaryOnly OME-TIFF and waits for its metadata file ${target}` };
    }
  }
  if (has.has(R.leica) && !isStk) {
    let base = name.slice(0, name.lastIndexOf("."));
    for (;;) {
      const lei = find(ctx, dir, `${base}.lei`);
      if (lei) return member(R.leica, lei);
      const cut = base.lastIndexOf("_");
      if (cut <= 0) break;
      base = base.slice(0, cut);
    }
  }
  if (has.has(R.metamorph)) {
    for (const nd of ctx.nd.get(dir) ?? []) {
      const ndName = baseOf(nd);
      const b = ndName.slice(0, ndName.lastIndexOf(".")).toLowerCase();
      const prefix = ln.includes("_") ? ln.slice(0, ln.indexOf("_")) : null;
      if (ln.startsWith(`${b}_`) || prefix === b) return member(R.metamorph, nd);
    }
    if (isStk) return entry(R.metamorph);
  }
  if (has.has(R.ometiff)) {
    if (desc === undefined ? endsWithAny(ln, OME_TIFF_SUFFIXES) : isOmeXmlWithImage(desc)) return entry(R.ometiff);
  }
  return null;
}

/** Rules keyed by name: pairs and companions found by computing the partner's name. */
function nameRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const has = ctx.idx.has;
  const dir = dirOf(f.path);
  const name = baseOf(f.path);

  // ICS / IDS
  if (has.has(R.ics) && (ln.endsWith(".ics") || ln.endsWith(".ids"))) {
    if (ln.endsWith(".ics")) return entry(R.ics);
    const ics = icsPartner(name);
    const found = find(ctx, dir, ics);
    return found
      ? member(R.ics, found)
      : { kind: "pending", reason: `${name} waits for its entry file ${join(dir, ics)}` };
  }

  // DeltaVision and its optional logs
  const dvHas = has.has(R.dv);
  if (dvHas && /\.(dv|r3d|r3d_d3d)$/.test(ln)) return entry(R.dv);
  if (has.has(R.rcpnl) && ln.endsWith(".rcpnl")) return entry(R.rcpnl);
  if (dvHas || has.has(R.rcpnl)) {
    const dvImage = (base: string): string | null => {
      for (const ext of [".dv", ".r3d", ".rcpnl", ".DV", ".R3D"]) {
        const p = find(ctx, dir, base + ext);
        if (p) return p;
      }
      return null;
    };
    const dvLog = /^(.*)\.(dv|r3d)\.log$/i.exec(name);
    if (dvLog) {
      const img =
        find(ctx, dir, name.slice(0, -4)) ??
        find(ctx, dir, `${dvLog[1]}_D3D.${dvLog[2]}`) ??
        ctx.dirs
          .get(dir)
          ?.names.filter((n) => n.toLowerCase().startsWith(dvLog[1]!.toLowerCase()) && n.toLowerCase().endsWith(".dv"))
          .map((n) => join(dir, n))[0] ??
        null;
      if (img) return member(readerOfDv(img), img);
      return {
        kind: "pending",
        reason: `${name} is a DeltaVision log and waits for its image ${join(dir, name.slice(0, -4))}`,
      };
    }
    const logTxt = /^(.*)_log\.txt$/i.exec(name);
    if (logTxt) {
      const img = dvImage(logTxt[1]!);
      if (img) return member(readerOfDv(img), img);
      return {
        kind: "pending",
        reason: `${name} is a DeltaVision log and waits for its image ${join(dir, `${logTxt[1]}.dv`)}`,
      };
    }
    const plainLog = /^(.*)\.log$/i.exec(name);
    if (plainLog) {
      const img = dvImage(plainLog[1]!);
      if (img) return member(readerOfDv(img), img);
    }
  }

  // Analyze 7.5 / NIfTI pairs: the .hdr is the entry
  if ((has.has(R.analyze) || has.has(R.nifti)) && (ln.endsWith(".hdr") || ln.endsWith(".img"))) {
    if (ln.endsWith(".hdr")) {
      const r = hdrReader(ctx, f);
      if (r) return entry(r);
    } else {
      const hdrName = swapExt(name, ".img", ".hdr");
      const hdr = find(ctx, dir, hdrName);
      if (hdr) {
        const r = hdrReader(ctx, ctx.files.get(hdr)!);
        if (r) return member(r, hdr);
      } else if (!find(ctx, dir, swapExt(name, ".img", ".hed")) && !find(ctx, dir, swapExt(name, ".img", ".inf"))) {
        return {
          kind: "pending",
          reason: `${name} is Analyze/NIfTI pixel data and waits for its entry file ${join(dir, hdrName)}`,
        };
      }
    }
  }

  // Zeiss CZI split acquisitions: "x (1).czi", "x(2).czi" join "x.czi" when it is there
  if (has.has(R.czi)) {
    const m = /^(.*?) ?\(\d+\)\.czi$/i.exec(name);
    if (m) {
      const master = find(ctx, dir, `${m[1]}.czi`);
      if (master) return member(R.czi, master);
    }
  }
  // Olympus OIR continuation parts "x_00001" join "x.oir"
  if (has.has(R.oir)) {
    const m = /^(.*)_\d{5}$/.exec(name);
    if (m) {
      const oir = find(ctx, dir, `${m[1]}.oir`);
      if (oir) return member(R.oir, oir);
    }
  }
  // FakeReader's companion x.fake.ini
  if (has.has(R.fake) && ln.endsWith(".fake.ini")) {
    const fake = find(ctx, dir, name.slice(0, -4));
    return fake
      ? member(R.fake, fake)
      : { kind: "pending", reason: `${name} waits for its entry file ${join(dir, name.slice(0, -4))}` };
  }
  // BigDataViewer: x.h5 belongs to <name up to its first '.'>.xml
  if (has.has(R.bdv) && ln.endsWith(".h5")) {
    const xmlName = `${name.slice(0, name.indexOf("."))}.xml`;
    const xml = find(ctx, dir, xmlName);
    if (xml) {
      const xf = ctx.files.get(xml)!;
      if (!xf.probe?.head || headText(xf.probe, 1000)!.includes("SpimData")) return member(R.bdv, xml);
    } else {
      return {
        kind: "pending",
        reason: `${name} is read through a BigDataViewer XML and waits for ${join(dir, xmlName)}`,
      };
    }
  }
  if (has.has(R.ometiff) && ln.endsWith(".companion.ome")) return entry(R.ometiff);
  if (has.has(R.metamorph) && (ln.endsWith(".nd") || ln.endsWith(".scan"))) return entry(R.metamorph);
  return null;
}

function readerOfDv(p: string): string {
  return p.toLowerCase().endsWith(".rcpnl") ? R.rcpnl : R.dv;
}

/** NIfTI (magic ni1/n+1 at 344) before Analyze (348 at 0); without a probe: Analyze. */
function hdrReader(ctx: Ctx, f: CandidateFile): string | null {
  const has = ctx.idx.has;
  const h = f.probe?.head;
  if (!h) return has.has(R.analyze) ? R.analyze : has.has(R.nifti) ? R.nifti : null;
  const magic = h.length >= 348 ? h.toString("latin1", 344, 347) : "";
  if (has.has(R.nifti) && (magic === "ni1" || magic === "n+1")) return R.nifti;
  if (has.has(R.analyze) && h.length >= 4 && (h.readInt32LE(0) === 348 || h.readInt32BE(0) === 348)) return R.analyze;
  return null;
}

function decide(ctx: Ctx, f: CandidateFile): Decision {
  const name = baseOf(f.path);
  const ln = name.toLowerCase();
  if (name.startsWith("."))
    return { kind: "ignored", reason: "name starts with '.': OMERO's candidate scan skips dot files" };
  if (ln.endsWith(".filepart")) {
    return {
      kind: "ignored",
      reason: "partial copy (.filepart): Bio-Formats refuses these names; the finished file will be imported",
    };
  }
  const structural = folderRule(ctx, f, ln) ?? microManagerRule(ctx, f, ln);
  if (structural) return structural;
  const claim = ctx.claims.get(f.path);
  if (claim) return claim.entry === f.path ? entry(claim.reader) : member(claim.reader, claim.entry);
  const rule = tiffRule(ctx, f, ln) ?? nameRule(ctx, f, ln);
  if (rule) return rule;
  const reader = suffixDecision(ctx.idx, f, ln);
  if (reader) return entry(reader);
  return { kind: "ignored", reason: "" };
}

// ---------------------------------------------------------------------------------------------
// Entry-side knowledge: lists of members and required files

function mmFileNames(f: CandidateFile): string[] {
  const text = headUtf8(f.probe);
  if (!text) return [];
  const out = new Set<string>();
  const re = /"FileName"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.add(m[1]!.replace(/\\(.)/g, "$1"));
  return [...out];
}

function mmPasses(f: CandidateFile): boolean {
  const t = headText(f.probe, WHOLE_FILE_MAX_BYTES);
  return t === undefined || /micro-?manager/i.test(t);
}

function ndpisImages(f: CandidateFile): string[] {
  const t = headUtf8(f.probe);
  if (!t) return [];
  const out: string[] = [];
  for (const m of t.matchAll(/^\s*Image\d+\s*=\s*(.+?)\s*$/gim)) out.push(m[1]!);
  return out;
}

function ndKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const m of text.matchAll(/^\s*"([^"]+)"\s*,\s*(.*?)\s*$/gm))
    keys.set(m[1]!.toLowerCase(), m[2]!.replace(/^"|"$/g, ""));
  return keys;
}

/** MetaMorph plane names (without extension, lower case) computed from an .nd text. */
export function metamorphPlaneNames(ndName: string, text: string): string[] {
  const k = ndKeys(text);
  const base = ndName.slice(0, ndName.lastIndexOf("."));
  const yes = (key: string) => (k.get(key) ?? "").toUpperCase() === "TRUE";
  const n = (key: string) => Math.max(1, Number.parseInt(k.get(key) ?? "1", 10) || 1);
  const waves: string[] = [""];
  if (yes("dowave")) {
    waves.length = 0;
    const inName = k.get("waveinfilename") === undefined || yes("waveinfilename");
    for (let i = 1; i <= n("nwavelengths"); i++) {
      const wn = (k.get(`wavename${i}`) ?? "").replace(/[_/\\()]/g, "-");
      waves.push(`_w${i}${inName ? wn : ""}`);
    }
  }
  const stages = yes("dostage") ? Array.from({ length: n("nstagepositions") }, (_, i) => `_s${i + 1}`) : [""];
  const times = yes("dotimelapse") ? Array.from({ length: n("ntimepoints") }, (_, i) => `_t${i + 1}`) : [""];
  const out: string[] = [];
  for (const w of waves) for (const s of stages) for (const t of times) out.push(`${base}${w}${s}${t}`.toLowerCase());
  return out;
}

function buildClaims(ctx: Ctx, sorted: CandidateFile[]): void {
  const claim = (member: string, entryPath: string, reader: string) => {
    if (!ctx.claims.has(member)) ctx.claims.set(member, { entry: entryPath, reader });
  };
  const has = ctx.idx.has;
  // OME-TIFF companions first, then multi-file OME-TIFFs (the file listing most present files wins).
  if (has.has(R.ometiff)) {
    const lists: { path: string; members: string[] }[] = [];
    for (const f of sorted) {
      const ln = baseOf(f.path).toLowerCase();
      if (ln.startsWith(".") || ln.endsWith(".filepart")) continue;
      const dir = dirOf(f.path);
      if (ln.endsWith(".companion.ome")) {
        const xml = headUtf8(f.probe);
        const refs = xml ? omeReferencedFiles(xml).map((r) => resolveRef(dir, r)) : null;
        const members = refs
          ? refs.map((r) => findPath(ctx, r)).filter((p): p is string => p !== null)
          : (ctx.dirs.get(dir)?.names ?? [])
              .filter((n) => endsWithAny(n.toLowerCase(), OME_TIFF_SUFFIXES))
              .map((n) => join(dir, n));
        claim(f.path, f.path, R.ometiff);
        for (const m of members) claim(m, f.path, R.ometiff);
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
}

/** Required files of a fileset whose entry is present, with one reason line per missing file. */
function requiredFiles(plan: FilesetPlan, f: CandidateFile | undefined): { path: string; why: string }[] {
  const dir = dirOf(plan.entry);
  const name = baseOf(plan.entry);
  const ln = name.toLowerCase();
  const out: { path: string; why: string }[] = [];
  switch (plan.reader) {
    case R.ics: {
      const ics2 = headText(f?.probe, 64)?.includes("ics_version\t2.0");
      if (!ics2 && ln.endsWith(".ics")) {
        out.push({
          path: join(dir, icsPartner(name)),
          why: `${icsPartner(name)}: pixel data of ICS 1 file ${name} (${f?.probe?.head ? "header is not ics_version 2.0" : "no header read, assumed ICS 1"})`,
        });
      }
      break;
    }
    case R.analyze:
    case R.nifti: {
      if (ln.endsWith(".hdr") && headText(f?.probe, 348)?.slice(344, 347) !== "n+1") {
        const img = swapExt(name, ".hdr", ".img");
        out.push({ path: join(dir, img), why: `${img}: pixel data of the header ${name}` });
      }
      break;
    }
    case R.fv1000: {
      if (ln.endsWith(".oif") && plan.files.length === 1) {
        out.push({
          path: `${plan.entry}.files/`,
          why: `${name}.files/: the folder of .pty/.tif files the .oif requires`,
        });
      }
      break;
    }
    case R.ometiff: {
      const xml = ln.endsWith(".companion.ome") ? headUtf8(f?.probe) : (f?.probe?.tiffDescription ?? undefined);
      if (xml && (!ln.endsWith(".companion.ome") || (f && headComplete(f)))) {
        for (const r of omeReferencedFiles(xml)) {
          out.push({ path: resolveRef(dir, r), why: `${r}: named in the OME-XML of ${name}` });
        }
      }
      break;
    }
    case R.mm: {
      if (f && headComplete(f)) {
        for (const fn of mmFileNames(f)) out.push({ path: resolveRef(dir, fn), why: `${fn}: FileName in ${name}` });
      }
      break;
    }
    case R.ndpis: {
      for (const img of ndpisImages(f!)) out.push({ path: resolveRef(dir, img), why: `${img}: listed in ${name}` });
      break;
    }
    case R.metamorph: {
      const text = f?.probe?.head && headComplete(f) ? f.probe.head.toString("latin1") : null;
      if (text && (ln.endsWith(".nd") || ln.endsWith(".scan"))) {
        const expected = metamorphPlaneNames(name, text);
        const present = new Set(
          plan.files.map((p) =>
            baseOf(p)
              .toLowerCase()
              .replace(/\.(tiff?|stk)$/, ""),
          ),
        );
        const found = expected.filter((e) => present.has(e));
        // Only trust the computed names once one of them matched (the .nd dialects vary); before any
        // plane is there, every computed name is missing.
        if (found.length > 0 || plan.files.length === 1) {
          for (const e of expected) {
            if (!present.has(e))
              out.push({ path: join(dir, `${e}.tif`), why: `${e}.TIF or .STK: plane computed from ${name}` });
          }
        }
      }
      break;
    }
    case R.bdv: {
      const m = /<hdf5[^>]*>\s*([^<]+?)\s*<\/hdf5>/.exec(headUtf8(f?.probe) ?? "");
      if (m) out.push({ path: resolveRef(dir, m[1]!), why: `${m[1]}: the HDF5 file named in ${name}` });
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function buildContext(idx: CatIndex, files: Map<string, CandidateFile>, dirs: Map<string, DirInfo>): Ctx {
  const ctx: Ctx = {
    idx,
    files,
    dirs,
    mm: new Map(),
    mmPos: new Map(),
    nd: new Map(),
    claims: new Map(),
    mvd2: new Map(),
  };
  for (const [dir, info] of dirs) {
    for (const n of info.names) {
      const ln = n.toLowerCase();
      const p = join(dir, n);
      if (isMmMetadataName(ln) && idx.has.has(R.mm) && mmPasses(files.get(p)!)) {
        const list = ctx.mm.get(dir) ?? [];
        list.push(p);
        ctx.mm.set(dir, list);
        if (baseOf(dir).includes("Pos_")) {
          const parent = dirOf(dir);
          const pos = ctx.mmPos.get(parent) ?? [];
          pos.push(p);
          ctx.mmPos.set(parent, pos);
        }
      }
      if ((ln.endsWith(".nd") || ln.endsWith(".scan")) && !n.startsWith(".")) {
        const list = ctx.nd.get(dir) ?? [];
        list.push(p);
        ctx.nd.set(dir, list);
      }
    }
  }
  for (const list of ctx.mmPos.values()) list.sort();
  for (const list of ctx.nd.values()) list.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return ctx;
}

function ignoredReason(defCtx: Ctx, f: CandidateFile, source: string): string {
  const d = decide(defCtx, f);
  const ext = baseOf(f.path).includes(".") ? baseOf(f.path).slice(baseOf(f.path).lastIndexOf(".")) : "(no extension)";
  if (d.kind === "entry" || d.kind === "member") {
    return `the watch's readers (${source}) exclude it: by default ${d.reader} would read it`;
  }
  if (d.kind === "ignored" && d.reason) return d.reason;
  return `no Bio-Formats reader accepts this file (suffix ${ext})`;
}

/** Which candidates need `probe` for their reader or fileset to be decided. Pure. */
export function needsHeader(path: string, catalogue: Catalogue): boolean {
  const ln = baseOf(path).toLowerCase();
  if (ln.startsWith(".") || ln.endsWith(".filepart")) return false;
  const has = indexOf(catalogue).has;
  if (isTiffName(ln) || ln.endsWith(".stk")) return true;
  if (ln.endsWith(".ics")) return has.has(R.ics);
  if (ln.endsWith(".hdr")) return has.has(R.analyze) || has.has(R.nifti);
  if (ln.endsWith(".companion.ome")) return has.has(R.ometiff);
  if (isMmMetadataName(ln)) return true;
  if (ln.endsWith(".nd") || ln.endsWith(".scan")) return has.has(R.metamorph);
  if (ln.endsWith(".ndpis")) return has.has(R.ndpis);
  return /\.(txt|csv|xml|ims|msr|scn|raw)$/.test(ln);
}

/** Whether the io probe should read the whole file (up to WHOLE_FILE_MAX_BYTES) rather than HEADER_BYTES. */
export function wantsWholeFile(path: string): boolean {
  const ln = baseOf(path).toLowerCase();
  return (
    ln.endsWith(".companion.ome") ||
    isMmMetadataName(ln) ||
    ln.endsWith(".nd") ||
    ln.endsWith(".scan") ||
    ln.endsWith(".ndpis")
  );
}

/**
 * Decides readers and filesets for every not-yet-imported candidate of one watch. Pure, O(n log n).
 * Each input path ends up in exactly one of: one fileset's files, ignored, pending.
 */
export function groupFilesets(files: CandidateFile[], catalogue: Catalogue): GroupingResult {
  const idx = indexOf(catalogue);
  const byPath = new Map<string, CandidateFile>();
  for (const f of files) if (!byPath.has(f.path)) byPath.set(f.path, f);
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dirs = buildDirs(byPath);
  const ctx = buildContext(idx, byPath, dirs);
  buildClaims(ctx, sorted);
  let defCtx: Ctx | null = null;

  const decisions = new Map<string, Decision>();
  const bfoptions: CandidateFile[] = [];
  for (const f of sorted) {
    if (f.path.toLowerCase().endsWith(".bfoptions") && !baseOf(f.path).startsWith(".")) {
      bfoptions.push(f);
      continue;
    }
    let d = decide(ctx, f);
    if (d.kind === "ignored" && d.reason === "") {
      if (idx.source === "default") d = { kind: "ignored", reason: ignoredReason(ctx, f, idx.source) };
      else {
        defCtx ??= (() => {
          const c = buildContext(defaultIndex(), byPath, dirs);
          buildClaims(c, sorted);
          return c;
        })();
        d = { kind: "ignored", reason: ignoredReason(defCtx, f, idx.source) };
      }
    }
    decisions.set(f.path, d);
  }

  const plans = new Map<string, FilesetPlan>();
  const result: GroupingResult = { filesets: [], ignored: [], pending: [] };
  for (const f of sorted) {
    const d = decisions.get(f.path);
    if (d?.kind === "entry")
      plans.set(f.path, { key: f.path, reader: d.reader, entry: f.path, files: [f.path], missing: [], reasons: [] });
  }

  type Target = FilesetPlan | { kind: "pending" | "ignored"; reason: string };
  /** The plan a path ends up in, following member -> entry chains (an entry may itself be a member). */
  const planOf = (p: string, depth = 0): Target => {
    const d = decisions.get(p);
    if (!d) return { kind: "pending", reason: `waits for its entry file ${p}` };
    if (d.kind === "entry") return plans.get(p)!;
    if (d.kind === "member") {
      if (d.dirEntry) return plans.get(d.entry) ?? { kind: "pending", reason: `waits for its entry ${d.entry}` };
      if (depth > 8) return { kind: "ignored", reason: `companion chain through ${p} is too deep` };
      return planOf(d.entry, depth + 1);
    }
    return { kind: d.kind, reason: `belongs to ${p}, which is ${d.kind}: ${d.reason}` };
  };
  const place = (f: CandidateFile, target: Target, label: string) => {
    if ("key" in target) target.files.push(f.path);
    else if (target.kind === "ignored") result.ignored.push({ path: f.path, reason: `${label} ${target.reason}` });
    else result.pending.push({ path: f.path, reason: `${label} ${target.reason}` });
  };

  // Folder entries (OME-Zarr) first, so that chains through them resolve.
  for (const f of sorted) {
    const d = decisions.get(f.path);
    if (d?.kind === "member" && d.dirEntry) {
      let plan = plans.get(d.entry);
      if (!plan) {
        plan = { key: d.entry, reader: d.reader, entry: d.entry, files: [], missing: [], reasons: [] };
        plans.set(d.entry, plan);
      }
      plan.files.push(f.path);
    }
  }
  for (const f of sorted) {
    const d = decisions.get(f.path);
    if (!d) continue;
    if (d.kind === "ignored") result.ignored.push({ path: f.path, reason: d.reason });
    else if (d.kind === "pending") result.pending.push({ path: f.path, reason: d.reason });
    else if (d.kind === "member" && !d.dirEntry) place(f, planOf(d.entry), baseOf(f.path));
  }
  for (const f of bfoptions) {
    place(f, planOf(f.path.slice(0, -".bfoptions".length)), `reader options file ${baseOf(f.path)}`);
  }

  for (const plan of plans.values()) {
    const [head, ...rest] = plan.files;
    plan.files = head === plan.entry ? [head, ...rest.sort()] : plan.files.sort();
    const present = new Set(plan.files);
    const seen = new Set<string>();
    for (const req of requiredFiles(plan, byPath.get(plan.entry))) {
      if (present.has(req.path) || byPath.has(req.path) || findPath(ctx, req.path) || seen.has(req.path)) continue;
      seen.add(req.path);
      plan.missing.push(req.path);
      plan.reasons.push(`missing ${req.why}`);
    }
    result.filesets.push(plan);
  }
  result.filesets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return result;
}
