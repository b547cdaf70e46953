/**
 * PerkinElmer Operetta / Harmony / Phenix plates. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/OperettaReader.java: XML_FILES, isThisType(String, boolean),
 * isThisType(RandomAccessInputStream) (magic), initFile (the entry and the plate folder's metadata files),
 * OperettaHandler (Image -> URL, Row, Col, FieldID, PlaneID, TimepointID, ChannelID), getUsedFiles.
 */
import { baseOf, dirOf, join, resolveRef } from "../paths";
import type { ExpectedFile } from "./plan";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";
import { headText, headUtf8, wholeFileRead } from "../head";

export const OPERETTA = "loci.formats.in.OperettaReader";

/** OperettaReader.XML_FILES, in the order initFile prefers them (a TIFF is redirected to the first). */
const XML_FILES = ["Index.idx.xml", "Index.ref.xml", "Index.xml"];
const XML_LOWER = XML_FILES.map((x) => x.toLowerCase());

/** Harmony image names: r<row>c<col>f<field>p<plane>-ch<channel>sk<time>fk<..>fl<..>.tiff */
const HARMONY_IMAGE = /^r\d{2}c\d{2}f\d{2}p\d{2}-ch\d+sk\d+fk\d+fl\d+\.tiff?$/i;

export interface OperettaImage {
  /** Absolute path (URL resolved against the index's folder), or the URL itself when it is remote. */
  path: string;
  remote: boolean;
  row: number;
  col: number;
  field: number;
  plane: number;
  timepoint: number;
  channel: number;
}

/**
 * OperettaHandler: every <Image> element without an `id` attribute is a plane (the <Wells> section's
 * <Image id="..."/> references are not); its <URL> is relative to the index's folder unless it starts
 * with "http".
 */
export function parseOperettaIndex(
  xml: string,
  indexPath: string,
): { images: OperettaImage[]; plateId: string | null } {
  const dir = dirOf(indexPath);
  const images: OperettaImage[] = [];
  const tag = (body: string, name: string) => {
    const m = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(body);
    return m ? m[1]!.trim() : null;
  };
  const int = (v: string | null, dflt: number) => {
    const n = v === null ? Number.NaN : Number.parseInt(v, 10);
    return Number.isFinite(n) ? n : dflt;
  };
  const open = /<Image(?=[\s>/])([^>]*)>/g;
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    const attrs = m[1]!;
    if (/\sid\s*=/.test(` ${attrs}`) || attrs.trimEnd().endsWith("/")) continue;
    const end = xml.indexOf("</Image>", open.lastIndex);
    if (end < 0) break;
    const body = xml.slice(open.lastIndex, end);
    open.lastIndex = end + 8;
    const url = tag(body, "URL");
    if (!url) continue;
    const remote = url.startsWith("http");
    images.push({
      path: remote ? url : resolveRef(dir, url),
      remote,
      row: int(tag(body, "Row"), 0),
      col: int(tag(body, "Col"), 0),
      field: int(tag(body, "FieldID"), 0),
      plane: int(tag(body, "PlaneID"), 0),
      timepoint: int(tag(body, "TimepointID"), 0),
      channel: int(tag(body, "ChannelID"), 0),
    });
  }
  return { images, plateId: tag(xml, "PlateID") };
}

/** isThisType(stream): "Harmony" or "Operett" within the first 1024 characters, not at 0. */
function hasMagic(head: string): boolean {
  const s = head.slice(0, 1024);
  return s.indexOf("Harmony") > 0 || s.indexOf("Operett") > 0;
}

interface IndexFile {
  path: string;
  dir: string;
}

/** The index files of the view that pass isThisType, one entry per folder (XML_FILES order). */
function findIndexes(
  view: FileView,
  taken: ReadonlySet<string>,
): { entries: IndexFile[]; extras: Map<string, string[]> } {
  const entries: IndexFile[] = [];
  const extras = new Map<string, string[]>();
  for (const [dir, names] of view.dirs) {
    const hits = names
      .filter((n) => XML_LOWER.includes(n.toLowerCase()))
      .map((n) => join(dir, n))
      .filter((p) => !taken.has(p))
      .filter((p) => {
        const t = headText(view.files.get(p), 1024);
        // Unprobed, only the distinctive names count: a plain "Index.xml" could be anything.
        if (t === undefined) return baseOf(p).toLowerCase() !== "index.xml";
        return hasMagic(t);
      })
      .sort(
        (a, b) =>
          XML_LOWER.indexOf(baseOf(a).toLowerCase()) - XML_LOWER.indexOf(baseOf(b).toLowerCase()) || (a < b ? -1 : 1),
      );
    if (hits.length === 0) continue;
    entries.push({ path: hits[0]!, dir });
    // Bio-Formats would open each as its own plate listing the same images; they join the first instead.
    extras.set(hits[0]!, hits.slice(1));
  }
  return { entries, extras };
}

