/**
 * BD Pathway plates. Source: ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/BDReader.java:
 * EXPERIMENT_FILE "Experiment.exp", META_EXT, isThisType (a name ending "Experiment.exp", or a file whose
 * locateExperimentFile finds it: beside it, or one folder up for a .tif), initFile (META_EXT files of the
 * .exp's folder and of each sub-folder), getTiffs (in each "Well *" sub-folder, names matching
 * ".* - n\d{6}.tif"), getSeriesUsedFiles (the .exp, the metadata files, the wells' TIFFs).
 * No expected list: the well and channel counts live in INI files, the TIFF names are matched.
 */
import { dirOf, join } from "../paths";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";

export const BD = "loci.formats.in.BDReader";
const EXPERIMENT_FILE = "Experiment.exp";
const META_EXT = [
  "drt",
  "dye",
  "exp",
  "plt",
  "txt",
  "geo",
  "ltp",
  "ffc",
  "afc",
  "mon",
  "xyz",
  "mac",
  "bmp",
  "roi",
  "adf",
];
export const BD_TIFF = /^.* - n\d{6}\.tif$/;

export const bdRule: PlateRule = {
  name: "bd",
  readers: [BD],
  wantsWholeFile: () => false,
  needsHeader: () => false,
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const [dir, names] of view.dirs) {
      const exp = names.find((n) => n.endsWith(EXPERIMENT_FILE));
      if (!exp || taken.has(join(dir, exp))) continue;
      const entry = join(dir, exp);
      const members = view.pick(dir, (n) => hasSuffix(n, ...META_EXT));
      let pixels = 0;
      let wells = 0;
      for (const sub of view.childDirs(dir)) {
        const sdir = join(dir, sub);
        members.push(...view.pick(sdir, (n) => hasSuffix(n, ...META_EXT)));
        if (!sub.startsWith("Well ")) continue;
        const tiffs = view.pick(sdir, (n) => BD_TIFF.test(n));
        if (tiffs.length > 0) wells++;
        pixels += tiffs.length;
        members.push(...tiffs);
      }
      const plan = finishPlate(view, {
        reader: BD,
        entry,
        members: members.filter((p) => !taken.has(p) && !claimed.has(p)),
        expected: null,
        closed: false,
        summary: {
          format: "BD Pathway",
          name: dir.slice(dir.lastIndexOf("/") + 1),
          wells,
          fields: 0,
          channels: 0,
          timepoints: 0,
          zSteps: 0,
        },
        presentImages: pixels,
        notes: [`${EXPERIMENT_FILE} lists no files: the plate is complete after a quiet period`],
      });
      for (const p of plan.files) claimed.add(p);
      filesets.push(plan);
    }
    // BDReader.isThisType takes a TIFF whose grandparent folder holds Experiment.exp and opens the plate
    // through it; getTiffs uses only "<dye> - nNNNNNN.tif" in "Well *" folders: any other TIFF is pruned.
    const ignored: PlateGrouping["ignored"] = [];
    for (const plan of filesets) {
      const root = dirOf(plan.entry);
      for (const sub of view.childDirs(root)) {
        const sdir = join(root, sub);
        for (const p of view.pick(sdir, (n) => hasSuffix(n, "tif"))) {
          if (claimed.has(p) || taken.has(p)) continue;
          ignored.push({
            path: p,
            reason: `BDReader takes ${p.slice(sdir.length + 1)} (a TIFF one folder below ${plan.entry}) and opens the plate through it, but uses only "<dye> - nNNNNNN.tif" images of "Well *" folders, so OMERO's import skips it; move it out of ${sub}/ to import it`,
          });
          claimed.add(p);
        }
      }
    }
    // Well images without their Experiment.exp: what Bio-Formats makes of each alone (TIFFs), held for the
    // plate by grouping/layouts.ts (layoutWithoutEntry), never pending forever.
    const pending: PendingFile[] = [];
    return { filesets, claimed, pending, ignored };
  },
};
