/**
 * Olympus ScanR plates, by layout only (no expected list: the image names are matched, not listed).
 * Source: ome/bioformats df36e691, components/formats-gpl/src/loci/formats/in/ScanrReader.java: XML_FILE
 * "experiment_descriptor.xml", EXPERIMENT_FILE "experiment_descriptor.dat", ACQUISITION_FILE
 * "AcquisitionLog.dat" (exact names), isThisType(String, boolean) (those names; a .tif whose folder,
 * or whose "Data" folder's parent (any case), holds XML_FILE), initFile (every .dat/.xml of the XML's
 * folder is a metadata file; the TIFFs are listed from `data/` (exact name), else from the XML's folder,
 * and matched by W<5 digits>, P<5>, Z<5>, T<5> and channel name), getSeriesUsedFiles.
 */
import { join } from "../paths";
import { finishPlate } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";

export const SCANR = "loci.formats.in.ScanrReader";
const XML_FILE = "experiment_descriptor.xml";
const DAT_FILES = ["experiment_descriptor.dat", "AcquisitionLog.dat"];

/** ScanR plane names carry the blocks getBlock builds: --W00001--P00001--Z00000--T00000--<channel>.tif */
export const SCANR_IMAGE = /--W\d{5}--P\d{5}--Z\d{5}--T\d{5}--.*\.tif$/i;

/** ScanrReader.isThisType(stream): the first IFD's Software is "National Instruments IMAQ" (unprobed: assumed). */
function imaq(view: FileView, p: string): boolean {
  const probe = view.files.get(p)?.probe;
  if (!probe || probe.tiffTags === undefined) return true;
  return probe.tiffSoftware?.trim() === "National Instruments IMAQ";
}

export const scanrRule: PlateRule = {
  name: "scanr",
  readers: [SCANR],
  wantsWholeFile: () => false,
  needsHeader: () => false,
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const dir of view.dirs.keys()) {
      const xml = join(dir, XML_FILE);
      if (!view.has(xml) || taken.has(xml) || claimed.has(xml)) continue;
      const busy = { has: (p: string) => taken.has(p) || claimed.has(p) };
      const members = view.pick(dir, (n) => hasSuffix(n, "dat", "xml"));
      const subs = view.childDirs(dir);
      const data = subs.includes("data") ? "data" : subs.find((s) => s.toLowerCase() === "data");
      // initFile reads `data/` when it exists (exact name), else the XML's own folder; getSeriesUsedFiles keeps a
      // TIFF only when isThisType(stream) accepts it (Software "National Instruments IMAQ").
      members.push(...view.pick(data ? join(dir, data) : dir, (n) => hasSuffix(n, "tif")).filter((p) => imaq(view, p)));
      const plan = finishPlate(view, {
        reader: SCANR,
        entry: xml,
        members: members.filter((p) => !busy.has(p)),
        expected: null,
        closed: false,
        summary: null,
        notes: [`${XML_FILE} does not list its images: the plate is complete after a quiet period`],
        taken: busy,
      });
      for (const p of plan.files) claimed.add(p);
      filesets.push(plan);
    }
    // Without experiment_descriptor.xml: its .dat files make ScanrReader fail ("Could not find
    // experiment_descriptor.xml"), the planes are TIFFs held for it (grouping/layouts.ts layoutWithoutEntry).
    const ignored: NonNullable<PlateGrouping["ignored"]> = [];
    for (const [dir, names] of view.dirs) {
      for (const n of names) {
        const p = join(dir, n);
        if (claimed.has(p) || taken.has(p) || !DAT_FILES.includes(n)) continue;
        ignored.push({
          path: p,
          reason: `${n} is ScanR metadata: ScanrReader cannot open it without ${join(dir, XML_FILE)} (re-judged when that arrives)`,
        });
        claimed.add(p);
      }
    }
    return { filesets, claimed, pending: [], ignored };
  },
};
