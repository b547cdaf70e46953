/**
 * Olympus FluoView OIF (FV1000Reader, ome/bioformats df36e691 components/formats-gpl/src/loci/formats/in/
 * FV1000Reader.java). `x.oif` lists its `.pty` files (ProfileSaveInfo `IniFileName<n>`, not thumbnails or
 * previews); each `.pty` names its TIFF (`File Info` `DataName`, `.pty` -> `.tif`), in the `.pty`'s folder
 * (`x.oif.files/`). getSeriesUsedFiles: the `.oif`, every `.pty`/`.roi`/`.lut` of that folder, the TIFFs the
 * `.pty` files name and the preview TIFFs. isThisType claims any other file whose name has a '_' (findOIFFile
 * finds `x.oif` from the folder's name) except `.bmp`; such a file is not used, so OMERO's candidate scan
 * drops it ("pruned": `ignored` here). Files without a '_' and the `.bmp` thumbnail are what Bio-Formats
 * makes of them alone. initFile fails when a `.pty`'s TIFF is absent (FileNotFoundException), and guesses
 * `<pty>.tif` when a listed `.pty` is absent: both are `missing` here, so the set is held whole.
 */
import { baseOf, dirOf, join } from "../paths";
import { find, findPath, member } from "./context";
import { SHARED_SUFFIXES, suffixMatches } from "./catalogue-index";
import type { Ctx, Decision } from "./context";
import { memo } from "./memo";
import { R, isTiffName } from "./names";
import { wholeFileRead } from "../head";
import type { CandidateFile, FilesetPlan } from "../types";

/** FluoView INI (UTF-16LE or 8-bit): section -> key -> value, quotes removed (getIniFile, sanitizeValue). */
export function fvIni(buf: Buffer): Map<string, Map<string, string>> {
  const utf16 = buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe;
  // DataTools.stripString drops the NULs of UTF-16 text read as bytes.
  const text = utf16 ? buf.subarray(2).toString("utf16le") : buf.toString("latin1").replace(/\0/g, "");
  const out = new Map<string, Map<string, string>>();
  let table: Map<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const head = /^\[(.*)\]$/.exec(line);
    if (head) {
      table = new Map();
      out.set(head[1]!.trim(), table);
      continue;
    }
    const eq = line.indexOf("=");
    if (table && eq > 0) table.set(line.slice(0, eq).trim(), sanitize(line.slice(eq + 1).trim()));
  }
  return out;
}