/** initFile's "other metadata/analysis results files": the plate folder's non-.tiff files, one level down. */
function metadataFiles(view: FileView, index: IndexFile, isIndex: (p: string) => boolean): string[] {
  const own = baseOf(index.dir);
  const plateDir = own.toLowerCase() === "images" ? dirOf(index.dir) : index.dir;
  const out = view.pick(plateDir, (n) => !hasSuffix(n, "tiff")).filter((p) => p !== index.path);
  for (const sub of view.childDirs(plateDir)) {
    // The "skip folders holding another index" loop only `continue`s itself: such folders are listed too.
    if (sub === own) continue;
    out.push(...view.pick(join(plateDir, sub), (n) => !hasSuffix(n, "tiff")));
  }
  // Another plate's index stays that plate's entry.
  return out.filter((p) => p === index.path || !isIndex(p));
}

export const operettaRule: PlateRule = {
  name: "operetta",
  readers: [OPERETTA],
  wantsWholeFile: (ln) => XML_LOWER.includes(ln),
  needsHeader: (ln) => XML_LOWER.includes(ln),
  group(view, _enabled, taken): PlateGrouping {
    const { entries, extras } = findIndexes(view, taken);
    const entrySet = new Set(entries.map((e) => e.path));
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const index of entries) {
      const f = view.files.get(index.path)!;
      const whole = wholeFileRead(f);
      const parsed = whole ? parseOperettaIndex(headUtf8(f)!, index.path) : null;
      const members = new Set<string>([index.path, ...(extras.get(index.path) ?? [])]);
      for (const p of metadataFiles(view, index, (x) => entrySet.has(x))) members.add(p);
      // A Harmony-named TIFF beside the index is redirected to it by initFile even when not listed.
      for (const p of view.pick(index.dir, (n) => HARMONY_IMAGE.test(n))) members.add(p);
      const expected: ExpectedFile[] | null = parsed
        ? parsed.images
            .filter((i) => !i.remote)
            .map((i) => ({
              path: i.path,
              why: `row ${i.row} col ${i.col}, field ${i.field}, plane ${i.plane}, channel ${i.channel}, time ${i.timepoint} listed by ${baseOf(index.path)}`,
              image: true,
            }))
        : null;
      const imgs = parsed?.images ?? [];
      const count = (k: (i: OperettaImage) => string | number) => new Set(imgs.map(k)).size;
      const plateDir = baseOf(index.dir).toLowerCase() === "images" ? dirOf(index.dir) : index.dir;
      const plan = finishPlate(view, {
        reader: OPERETTA,
        entry: index.path,
        members: [...members].filter((p) => !taken.has(p) && !claimed.has(p)),
        expected,
        taken: { has: (p: string) => taken.has(p) || claimed.has(p) },
        // The plate folder's other metadata files are not listed anywhere: a quiet period decides them.
        closed: false,
        summary: {
          format: "Operetta",
          name: parsed?.plateId || baseOf(plateDir),
          wells: count((i) => `${i.row}:${i.col}`),
          fields: count((i) => i.field),
          channels: count((i) => i.channel),
          timepoints: count((i) => i.timepoint),
          zSteps: count((i) => i.plane),
        },
        notes: parsed
          ? []
          : [
              `${baseOf(index.path)} was not read whole (${f.probe?.head ? `${f.probe.head.length} of ${f.size} bytes` : "not probed"}): its images cannot be listed, the plate waits for a quiet period`,
            ],
      });
      for (const p of plan.files) claimed.add(p);
      filesets.push(plan);
    }
    const pending: PendingFile[] = [];
    const held = new Set<string>();
    const imageDirs = new Set<string>();
    for (const [dir, names] of view.dirs) {
      for (const n of names) {
        const p = join(dir, n);
        if (!HARMONY_IMAGE.test(n) || claimed.has(p) || taken.has(p)) continue;
        imageDirs.add(dir);
        held.add(p);
        pending.push({
          path: p,
          reason: `${n} is named like a Harmony/Operetta plate image and waits for its plate index ${join(dir, XML_FILES[0]!)} (or Index.ref.xml / Index.xml)`,
        });
      }
    }
    // The plate folder's metadata (Assaylayout/, FFC_Profile/...) that initFile will add, written before the index.
    for (const dir of imageDirs) {
      const index: IndexFile = { path: join(dir, XML_FILES[0]!), dir };
      for (const p of metadataFiles(view, index, () => false)) {
        if (held.has(p) || claimed.has(p) || taken.has(p) || dirOf(p) === dir) continue;
        held.add(p);
        pending.push({
          path: p,
          reason: `${baseOf(p)} is in the plate folder of the Harmony images in ${dir} and waits for their plate index ${index.path}`,
        });
      }
    }
    return { filesets, claimed, pending };
  },
};
