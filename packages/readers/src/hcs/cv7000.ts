/**
 * Yokogawa CellVoyager CV7000/CV8000 measurement folders. Source: ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/CV7000Reader.java: the constructor (suffix "wpi", no
 * isThisType override: the name decides), initFile (every file of the .wpi's folder goes into allFiles;
 * MEASUREMENT_FILE "MeasurementData.mlf" is required, MEASUREMENT_DETAIL "MeasurementDetail.mrf" optional),
 * MeasurementDataHandler (bts:MeasurementRecord with bts:Type="IMG": text = image file relative to the
 * folder, bts:Row/Column/FieldIndex/ZIndex/Ch/TimePoint), MeasurementDetailHandler
 * (bts:WellPlateProductFileName, bts:MeasurementSettingFileName, bts:ShadingCorrectionSource),
 * getUsedFiles / getSeriesUsedFiles (the .wpi, allFiles, existing planes and correction files).
 */
import { baseOf, join, resolveRef } from "../paths";
import type { ExpectedFile } from "./plan";
import { finishPlate, stripExt } from "./plan";
import type { PlateGrouping, PlateRule } from "./types";
import type { PendingFile, FilesetPlan } from "../types";
import type { FileView } from "./view";
import { hasSuffix } from "./view";
import { headUtf8, wholeFileRead } from "../head";

export const CV7000 = "loci.formats.in.CV7000Reader";

const MEASUREMENT_FILE = "MeasurementData.mlf";
const MEASUREMENT_DETAIL = "MeasurementDetail.mrf";

/** CV7000 plane names: <plate>_<well>_T<t>F<field>L<line>A<action>Z<z>C<ch>.tif */
const CV_IMAGE = /^.+_[A-Z]{1,2}\d{2}_T\d{4}F\d{3}L\d{2}A\d{2}Z\d{2}C\d{2}\.tif$/i;
const CV_METADATA = /^(MeasurementData\.mlf|MeasurementDetail\.mrf|.+\.(mes|wpp)|SC_.+\.tif)$/i;

export interface Cv7000Image {
  path: string;
  row: number;
  col: number;
  field: number;
  z: number;
  channel: number;
  timepoint: number;
}

const attr = (s: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(s);
  return m ? m[1]! : null;
};
const num = (v: string | null) => {
  const n = v === null ? Number.NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
};

/** The IMG records of MeasurementData.mlf (ERR records, written for failed acquisitions, are skipped). */
export function parseMeasurementData(xml: string, dir: string): Cv7000Image[] {
  const out: Cv7000Image[] = [];
  const re = /<bts:MeasurementRecord\b([^>]*?)(\/>|>([^<]*)<\/bts:MeasurementRecord>)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const a = m[1]!;
    const text = (m[3] ?? "").trim();
    if (attr(a, "bts:Type") !== "IMG" || text === "") continue;
    out.push({
      path: resolveRef(dir, text),
      row: num(attr(a, "bts:Row")),
      col: num(attr(a, "bts:Column")),
      field: num(attr(a, "bts:FieldIndex")),
      z: num(attr(a, "bts:ZIndex")),
      channel: num(attr(a, "bts:Ch")),
      timepoint: num(attr(a, "bts:TimePoint")),
    });
  }
  return out;
}

/** Files MeasurementDetail.mrf names: the plate product (.wpp) and the settings (.mes). */
export function parseMeasurementDetail(xml: string): string[] {
  const out: string[] = [];
  const plate = /<bts:MeasurementSamplePlate\b[^>]*>/.exec(xml);
  const wpp = plate ? attr(plate[0], "bts:WellPlateProductFileName") : null;
  if (wpp?.trim()) out.push(wpp.trim());
  const detail = /<bts:MeasurementDetail\b[^>]*>/.exec(xml);
  const mes = detail ? attr(detail[0], "bts:MeasurementSettingFileName") : null;
  if (mes?.trim()) out.push(mes.trim());
  return out;
}

