/**
 * PerkinElmer (Evotec) Opera Flex plates, for the layout where the measurement files sit beside the
 * `.flex` files. Source: ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/FlexReader.java:
 * initFlexFile (with grouping, every `nnnnnnnnn.flex` of the folder: name length 14, ending ".flex"),
 * getWell (row = digits 1-3, column = digits 4-6; another `.flex` of the folder opens the plate unused: pruned), findFiles (`.mea` and `.res` of the same folder count
 * when at least one of each is there), initMeaFile, getSeriesUsedFiles (measurement files + the .flex).
 * The server-map layouts (separate Flex and measurement folders) are not modelled.
 */
import { join } from "../paths";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";

export const FLEX = "loci.formats.in.FlexReader";

/** initFlexFile: `file.endsWith(".flex") && file.length() == 14`; getWell parses the digits. */
const isPlateFlex = (n: string) => n.length === 14 && /^\d{9}\.flex$/.test(n);

export const flexRule: PlateRule = {
  name: "flex",
  readers: [FLEX],
  wantsWholeFile: () => false,
  needsHeader: () => false,
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    const ignored: NonNullable<PlateGrouping["ignored"]> = [];
    for (const [dir, names] of view.dirs) {
      const flex = names.filter(isPlateFlex).map((n) => join(dir, n));
      if (flex.length === 0) continue;
      const mea = names.filter((n) => hasSuffix(n, "mea")).map((n) => join(dir, n));
      const res = names.filter((n) => hasSuffix(n, "res")).map((n) => join(dir, n));
      // findFiles: the folder's measurement files count only when both kinds are there.
      const measurement = mea.length > 0 && res.length > 0 ? [...mea, ...res] : [];
      const members = [...measurement, ...flex].filter((p) => !taken.has(p));
      const pixels = flex.filter((p) => !taken.has(p));
      if (pixels.length === 0) continue;
      // The first well file: OMERO's walk opens it before the measurement files (digits sort first).
      const entry = pixels[0]!;
      const wells = new Set(pixels.map((p) => p.slice(dir.length + 1, dir.length + 7)));
      const plan = finishPlate(view, {
        reader: FLEX,
        entry,
        members,
        expected: null,
        closed: false,
        summary: {
          format: "Flex",
          name: dir.slice(dir.lastIndexOf("/") + 1),
          wells: wells.size,
          fields: 0,
          channels: 0,
          timepoints: 0,
          zSteps: 0,
        },
        presentImages: pixels.length,
        notes: [`Opera Flex plates list no files: the plate in ${dir} is complete after a quiet period`],
      });
      for (const p of plan.files) claimed.add(p);
      filesets.push(plan);
      // Another .flex of the folder (not named like a well) opens the plate without being used: pruned.
      for (const n of names) {
        const p = join(dir, n);
        if (!hasSuffix(n, "flex") || isPlateFlex(n) || taken.has(p) || claimed.has(p)) continue;
        ignored.push({
          path: p,
          reason: `FlexReader opens the plate of ${dir} through ${n} but uses only its nnnnnnnnn.flex well files, so OMERO's import skips ${n}; move it out of the plate's folder to import it`,
        });
        claimed.add(p);
      }
    }
    return { filesets, claimed, pending: [], ignored };
  },
};
