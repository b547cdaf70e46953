/**
 * Yokogawa CellVoyager CV1000 measurement folders. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/CellVoyagerReader.java: isThisType (the name
 * "MeasurementResult.xml", or a .tif/.xml whose folder or parent folder holds it), initFile (the
 * measurement folder, "MeasurementResult.xml" and the required "MeasurementResult.ome.xml", images in
 * "Image/"), getSeriesUsedFiles (both XMLs and the existing `Image/` files named by
 * SINGLE_TIFF_PATH_BUILDER "W%dF%03dT%04dZ%02dC%d.tif"). No expected list: the counts need the
 * OME-XML's plate layout, which is not modelled.
 */
import { dirOf, join } from "../paths";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";

export const CELLVOYAGER = "loci.formats.in.CellVoyagerReader";
const RESULT = "MeasurementResult.xml";
const OME_RESULT = "MeasurementResult.ome.xml";
const CV1000_IMAGE = /^W\d+F\d{3}T\d{4}Z\d{2}C\d+\.tif$/;

export const cellVoyagerRule: PlateRule = {
  name: "cellvoyager",
  readers: [CELLVOYAGER],
  wantsWholeFile: () => false,
  needsHeader: () => false,
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const dir of view.dirs.keys()) {
      const entry = join(dir, RESULT);
      if (!view.has(entry) || taken.has(entry)) continue;
      const image = join(dir, "Image");
      const pixels = view.pick(image, (n) => CV1000_IMAGE.test(n)).filter((p) => !taken.has(p));
      const plan = finishPlate(view, {
        reader: CELLVOYAGER,
        entry,
        members: [entry, ...pixels],
        expected: [
          { path: join(dir, OME_RESULT), why: `required by CellVoyagerReader beside ${RESULT}`, image: false },
        ],
        closed: false,
        summary: null,
        notes: [`${RESULT} does not list its images: the measurement is complete after a quiet period`],
        taken,
      });
      for (const p of plan.files) claimed.add(p);
      filesets.push(plan);
    }
    const pending: PendingFile[] = [];
    for (const [dir, names] of view.dirs) {
      const inImage = dir.endsWith("/Image");
      for (const n of names) {
        const p = join(dir, n);
        if (claimed.has(p) || taken.has(p)) continue;
        if (n === OME_RESULT || (inImage && CV1000_IMAGE.test(n))) {
          const where = n === OME_RESULT ? dir : dirOf(dir);
          pending.push({
            path: p,
            reason: `${n} is part of a CellVoyager measurement and waits for ${join(where, RESULT)}`,
          });
        }
      }
    }
    return { filesets, claimed, pending };
  },
};
