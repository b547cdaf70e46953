/**
 * Tecan Spark Cyto plates. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/TecanReader.java:
 * - constructor (l. 105-112): suffix `db`, suffixSufficient false;
 * - isThisType (l. 118-133): a `.db` that opens as SQLite and answers findPlateDimensions
 *   (`SELECT Name, Rows, Columns FROM PlateDefinition`);
 * - initFile (l. 283-300): `<db folder>/../Images` must exist (else "Cannot find expected 'Images'
 *   directory"); every file under `<db folder>/../Export` is an extra file (findAllFiles);
 * - findImages (l. 750-870): every `Image.RelativePath` row, and every `ObjectList.Path` row (result
 *   objects), resolved by getImageFile (l. 931-942) under `Images/` with `\` as a separator;
 *   getWellLabels (l. 736-748): the `SelectedWell` rows;
 * - getUsedFiles (l. 150-165): the `.db`, the Export files, every image (result and overlay images too).
 * The `.db` is read whole (`src/hcs/sqlite.ts`) to list the images: `expected` = those files; members =
 * the `.db`, every file under `Images/` (listed or not: an unlisted TIFF there would otherwise be imported
 * alone) and `Export/`. Not closed (Export files are taken when they exist). A `.db` not read whole (being
 * written, over HCS_WHOLE_FILE_MAX_BYTES, or unprobed) gives the plate by layout without `expected`.
 * Images copied before the `.db` are not held: their names carry no plate marker.
 */
import { baseOf, dirOf, join, resolveRef } from "../paths";
import type { ExpectedFile } from "./plan";
import { finishPlate, stripExt } from "./plan";
import { SqliteFile, isSqlite } from "./sqlite";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";
import { wholeFileRead } from "../head";

export const TECAN = "loci.formats.in.TecanReader";

interface TecanDb {
  name: string | null;
  wells: number;
  images: string[];
  objects: string[];
}

/** What the database says, or "not-tecan" (no PlateDefinition: isThisType fails), or null (not parsable). */
export function readTecanDb(b: Buffer): TecanDb | "not-tecan" | null {
  if (!isSqlite(b)) return "not-tecan";
  try {
    const db = new SqliteFile(b);
    const plate = db.table("PlateDefinition");
    if (!plate) return "not-tecan";
    const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
    return {
      name: text(plate[0]?.Name),
      wells: db.table("SelectedWell")?.length ?? 0,
      images: (db.table("Image") ?? []).map((r) => text(r.RelativePath)).filter((p): p is string => p !== null),
      objects: (db.table("ObjectList") ?? []).map((r) => text(r.Path)).filter((p): p is string => p !== null),
    };
  } catch {
    return null;
  }
}

export const tecanRule: PlateRule = {
  name: "tecan",
  readers: [TECAN],
  wantsWholeFile: (ln) => ln.endsWith(".db"),
  needsHeader: (ln) => ln.endsWith(".db"),
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    const pending: PendingFile[] = [];
    for (const [dir, names] of view.dirs) {
      for (const n of names) {
        // Cheap test first: this loop sees every name of the watch.
        if (n.length < 4 || (n.charCodeAt(n.length - 1) | 32) !== 98 || !hasSuffix(n, "db")) continue;
        const entry = join(dir, n);
        if (taken.has(entry) || claimed.has(entry)) continue;
        const root = dirOf(dir);
        if (dir === "/") continue;
        const f = view.files.get(entry)!;
        const head = f.probe?.head;
        if (head && !isSqlite(head)) continue;
        const db = head && wholeFileRead(f) ? readTecanDb(head) : null;
        if (db === "not-tecan") continue;
        // initFile fails without Images/: a database copied first waits for its images (its list says
        // which: all missing), or, unread, for the folder itself; never imported alone.
        if (db ? db.images.length === 0 : !view.subdirs.get(root)?.has("Images")) {
          pending.push({
            path: entry,
            reason: db
              ? `${n} is a Tecan Spark Cyto database that lists no image yet (TecanReader cannot open it): it waits`
              : `${n} is a Tecan Spark Cyto database and waits for the Images/ folder TecanReader requires in ${root}`,
          });
          continue;
        }
        const imagesDir = join(root, "Images");
        const images = view.under(imagesDir);
        const extra = view.under(join(root, "Export"));
        const busy = (p: string) => taken.has(p) || claimed.has(p);
        const expected: ExpectedFile[] | null = db
          ? [
              ...db.images.map((p) => ({ path: resolveRef(imagesDir, p), why: `image listed in ${n}`, image: true })),
              ...db.objects.map((p) => ({
                path: resolveRef(imagesDir, p),
                why: `result objects listed in ${n}`,
                image: false,
              })),
            ]
          : null;
        const plan = finishPlate(view, {
          reader: TECAN,
          entry,
          members: [entry, ...images, ...extra].filter((p) => p === entry || !busy(p)),
          expected,
          closed: false,
          summary: {
            format: "Tecan",
            name: db?.name ?? stripExt(baseOf(entry)),
            wells: db?.wells ?? 0,
            fields: 0,
            channels: 0,
            timepoints: 0,
            zSteps: 0,
          },
          presentImages: images.filter((p) => /\.tiff?$/i.test(p)).length,
          notes: db ? [] : [`${n} was not read whole: its image list is not known, complete after a quiet period`],
          taken: { has: busy },
        });
        for (const p of plan.files) claimed.add(p);
        filesets.push(plan);
      }
    }
    return { filesets, claimed, pending };
  },
};
