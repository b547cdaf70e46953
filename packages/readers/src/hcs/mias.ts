/**
 * MIAS (Maia Scientific) plates: no index file, the plate is its folder tree. Source: ome/bioformats
 * df36e691, components/formats-gpl/src/loci/formats/in/MIASReader.java:
 * - isThisType(String, true) (l. 164-191): a `.txt` whose folder is `results`/`Batchresults`, or named
 *   `Nugenesistemplate.txt` or `mode*`; a TIFF whose folder starts with `Well`, is `results`, or is one
 *   digit (a channel folder), with a grandparent folder;
 * - isThisType(stream) (l. 193-208): the first IFD's Software tag starts with `eaZYX`, `SCIL_Image` or `IDL`;
 * - initFile (l. 385-675): a `.txt` is redirected to the first TIFF of the plate's first `Well*` folder;
 *   the plate is the TIFF's grandparent, or one level higher when that name is not 3 characters nor
 *   digits + `-...` (the `<plate>/<well>/<channel>/x.tif` layout); plateNumber = its first 3 digits;
 *   well folders = names starting `Well` or 4 characters long holding a `.tif` or a folder; each well's
 *   `.tif`/`.tiff`, else those of its one-character channel folders; analysis files:
 *   `<experiment>/Batchresults/NEO_Results*` and `NEO_PlateOutput_<plateNumber>*`,
 *   `<plate>/results/*` except `.sav`/`.dsv`/`.dat`, and `<plate>/Nugenesistemplate.txt`;
 * - getSeriesUsedFiles (l. 291-318): the TIFFs, those analysis files, the template (unioned over wells).
 * Entry (decision): the first TIFF (by path) of the first well that passes the Software check, the
 * file the `.txt` redirect opens. No index: nothing lists the images, so no `expected`, `closed: false`
 * (the quiet period decides), and the summary counts what is present (like Cellomics).
 * Without a probe the Software check cannot be made: the layout alone decides.
 */
import { baseOf, dirOf, join } from "../paths";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { FilesetPlan } from "../types";
import type { FileView } from "./view";

export const MIAS = "loci.formats.in.MIASReader";

const SOFTWARE = ["eaZYX", "SCIL_Image", "IDL"];
const isTif = (n: string) => n.toLowerCase().endsWith(".tif") || n.toLowerCase().endsWith(".tiff");

/** MIASReader.isThisType(stream): true/false when the probe tells, undefined without a probe. */
function softwareSays(view: FileView, p: string): boolean | undefined {
  const probe = view.files.get(p)?.probe;
  if (!probe || probe.tiffTags === undefined) return undefined;
  const sw = probe.tiffSoftware;
  return sw !== undefined && SOFTWARE.some((s) => sw.startsWith(s));
}

/** initFile's plate folder for a TIFF path (null when the name rules make Bio-Formats throw). */
export function miasPlateOf(tiff: string): string | null {
  let plate = dirOf(dirOf(tiff));
  const name = baseOf(plate);
  if (!(name.length === 3 || (name.length > 3 && name.replace(/\d/g, "").startsWith("-")))) plate = dirOf(plate);
  // Integer.parseInt(plateName.substring(0, 3)) must succeed.
  return /^\d{3}/.test(baseOf(plate)) && plate !== "/" ? plate : null;
}

/** A well folder's TIFFs: its own `.tif`/`.tiff`, else those of its one-character channel folders. */
function wellTiffs(view: FileView, well: string): string[] {
  const own = view.pick(well, isTif);
  if (own.length > 0) return own;
  return view
    .childDirs(well)
    .filter((c) => c.length === 1)
    .flatMap((c) => view.pick(join(well, c), isTif));
}

/** Channel, Z, T from `mode<x>_z<xxx>_t<xxx>_im<x>_<x>.tif` or `<row>_<col>_<Z>_<T>.tif` (channel folder). */
function dims(p: string): { c: string; z: string; t: string } {
  const n = baseOf(p).toLowerCase();
  const m = /mode(\d+)/.exec(n);
  const z = /_z(\d+)/.exec(n);
  const t = /_t(\d+)/.exec(n);
  if (m || z || t) return { c: m?.[1] ?? "0", z: z?.[1] ?? "0", t: t?.[1] ?? "0" };
  const parts = n.replace(/\.tiff?$/, "").split("_");
  const chan = baseOf(dirOf(p));
  return { c: chan.length === 1 ? chan : "0", z: parts[2] ?? "0", t: parts[3] ?? "0" };
}

export const miasRule: PlateRule = {
  name: "mias",
  readers: [MIAS],
  wantsWholeFile: () => false,
  needsHeader: (ln) => ln.endsWith(".tif") || ln.endsWith(".tiff"),
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    // Candidate plates: the plate folder of every TIFF in a folder named like a well or channel.
    const plates = new Set<string>();
    for (const [dir, names] of view.dirs) {
      const w = baseOf(dir);
      if (!(w.startsWith("Well") || w === "results" || /^\d$/.test(w))) continue;
      const tif = names.find(isTif);
      if (!tif) continue;
      const plate = miasPlateOf(join(dir, tif));
      if (plate) plates.add(plate);
    }
    for (const plate of [...plates].sort()) {
      const wells = view
        .childDirs(plate)
        .filter((d) => (d.startsWith("Well") || d.length === 4) && /^\d+$/.test(d.replace("Well", "")))
        .map((d) => join(plate, d));
      const perWell = wells.map((w) => wellTiffs(view, w));
      const tiffs = perWell.flat().filter((p) => !taken.has(p) && !claimed.has(p));
      if (tiffs.length === 0) continue;
      const checks = tiffs.map((p) => softwareSays(view, p));
      // A probed plate needs one TIFF Bio-Formats would accept; unprobed files go by layout.
      const entry = checks.includes(true)
        ? tiffs[checks.indexOf(true)]!
        : checks.every((c) => c === undefined)
          ? tiffs[0]!
          : null;
      if (!entry) continue;
      const members = [entry, ...tiffs];
      const results = join(plate, "results");
      members.push(...view.pick(results, (n) => !n.endsWith(".sav") && !n.endsWith(".dsv") && !n.endsWith(".dat")));
      const template = join(plate, "Nugenesistemplate.txt");
      if (view.has(template)) members.push(template);
      const plateNumber = Number.parseInt(baseOf(plate).slice(0, 3), 10);
      const batch = join(dirOf(plate), "Batchresults");
      members.push(
        ...view.pick(
          batch,
          (n) =>
            n.startsWith("NEO_Results") ||
            (n.startsWith("NEO_PlateOutput_") && Number.parseInt(n.slice(16, 19), 10) === plateNumber),
        ),
      );
      const d = tiffs.map(dims);
      const count = (k: "c" | "z" | "t") => new Set(d.map((x) => x[k])).size;
      const plan = finishPlate(view, {
        reader: MIAS,
        entry,
        members: members.filter((p) => !taken.has(p) && !claimed.has(p)),
        expected: null,
        closed: false,
        summary: {
          format: "MIAS",
          name: baseOf(plate),
          wells: perWell.filter((t) => t.length > 0).length,
          fields: 1,
          channels: count("c"),
          timepoints: count("t"),
          zSteps: count("z"),
        },
        presentImages: tiffs.length,
        notes: ["MIAS plates have no index: the plate is complete after a quiet period (no file lists the images)"],
      });
      for (const p of plan.files) claimed.add(p);
      filesets.push(plan);
    }
    return { filesets, claimed, pending: [] };
  },
};
