/**
 * GE / Cytiva IN Cell Analyzer 1000/2000/6000 and Cytell plates. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/InCellReader.java: isThisType(String, boolean) (only .xdce and
 * .xml names), isThisType(RandomAccessInputStream) (INCELL_MAGIC_STRING / CYTELL_MAGIC_STRING in the first
 * 2048 bytes), initFile (a pixel file is redirected to the .xdce/.xml of its folder whose text names it),
 * MinimalInCellHandler (<Image filename=".." thumbnail=".."> + <Identifier field_index z_index wave_index
 * time_index>, <Row number>, <Column number>), getSeriesUsedFiles (the index, the existing image files and
 * existing thumbnails; `metadataFiles` is never filled).
 */
import { baseOf, join, resolveRef } from "../paths";
import type { ExpectedFile } from "./plan";
import { finishPlate, stripExt } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";
import { headText, wholeFileRead } from "../head";

export const INCELL = "loci.formats.in.InCellReader";

const MAGIC = ["IN Cell Analyzer", "Cytell"];

/** IN Cell image names: "<row> - <col>(fld <n> wv <ex> - <em>[ z <n>][ time <n> - <ms> ms]).tif" */
const INCELL_IMAGE = /^[A-Z]{1,2} - \d+\(fld \d+[^)]*\)\.(tiff?|im)$/i;

export interface InCellImage {
  path: string;
  thumbnail: string | null;
  row: number;
  col: number;
  field: number;
  z: number;
  wave: number;
  time: number;
}

const attr = (s: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(s);
  return m
    ? m[1]!
        .replace(/&amp;/g, "&")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
    : null;
};
const num = (v: string | null) => {
  const n = v === null ? Number.NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
};

/** The <Image> elements of an .xdce, file names resolved against the index's folder. */
export function parseXdce(xml: string, dir: string): InCellImage[] {
  const out: InCellImage[] = [];
  const open = /<Image(?=[\s>/])([^>]*)>/g;
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    const file = attr(m[1]!, "filename");
    const selfClosing = m[1]!.trimEnd().endsWith("/");
    let body = "";
    if (!selfClosing) {
      const end = xml.indexOf("</Image>", open.lastIndex);
      body = xml.slice(open.lastIndex, end < 0 ? xml.length : end);
      if (end >= 0) open.lastIndex = end + 8;
    }
    if (!file) continue;
    const id = /<Identifier\b([^>]*)>/.exec(body)?.[1] ?? "";
    const thumb = attr(m[1]!, "thumbnail");
    out.push({
      path: resolveRef(dir, file),
      thumbnail: thumb ? resolveRef(dir, thumb) : null,
      row: num(attr(/<Row\b[^>]*>/.exec(body)?.[0] ?? "", "number")),
      col: num(attr(/<Column\b[^>]*>/.exec(body)?.[0] ?? "", "number")),
      field: num(attr(id, "field_index")),
      z: num(attr(id, "z_index")),
      wave: num(attr(id, "wave_index")),
      time: num(attr(id, "time_index")),
    });
  }
  return out;
}

function isIndex(view: FileView, path: string): boolean {
  const name = baseOf(path);
  if (name.startsWith(".") || !hasSuffix(name, "xdce", "xml")) return false;
  const head = headText(view.files.get(path), 2048);
  // Without a probe only the .xdce suffix speaks for it (every .xml would be a guess).
  if (head === undefined) return hasSuffix(name, "xdce");
  return MAGIC.some((m) => head.includes(m));
}

export const inCellRule: PlateRule = {
  name: "incell",
  readers: [INCELL],
  wantsWholeFile: (ln) => ln.endsWith(".xdce"),
  needsHeader: (ln) => ln.endsWith(".xdce") || ln.endsWith(".xml"),
  group(view, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const [dir, names] of view.dirs) {
      for (const name of names) {
        const path = join(dir, name);
        if (taken.has(path) || claimed.has(path) || !isIndex(view, path)) continue;
        const f = view.files.get(path)!;
        const images = wholeFileRead(f) ? parseXdce(headText(f)!, dir) : null;
        const members = new Set<string>([path]);
        for (const i of images ?? []) if (i.thumbnail && view.has(i.thumbnail)) members.add(i.thumbnail);
        if (!images) {
          // Unparsed: initFile's redirect (a pixel file whose name the index's text contains) needs the text too;
          // claim the IN Cell-named images of the folder so they do not import alone.
          for (const p of view.pick(dir, (n) => INCELL_IMAGE.test(n))) members.add(p);
        }
        const expected: ExpectedFile[] | null = images
          ? images.map((i) => ({
              path: i.path,
              why: `well row ${i.row} column ${i.col}, field ${i.field + 1}, wave ${i.wave + 1}, z ${i.z + 1}, time ${i.time + 1} listed by ${name}`,
              image: true,
            }))
          : null;
        const all = images ?? [];
        const count = (k: (i: InCellImage) => string | number) => new Set(all.map(k)).size;
        const busy = { has: (p: string) => taken.has(p) || claimed.has(p) };
        const plan = finishPlate(view, {
          reader: INCELL,
          entry: path,
          members: [...members].filter((p) => !busy.has(p)),
          expected,
          // Thumbnails are listed but taken only when they exist: with any, others may still come.
          closed: !!images && images.every((i) => !i.thumbnail),
          summary: {
            format: "InCell",
            name: stripExt(name),
            wells: count((i) => `${i.row}:${i.col}`),
            fields: count((i) => i.field),
            channels: count((i) => i.wave),
            timepoints: count((i) => i.time),
            zSteps: count((i) => i.z),
          },
          notes: images
            ? []
            : [`${name} was not read whole: its images cannot be listed, the plate waits for a quiet period`],
          taken: busy,
        });
        for (const p of plan.files) claimed.add(p);
        filesets.push(plan);
      }
    }
    const pending: PendingFile[] = [];
    for (const [dir, names] of view.dirs) {
      for (const n of names) {
        const p = join(dir, n);
        if (!INCELL_IMAGE.test(n) || claimed.has(p) || taken.has(p)) continue;
        pending.push({
          path: p,
          reason: `${n} is named like an IN Cell plate image and waits for the .xdce that lists it in ${dir}`,
        });
      }
    }
    return { filesets, claimed, pending };
  },
};