export const cv7000Rule: PlateRule = {
  name: "cv7000",
  readers: [CV7000],
  wantsWholeFile: (ln) => ln === MEASUREMENT_FILE.toLowerCase() || ln === MEASUREMENT_DETAIL.toLowerCase(),
  needsHeader: (ln) => ln === MEASUREMENT_FILE.toLowerCase() || ln === MEASUREMENT_DETAIL.toLowerCase(),
  group(view: FileView, _enabled, taken): PlateGrouping {
    const claimed = new Set<string>();
    const filesets: FilesetPlan[] = [];
    for (const [dir, names] of view.dirs) {
      const wpis = names.filter((n) => !n.startsWith(".") && hasSuffix(n, "wpi")).map((n) => join(dir, n));
      for (const wpi of wpis) {
        if (taken.has(wpi) || claimed.has(wpi)) continue;
        const mlfPath = join(dir, MEASUREMENT_FILE);
        const mlf = view.files.get(mlfPath);
        const mrf = view.files.get(join(dir, MEASUREMENT_DETAIL));
        const images = mlf && wholeFileRead(mlf) ? parseMeasurementData(headUtf8(mlf)!, dir) : null;
        const detail = mrf && wholeFileRead(mrf) ? parseMeasurementDetail(headUtf8(mrf)!) : [];
        const expected: ExpectedFile[] = [
          { path: mlfPath, why: `${MEASUREMENT_FILE}: required by CV7000Reader beside ${baseOf(wpi)}`, image: false },
          ...detail.map((d) => ({ path: resolveRef(dir, d), why: `named in ${MEASUREMENT_DETAIL}`, image: false })),
          ...(images ?? []).map((i) => ({
            path: i.path,
            why: `row ${i.row} column ${i.col}, field ${i.field}, z ${i.z}, channel ${i.channel}, time ${i.timepoint} listed by ${MEASUREMENT_FILE}`,
            image: true,
          })),
        ];
        const known = !!images;
        const busy = { has: (p: string) => taken.has(p) || claimed.has(p) };
        // initFile lists the .wpi's whole folder (other .wpi files included: they are files of the folder).
        const members = names.map((n) => join(dir, n)).filter((p) => !busy.has(p) && !baseOf(p).startsWith("."));
        const all = images ?? [];
        const count = (k: (i: Cv7000Image) => string | number) => new Set(all.map(k)).size;
        const notes = known
          ? []
          : [
              mlf
                ? `${MEASUREMENT_FILE} was not read whole: its images cannot be listed, the plate waits for a quiet period`
                : `${MEASUREMENT_FILE} is not there yet: it lists the plate's images`,
            ];
        const plan = finishPlate(view, {
          reader: CV7000,
          entry: wpi,
          members,
          expected: known || !mlf ? expected : null,
          // Every file of the folder joins, and the instrument appends to the .mlf while it acquires.
          closed: false,
          summary: {
            format: "CV7000",
            name: stripExt(baseOf(wpi)),
            wells: count((i) => `${i.row}:${i.col}`),
            fields: count((i) => i.field),
            channels: count((i) => i.channel),
            timepoints: count((i) => i.timepoint),
            zSteps: count((i) => i.z),
          },
          notes,
          taken: busy,
        });
        for (const p of plan.files) claimed.add(p);
        filesets.push(plan);
      }
    }
    const pending: PendingFile[] = [];
    for (const [dir, names] of view.dirs) {
      for (const n of names) {
        const p = join(dir, n);
        if (claimed.has(p) || taken.has(p) || !(CV_IMAGE.test(n) || CV_METADATA.test(n))) continue;
        if (CV_METADATA.test(n) && !names.some((x) => CV_IMAGE.test(x) || x === MEASUREMENT_FILE)) continue;
        pending.push({
          path: p,
          reason: `${n} is ${CV_IMAGE.test(n) ? "named like a CellVoyager CV7000 plane" : "CellVoyager CV7000 measurement metadata"} and waits for the measurement's .wpi file in ${dir}`,
        });
      }
    }
    return { filesets, claimed, pending };
  },
};
