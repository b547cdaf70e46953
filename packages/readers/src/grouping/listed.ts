/**
 * Entry files whose content names their members, beyond entry-lists.ts: Leica `.lei` (binary TIFF list),
 * Leica `.xlef` (XML references through `.xlcf`/`.xlif` to frames and `.lof` blocks) and `.pattern`
 * (a Bio-Formats file pattern). Pure: the contents come from the probes (read whole: wantsWholeFile).
 * Each returns the listed paths (absolute, resolved as the reader resolves them, the present file's
 * spelling when one matches) and whether the list is whole (every document read whole), or null when
 * the entry's content is not there.
 */
import { baseOf, dirOf, resolveRef } from "../paths";
import type { Ctx } from "./context";
import { findPath } from "./context";
import { wholeFileRead } from "../head";
import type { CandidateFile } from "../types";

export interface Listed {
  /** Listed member paths (the entry itself excluded unless listed), in listing order, unique. */
  paths: string[];
  /** Every document of the chain was read whole, so `paths` is the reader's complete list. */
  whole: boolean;
  /** Documents of the chain (XLEF: `.xlcf`/`.xlif`), also members. */
  docs?: string[];
}

// ---------------------------------------------------------------------------------------------
// Leica LEI. Source: ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/LeicaReader.java,
// initFile (l. 398-505): byte order from the first 4 bytes (0x49494949: little endian), the first block
// address at 12; each block: 4 bytes, then (tag, offset) int pairs up to tag 0, then the next block's
// address; a tag's value starts at offset + 16. SERIES (10): the name length in UTF-16 units at value + 8.
// IMAGES (15), parseFilenames (l. 883-1000): count, sizeX, sizeY, 4 bytes, samples per pixel, then
// `count` names of nameLength bytes (DataTools.stripString: NULs removed, trimmed) in the .lei's folder.

const SERIES = 10;
const IMAGES = 15;

/** The TIFF names a `.lei` lists, per series, in order (null: not a parsable LEI). */
export function leiFileNames(b: Buffer): string[] | null {
  if (b.length < 16) return null;
  let le = b.readUInt32BE(0) === 0x49494949;
  const int = (o: number) => {
    if (o < 0 || o + 4 > b.length) throw new RangeError("LEI: read past the end");
    return le ? b.readInt32LE(o) : b.readInt32BE(o);
  };
  try {
    const blocks: Map<number, number>[] = [];
    const seen = new Set<number>();
    for (let addr = int(12); addr !== 0 && !seen.has(addr) && blocks.length < 10000; ) {
      seen.add(addr);
      const tags = new Map<number, number>();
      let pos = addr + 4;
      for (let tag = int(pos); tag !== 0; tag = int(pos)) {
        tags.set(tag, int(pos + 4) + 16);
        pos += 8;
      }
      blocks.push(tags);
      addr = int(pos + 4);
    }
    const names: string[] = [];
    let nameLength = 0;
    for (const tags of blocks) {
      const series = tags.get(SERIES);
      if (series !== undefined) nameLength = int(series + 8) * 2;
      const images = tags.get(IMAGES);
      if (images === undefined || nameLength <= 0) continue;
      let count = int(images);
      if (count * nameLength > b.length) {
        le = !le;
        count = int(images);
        le = !le;
      }
      if (count < 0 || count * nameLength > b.length) return null;
      let at = images + 20;
      for (let j = 0; j < count; j++, at += nameLength) {
        if (at + nameLength > b.length) return null;
        const raw = b.subarray(at, at + nameLength).filter((x) => x !== 0);
        const name = Buffer.from(raw).toString("utf8").trim();
        if (name) names.push(name);
      }
    }
    return names;
  } catch {
    return null;
  }
}

export function leiListed(ctx: Ctx, f: CandidateFile): Listed | null {
  if (!f.probe?.head) return null;
  const names = leiFileNames(f.probe.head);
  if (!names) return null;
  const dir = dirOf(f.path);
  return { paths: uniq(names.map((n) => resolve(ctx, resolveRef(dir, n)))), whole: wholeFileRead(f) };
}

// ---------------------------------------------------------------------------------------------
// Leica XLEF. Source: ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/XLEFReader.java
// (getUsedFiles: the .xlef + XlefDocument.getChildrenFiles) and LeicaMicrosystemsMetadata/:
// LMSCollectionXmlDocument.initChildren (`//Reference@File` of an .xlef/.xlcf -> `.xlif` or `.xlcf`,
// recursively), XlifDocument.initImagePaths (`//Frame@File`, else `//Block@File` (.lof), lower-cased),
// LMSXmlDocument.parseFilePath (URL-decoded, `\` -> `/`, relative to the document's folder) and
// fileExists (case-insensitive match of the path). A referenced file that is absent is skipped by the
// reader; here it is expected (a copy still under way), and its own references are unknown.

