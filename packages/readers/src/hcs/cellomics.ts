/**
 * Thermo Cellomics ArrayScan plates: no index, the plate is every file of a folder sharing the plate
 * name. Source: ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/CellomicsReader.java:
 * PATTERN_O / PATTERN_D and matchFilename (plate, well, field, channel from the name), getPlateName,
 * getChannel, initFile (with file grouping: `.c01`/`.dib` files of the plate with a channel are pixel
 * files, any other file of the folder with the same plate name is a metadata file, e.g. the `.mdb`),
 * getUsedFiles, fileGroupOption (MUST_GROUP).
 */
import { join } from "../paths";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";

export const CELLOMICS = "loci.formats.in.CellomicsReader";

// Java's Matcher.matches(): the whole name. \p{Alpha} is ASCII letters.
const PATTERN_O = /^(.*)_([A-Za-z]\d{2})(f\d{2,3})?(o\d+)?[^_]+$/;
const PATTERN_D = /^(.*)_([A-Za-z]\d{2})(f\d{2,3})?(d\d+)?[^_]+$/;

/** matchFilename: PATTERN_O when it matches with a channel, else PATTERN_D. */
export function cellomicsName(name: string): { plate: string; well: string; field: number; channel: number } | null {
  const o = PATTERN_O.exec(name);
  const m = o?.[4] !== undefined ? o : PATTERN_D.exec(name);
  if (!m) return null;
  return {
    plate: m[1]!,
    well: m[2]!,
    field: m[3] ? Number.parseInt(m[3].slice(1), 10) : 0,
    channel: m[4] ? Number.parseInt(m[4].slice(1), 10) : -1,
  };
}

/** getPlateName: the pattern's plate, null for an unmatched pixel file, else the name without extension. */
function plateName(name: string): string | null {
  const m = cellomicsName(name);
  if (m) return m.plate;
  if (hasSuffix(name, "c01", "dib")) return null;
  const dot = name.lastIndexOf(".");
  return dot < 0 ? name : name.slice(0, dot);
}

export const cellomicsRule: PlateRule = {
  name: "cellomics",
  readers: [CELLOMICS],
  wantsWholeFile: () => false,
  needsHeader: () => false,
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const [dir, names] of view.dirs) {
      const plates = new Map<string, { pixels: string[]; meta: string[] }>();
      for (const n of names) {
        if (!hasSuffix(n, "c01", "dib") || n.startsWith(".")) continue;
        const m = cellomicsName(n);
        if (!m || m.channel < 0) continue;
        const p = plates.get(m.plate) ?? { pixels: [], meta: [] };
        p.pixels.push(join(dir, n));
        plates.set(m.plate, p);
      }
      if (plates.size === 0) continue;
      for (const n of names) {
        if (hasSuffix(n, "c01", "dib") || n.startsWith(".")) continue;
        const plate = plateName(n);
        if (plate !== null) plates.get(plate)?.meta.push(join(dir, n));
      }
      for (const [plate, p] of plates) {
        const pixels = p.pixels.filter((x) => !taken.has(x));
        if (pixels.length === 0) continue;
        const parsed = pixels.map((x) => cellomicsName(x.slice(dir.length + 1))!);
        const count = (k: (i: (typeof parsed)[number]) => string | number) => new Set(parsed.map(k)).size;
        // No index: any of the plate's files opens it; the first by name is the entry.
        const plan = finishPlate(view, {
          reader: CELLOMICS,
          entry: pixels[0]!,
          members: [...pixels, ...p.meta.filter((x) => !taken.has(x))],
          expected: null,
          closed: false,
          summary: {
            format: "Cellomics",
            name: plate,
            wells: count((i) => i.well.toUpperCase()),
            fields: count((i) => i.field),
            channels: count((i) => i.channel),
            timepoints: 1,
            zSteps: 1,
          },
          presentImages: pixels.length,
          notes: [`Cellomics plates have no index: ${plate} is complete after a quiet period`],
        });
        for (const x of plan.files) claimed.add(x);
        filesets.push(plan);
      }
    }
    return { filesets, claimed, pending: [] };
  },
};
