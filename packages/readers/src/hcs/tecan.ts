/**
 * Tecan Spark Cyto plates. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/TecanReader.java:
 * - constructor (l. 105-112): suffix `db`, suffixSufficient false;
 * - isThisType (l. 118-133): a `.db` that opens as SQLite and has a `PlateDefinition` table;
 * - initFile (l. 283-300): `<db folder>/../Images` must exist (else "Cannot find expected 'Images'
 *   directory"); every file under `<db folder>/../Export` is an extra file (findAllFiles);
 * - findImages / getImageFile (l. 750-890, 931-942): the images are the `Image.RelativePath` rows of the
 *   SQLite database, under `Images/` (`\` separators allowed);
 * - getUsedFiles (l. 150-165): the `.db`, the Export files, the images.
 * Decision: the image list lives in SQLite tables, which the probe does not parse, so the plate is taken
 * by layout: the `.db` (SQLite magic when probed), every file under `Images/` and `Export/`; no
 * `expected`, not closed (a quiet period decides). Images copied before the `.db` are not held: their
 * names carry no plate marker (Tecan names come from the database).
 */
import { baseOf, dirOf, join } from "../paths";
import { finishPlate, stripExt } from "./plan";
import type { PlateGrouping, PlatePlan, PlateRule } from "./types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";

export const TECAN = "loci.formats.in.TecanReader";
const SQLITE_MAGIC = "SQLite format 3\0";

function isSqlite(view: FileView, p: string): boolean {
  const head = view.files.get(p)?.probe?.head;
  // No probe: the suffix and the layout decide.
  return !head || head.toString("latin1", 0, 16) === SQLITE_MAGIC;
}

export const tecanRule: PlateRule = {
  name: "tecan",
  readers: [TECAN],
  wantsWholeFile: () => false,
  needsHeader: (ln) => ln.endsWith(".db"),
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: PlatePlan[] = [];
    for (const [dir, names] of view.dirs) {
      for (const n of names) {
        // Cheap test first: this loop sees every name of the watch.
        if (n.length < 4 || (n.charCodeAt(n.length - 1) | 32) !== 98 || !hasSuffix(n, "db")) continue;
        const entry = join(dir, n);
        if (taken.has(entry) || claimed.has(entry) || !isSqlite(view, entry)) continue;
        const root = dirOf(dir);
        if (dir === "/" || !view.subdirs.get(root)?.has("Images")) continue;
        const images = view.under(join(root, "Images"));
        const extra = view.under(join(root, "Export"));
        const busy = (p: string) => taken.has(p) || claimed.has(p);
        const tifs = images.filter((p) => /\.tiff?$/i.test(p));
        const plan = finishPlate(view, {
          reader: TECAN,
          entry,
          members: [entry, ...images, ...extra].filter((p) => p === entry || !busy(p)),
          expected: null,
          closed: false,
          summary: {
            format: "Tecan",
            name: stripExt(baseOf(entry)),
            wells: 0,
            fields: 0,
            channels: 0,
            timepoints: 0,
            zSteps: 0,
          },
          presentImages: tifs.length,
          notes: [`${n} lists its images in SQLite tables, which are not read here: complete after a quiet period`],
        });
        for (const p of plan.files) claimed.add(p);
        filesets.push(plan);
      }
    }
    return { filesets, claimed, pending: [] };
  },
};