const attrValues = (xml: string, el: string) =>
  [...xml.matchAll(new RegExp(`<${el}\\b[^>]*?\\sFile\\s*=\\s*"([^"]*)"`, "g"))].map((m) => decodeXmlAttr(m[1]!));

function decodeXmlAttr(v: string): string {
  const x = v
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
  return x.replace(/&amp;/g, "&");
}

function urlDecode(s: string): string {
  try {
    // java.net.URLDecoder: '+' is a space too.
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s.replace(/%5C/gi, "/").replace(/%20/g, " ");
  }
}

/** XlifDocument.initImagePaths: `//Frame@File`, else `//Block@File`, lower-cased, in the .xlif's folder. */
export function xlifImages(ctx: Ctx, xlif: string, xml: string): string[] {
  const frames = attrValues(xml, "Frame");
  return (frames.length > 0 ? frames : attrValues(xml, "Block")).map((fr) =>
    resolve(ctx, resolveRef(dirOf(xlif), urlDecode(fr))),
  );
}

export function xlefListed(ctx: Ctx, f: CandidateFile): Listed | null {
  if (!f.probe?.head) return null;
  const paths: string[] = [];
  const docs: string[] = [];
  let whole = wholeFileRead(f);
  const visited = new Set<string>([f.path]);
  const walk = (doc: string, xml: string) => {
    for (const ref of attrValues(xml, "Reference")) {
      const p = resolve(ctx, resolveRef(dirOf(doc), urlDecode(ref)));
      const ln = p.toLowerCase();
      if (visited.has(p) || !(ln.endsWith(".xlif") || ln.endsWith(".xlcf"))) continue;
      visited.add(p);
      docs.push(p);
      const child = ctx.files.get(p);
      if (!child?.probe?.head || !wholeFileRead(child)) {
        whole = false;
        continue;
      }
      const text = child.probe.head.toString("utf8");
      if (ln.endsWith(".xlcf")) walk(p, text);
      else paths.push(...xlifImages(ctx, p, text));
    }
  };
  walk(f.path, f.probe.head.toString("utf8"));
  return { paths: uniq([...docs, ...paths]), whole, docs };
}

// ---------------------------------------------------------------------------------------------
// File patterns. Source: ome/bioformats df36e691, components/formats-bsd/src/loci/formats/in/
// FilePatternReader.java (initFile: the trimmed file content; a pattern without a folder is in the
// .pattern's folder; getUsedFiles: the .pattern + the FileStitcher's files), and
// components/formats-bsd/src/loci/formats/FilePattern.java (blocks `<...>` expanded as a cartesian
// product, buildFiles; no block: a regular expression over the folder's names) and FilePatternBlock.java
// (explode: `<a,b,c>` lists; `<1-10>`, `<1-10:2>` ranges, zero-padded when begin and end have the same
// length; letters in base 36, case from the first bound). FileStitcher.initFile (l. 1137-1147) throws
// "File #i (...) does not exist" for any expanded name that is absent: every one is required.

/** Expansions beyond this are not listed (the pattern then falls back to the quiet period). */
export const PATTERN_MAX_FILES = 100_000;

/** FilePatternBlock.explode: a block's elements, or null for a bad block. */
export function patternBlock(block: string): string[] | null {
  const inner = block.slice(1, -1);
  const list = inner.split(",");
  if (list.length > 1) return list;
  const dash = inner.split("-");
  if (dash.length < 2) return [inner];
  const b = dash[0]!;
  const [e = "", s = "1"] = dash[1]!.split(":");
  const numeric = /^[+-]?\d+$/.test(b) && /^[+-]?\d+$/.test(e) && /^[+-]?\d+$/.test(s);
  const radix = numeric ? 10 : 36;
  const parse = (v: string) => (/^[+-]?[0-9a-z]+$/i.test(v) ? Number.parseInt(v, radix) : Number.NaN);
  const begin = parse(b);
  const end = parse(e);
  const step = parse(s);
  if (![begin, end, step].every(Number.isFinite) || step === 0) return null;
  const count = Math.trunc((end - begin) / step) + 1;
  if (count <= 0 || count > PATTERN_MAX_FILES) return count <= 0 ? [] : null;
  const fixed = b.length === e.length;
  const lower = b[0] !== undefined && b[0] === b[0].toLowerCase();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let v = (begin + step * i).toString(radix);
    if (!numeric) v = lower ? v.toLowerCase() : v.toUpperCase();
    out.push(fixed ? v.padStart(e.length, "0") : v);
  }
  return out;
}

