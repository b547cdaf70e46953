/**
 * PerkinElmer Columbus exports. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/ColumbusReader.java: XML_FILE
 * "MeasurementIndex.ColumbusIDX.xml" (exact name), isThisType(String, boolean) + findXML (any file whose
 * folder or parent folder holds XML_FILE), initFile (every non-.tif file of each sub-folder of the index's
 * folder is a metadata file; the index's <Reference> values too; each "*.columbusidx.xml" among them is
 * parsed by parseImageXML: <Image><URL BufferNo=".."> relative to that XML's folder, Row, Col, FieldID,
 * PlaneID, TimepointID, ChannelID), getSeriesUsedFiles (the index, existing metadata files, existing planes).
 */
import { baseOf, dirOf, join, resolveRef } from "../paths";
import type { ExpectedFile } from "./plan";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";
import { headUtf8, wholeFileRead } from "../head";

export const COLUMBUS = "loci.formats.in.ColumbusReader";
const XML_FILE = "MeasurementIndex.ColumbusIDX.xml";

export interface ColumbusPlane {
  path: string;
  row: number;
  col: number;
  field: number;
  plane: number;
  timepoint: number;
  channel: number;
}

const text = (body: string, name: string) => {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(body);
  return m ? m[1]!.trim() : null;
};
const num = (v: string | null) => {
  const n = v === null ? Number.NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
};

/** The planes an image index ("*.columbusidx.xml") lists, URLs resolved against its folder. */
export function parseColumbusImageIndex(xml: string, path: string): ColumbusPlane[] {
  const out: ColumbusPlane[] = [];
  const dir = dirOf(path);
  const open = /<Image(?=[\s>])[^>]*>/g;
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    const end = xml.indexOf("</Image>", open.lastIndex);
    if (end < 0) break;
    const body = xml.slice(open.lastIndex, end);
    open.lastIndex = end + 8;
    const url = text(body, "URL");
    if (!url) continue;
    out.push({
      path: resolveRef(dir, url),
      row: num(text(body, "Row")),
      col: num(text(body, "Col")),
      field: num(text(body, "FieldID")),
      plane: num(text(body, "PlaneID")),
      timepoint: num(text(body, "TimepointID")),
      channel: num(text(body, "ChannelID")),
    });
  }
  return out;
}

/** The <Reference> values of the measurement index (relative paths of its image indexes). */
export function columbusReferences(xml: string): string[] {
  return [...xml.matchAll(/<Reference(?:\s[^>]*)?>([^<]*)<\/Reference>/g)].map((m) => m[1]!.trim()).filter(Boolean);
}

export const columbusRule: PlateRule = {
  name: "columbus",
  readers: [COLUMBUS],
  wantsWholeFile: (ln) => ln.endsWith(".columbusidx.xml"),
  needsHeader: (ln) => ln.endsWith(".columbusidx.xml"),
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const dir of view.dirs.keys()) {
      const index = join(dir, XML_FILE);
      if (!view.has(index) || taken.has(index) || claimed.has(index)) continue;
      const f = view.files.get(index)!;
      const busy = { has: (p: string) => taken.has(p) || claimed.has(p) };
      // isThisType/findXML: every file of the index's folder and of its sub-folders is this reader's.
      const members = [index, ...view.pick(dir, () => true)];
      const subs = view.childDirs(dir).map((s) => join(dir, s));
      for (const s of subs) members.push(...view.pick(s, () => true));
      const expected: ExpectedFile[] = [];
      let known = wholeFileRead(f);
      const refs = known ? columbusReferences(headUtf8(f)!) : [];
      for (const r of refs) {
        // initFile: "<timepoint>/<file>" from the index's folder, else the part after the first separator.
        const direct = resolveRef(dir, r);
        const alt = resolveRef(dir, r.replace(/\\/g, "/").slice(r.replace(/\\/g, "/").indexOf("/") + 1));
        expected.push({
          path: view.has(direct) || !view.has(alt) ? direct : alt,
          why: `image index named in ${XML_FILE}`,
          image: false,
        });
      }
      const imageIndexes = new Set<string>([
        ...expected.map((e) => e.path),
        ...subs.flatMap((s) => view.pick(s, (n) => n.toLowerCase().endsWith("columbusidx.xml"))),
      ]);
      const planes: ColumbusPlane[] = [];
      for (const x of [...imageIndexes].sort()) {
        const xf = view.files.get(x);
        if (!xf) continue;
        if (!wholeFileRead(xf)) {
          known = false;
          continue;
        }
        planes.push(...parseColumbusImageIndex(headUtf8(xf)!, x));
      }
      for (const p of planes) {
        expected.push({
          path: p.path,
          why: `row ${p.row} col ${p.col}, field ${p.field}, plane ${p.plane}, channel ${p.channel}, time ${p.timepoint} listed by ${baseOf(dirOf(p.path))}/ image index`,
          image: true,
        });
      }
      const count = (k: (i: ColumbusPlane) => string | number) => new Set(planes.map(k)).size;
      const plan = finishPlate(view, {
        reader: COLUMBUS,
        entry: index,
        members: members.filter((p) => !busy.has(p)),
        expected: known ? expected : null,
        // Every file of the folder tree joins (findXML), listed or not: a quiet period decides the rest.
        closed: false,
        summary: {
          format: "Columbus",
          name: baseOf(dir),
          wells: count((i) => `${i.row}:${i.col}`),
          fields: count((i) => i.field),
          channels: count((i) => i.channel),
          timepoints: count((i) => i.timepoint),
          zSteps: count((i) => i.plane),
        },
        notes: known ? [] : [`${XML_FILE} or an image index was not read whole: the planes cannot all be listed`],
        taken: busy,
      });
      for (const p of plan.files) claimed.add(p);
      filesets.push(plan);
    }
    const pending: PendingFile[] = [];
    for (const [dir, names] of view.dirs) {
      if (!names.some((n) => n.toLowerCase().endsWith(".columbusidx.xml"))) continue;
      for (const n of names) {
        const p = join(dir, n);
        if (claimed.has(p) || taken.has(p) || !(hasSuffix(n, "tif") || n.toLowerCase().endsWith(".columbusidx.xml")))
          continue;
        pending.push({
          path: p,
          reason: `${n} is part of a Columbus export (${dir} holds a .columbusidx.xml) and waits for ${join(dirOf(dir), XML_FILE)}`,
        });
      }
    }
    return { filesets, claimed, pending };
  },
};