/** sanitizeValue: quotes removed, `\` -> `/`, `GST...=` segments removed (removeGST). */
function sanitize(v: string): string {
  let f = v.replace(/"/g, "").replace(/\\/g, "/");
  for (let i = f.indexOf("GST"); i >= 0; i = f.indexOf("GST")) {
    const slash = f.indexOf("/");
    const end = slash < i ? f.length : slash;
    f = f.slice(0, i) + f.slice(f.lastIndexOf("=", end) + 1);
  }
  return f;
}

/** isPreviewName: "-R" nine characters before the end (`s_C001-R001.pty`). */
const isPreviewName = (n: string) => n.indexOf("-R") >= 0 && n.indexOf("-R") === n.length - 9;

const toTif = (p: string) => (p.endsWith(".pty") ? `${p.slice(0, -4)}.tif` : p);

function iniOf(f: CandidateFile | undefined): Map<string, Map<string, string>> | null {
  return f?.probe?.head && wholeFileRead(f) ? fvIni(f.probe.head) : null;
}

export interface OifListing {
  /** Listed `.pty` files (absolute, as initFile resolves them). */
  ptys: string[];
  /** Channel TIFFs: DataName of each present `.pty`, `<pty>.tif` for an absent one. */
  tiffs: string[];
  /** Preview TIFFs named in ProfileSaveInfo (taken when present, never required). */
  previews: string[];
  /** Every listed `.pty` is present and was read. */
  whole: boolean;
}

/** What an `.oif` read whole lists (null: not read). */
export function oifListing(ctx: Ctx, oif: string): OifListing | null {
  return memo(ctx, `oif:${oif}`, () => computeOifListing(ctx, oif));
}

function computeOifListing(ctx: Ctx, oif: string): OifListing | null {
  const ini = iniOf(ctx.files.get(oif));
  const save = ini?.get("ProfileSaveInfo");
  if (!save) return null;
  const dir = dirOf(oif);
  const ptys: string[] = [];
  const previews: string[] = [];
  for (const [key, value] of save) {
    if (key.startsWith("IniFileName") && !key.includes("Thumb") && !isPreviewName(value))
      ptys.push(resolvePty(ctx, oif, value));
    else if (!key.includes("Thumb") && isPreviewName(value)) previews.push(toTif(join(dir, value)));
  }
  const tiffs: string[] = [];
  let whole = true;
  for (const pty of ptys) {
    const found = findPath(ctx, pty);
    const data = found ? iniOf(ctx.files.get(found))?.get("File Info")?.get("DataName") : undefined;
    if (found && data === undefined) whole = false;
    if (!found) whole = false;
    const tif = data !== undefined && !isPreviewName(data) ? toTif(join(dirOf(pty), data)) : toTif(pty);
    tiffs.push(findPath(ctx, tif) ?? tif);
  }
  return { ptys: ptys.map((p) => findPath(ctx, p) ?? p), tiffs, previews, whole };
}

/** sanitizeFile + the guess of initFile (l. 646-680): a `.pty` in a folder that is not there is looked for in `<oif>.files/`. */
function resolvePty(ctx: Ctx, oif: string, value: string): string {
  const p = join(dirOf(oif), value);
  if (findPath(ctx, p) || ctx.dirs.has(dirOf(p))) return p;
  return join(`${oif}.files`, baseOf(p));
}

/**
 * A file under `<parent>/<x.oif.files>/` (level 1: directly in it; 2: one folder down). Null: not FluoView's
 * (the ordinary rules decide, as Bio-Formats does for it alone).
 */
export function oifFolderRule(
  ctx: Ctx,
  f: CandidateFile,
  folder: string,
  parent: string,
  level: number,
): Decision | null {
  const name = baseOf(f.path);
  const ln = name.toLowerCase();
  if (ln.endsWith(".bmp")) return null;
  const oifName = folder.slice(0, -".files".length);
  const oif = findPath(ctx, join(parent, oifName));
  const listed = level === 1 && /\.(pty|roi|lut)$/.test(ln);
  const listing = oif ? oifListing(ctx, oif) : null;
  const named = listing !== null && (listing.tiffs.includes(f.path) || listing.previews.includes(f.path));
  // Without the .oif the file is what Bio-Formats reads alone, held for the .oif (layouts.ts layoutWithoutEntry).
  // findOIFFile needs a '_' in the name; without one the file is only FluoView's when the .oif lists it.
  if (!oif || (!name.includes("_") && !listed && !named)) return null;
  if (listed || named) return member(R.fv1000, oif);
  // A TIFF the listing does not name yet: a member while a listed .pty is absent or unread (it may name it).
  if (level === 1 && isTiffName(ln) && !listing?.whole) return member(R.fv1000, oif);
  return {
    kind: "ignored",
    reason: `${name} is in ${folder}/ but ${oifName} does not name it (its .pty files name the channel TIFFs), so FV1000Reader does not use it and OMERO's import skips it; move it out of ${folder}/ to import it on its own`,
    opens: oif,
  };
}

/**
 * findOIFFile (l. 1470-1522) for a file outside any `x.oif.files/`: with a '_' in its name (not a `.bmp`),
 * FV1000Reader ties it to `<name up to its last '_'>.oif` beside its folder, else to the `.oif` its folder is
 * named after without its last two suffixes (`ZStack.oif.files copy/` -> `ZStack.oif`), and initFile reads that
 * `.oif`'s own files: the file opens that fileset without being part of it (OMERO's import skips it; pruned).
 */
export function oifElsewhereRule(ctx: Ctx, f: CandidateFile, folder: string, parent: string): Decision | null {
  const name = baseOf(f.path);
  const cut = name.lastIndexOf("_");
  if (cut <= 0 || name.toLowerCase().endsWith(".bmp")) return null;
  // A reader before FV1000Reader (readers.txt order) that takes the name keeps it.
  const order = ctx.idx.readers.find((r) => r.className === R.fv1000)?.order ?? 0;
  const ln = name.toLowerCase();
  if (suffixMatches(ctx.idx, ln).some((m) => m.reader.order < order && !SHARED_SUFFIXES.has(m.suffix))) return null;
  let oif = find(ctx, parent, `${name.slice(0, cut)}.oif`);
  if (!oif) {
    const dots = folder.split(".");
    if (dots.length < 3) return null;
    oif = find(ctx, parent, `${dots.slice(0, -2).join(".")}.oif`);
  }
  if (!oif || oif === f.path) return null;
  return {
    kind: "ignored",
    reason: `FV1000Reader ties ${name} to ${baseOf(oif)} (by its name or its folder's, ${folder}/) and reads ${baseOf(oif)}'s own files, so OMERO's import skips ${name}; rename it or its folder to import it on its own`,
    opens: oif,
  };
}

/** Whether FV1000Reader could tie this file of `x.oif.files/` to `x.oif` (layouts.ts holds it for the .oif). */
export function oifMayClaim(ctx: Ctx, path: string, level: number): boolean {
  const name = baseOf(path);
  const ln = name.toLowerCase();
  if (ln.endsWith(".bmp")) return false;
  return name.includes("_") || (level === 1 && /\.(pty|roi|lut)$/.test(ln)) || namedByAPty(ctx, dirOf(path), name);
}

function namedByAPty(ctx: Ctx, dir: string, name: string): boolean {
  for (const n of ctx.dirs.get(dir)?.names ?? []) {
    if (!n.toLowerCase().endsWith(".pty")) continue;
    const data = iniOf(ctx.files.get(join(dir, n)))
      ?.get("File Info")
      ?.get("DataName");
    if (data !== undefined && toTif(data) === name) return true;
  }
  return false;
}

/** `expected` and `missing` of an `.oif` fileset: the listed `.pty` files and the channel TIFFs. */
export function oifRequired(
  ctx: Ctx,
  plan: FilesetPlan,
): { expected?: string[]; required: { path: string; why: string }[] } {
  const name = baseOf(plan.entry);
  const listing = oifListing(ctx, plan.entry);
  if (!listing) {
    if (plan.files.length > 1) return { required: [] };
    return {
      required: [
        { path: `${plan.entry}.files/`, why: `${name}.files/: the folder of .pty/.tif files the .oif requires` },
      ],
    };
  }
  const present = new Set(plan.files);
  const required: { path: string; why: string }[] = [];
  listing.ptys.forEach((pty, i) => {
    if (!present.has(pty)) required.push({ path: pty, why: `${baseOf(pty)}: channel file listed in ${name}` });
    const tif = listing.tiffs[i]!;
    if (!present.has(tif))
      required.push({ path: tif, why: `${baseOf(tif)}: channel TIFF named by ${baseOf(pty)} (${name})` });
  });
  return { expected: [...new Set([...listing.ptys, ...listing.tiffs])], required };
}