/** The files a pattern names, or null when it has no block (a regular expression) or a bad block. */
export function expandPattern(pattern: string): string[] | null {
  const parts: (string | string[])[] = [];
  let at = 0;
  for (let l = pattern.indexOf("<"); l >= 0; l = pattern.indexOf("<", at)) {
    const r = pattern.indexOf(">", l);
    if (r < 0) return null;
    parts.push(pattern.slice(at, l));
    const els = patternBlock(pattern.slice(l, r + 1));
    if (!els) return null;
    parts.push(els);
    at = r + 1;
  }
  if (parts.length === 0) return null;
  parts.push(pattern.slice(at));
  let out = [""];
  for (const p of parts) {
    if (typeof p === "string") out = out.map((x) => x + p);
    else {
      if (out.length * p.length > PATTERN_MAX_FILES) return null;
      out = out.flatMap((x) => p.map((e) => x + e));
    }
  }
  return out;
}

export function patternText(f: CandidateFile): string | null {
  return f.probe?.head ? f.probe.head.toString("utf8").trim() : null;
}

/**
 * FilePatternReader.initFile: a pattern naming no folder is put in the `.pattern`'s folder, an absolute one is
 * used as written, but a relative folder is resolved against the importer's working directory, so setId
 * fails ("File #0 ... does not exist"): why the `.pattern` is refused, or null.
 */
export function patternRefusal(f: CandidateFile): string | null {
  const text = patternText(f);
  if (!text?.includes("/") || text.startsWith("/")) return null;
  return `the pattern ${JSON.stringify(text.split(/\r?\n/)[0])} names a relative folder, which FilePatternReader resolves against the importer's working directory, not the .pattern's folder: write the pattern without a folder or with an absolute one`;
}

/** A `.pattern` file's members: the block expansion, or (a regular expression) the matching names of its folder. */
export function patternListed(ctx: Ctx, f: CandidateFile): Listed | null {
  const text = patternText(f);
  if (!text || patternRefusal(f)) return null;
  const dir = dirOf(f.path);
  // FilePatternReader: a pattern naming no folder lives in the .pattern's folder (patternRefusal: a relative one).
  const full = resolvePattern(dir, text);
  const files = expandPattern(full);
  if (files) return { paths: uniq(files.map((p) => resolve(ctx, p))), whole: wholeFileRead(f) };
  // No block: FilePattern.buildFiles matches the regular expression against the folder's names.
  const pdir = dirOf(full);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${baseOf(full)})$`);
  } catch {
    return null;
  }
  const names = ctx.dirs.get(pdir)?.names ?? [];
  const hits = names.filter((n) => re.test(n)).map((n) => (pdir === "/" ? `/${n}` : `${pdir}/${n}`));
  return { paths: hits.filter((p) => p !== f.path), whole: false };
}

/** The pattern as an absolute path: its folder part resolved, its name part (blocks, regex) kept as written. */
function resolvePattern(dir: string, text: string): string {
  const line = text.split(/\r?\n/)[0]!.trim();
  const cut = line.lastIndexOf("/");
  if (cut < 0) return dir === "/" ? `/${line}` : `${dir}/${line}`;
  const folder = resolveRef(dir, line.slice(0, cut) || "/");
  return folder === "/" ? `/${line.slice(cut + 1)}` : `${folder}/${line.slice(cut + 1)}`;
}

// ---------------------------------------------------------------------------------------------

/** The present file's path: exact, then case-insensitive name in its folder, then case-insensitive whole path
 * (LMSXmlDocument.fileExists walks up matching each component without case). */
function resolve(ctx: Ctx, p: string): string {
  const hit = findPath(ctx, p);
  if (hit) return hit;
  if (!ctx.lowerPaths) {
    ctx.lowerPaths = new Map();
    for (const k of ctx.files.keys()) if (!ctx.lowerPaths.has(k.toLowerCase())) ctx.lowerPaths.set(k.toLowerCase(), k);
  }
  return ctx.lowerPaths.get(p.toLowerCase()) ?? p;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}
