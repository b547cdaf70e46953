/** DICOM (DicomReader): series grouped from the files of a folder by series number, UIDs, date and time. */
import { dicom } from "../make/dicom-series";
import type { GoldenLayout } from "../types";

const series = (n: number, o: { series?: number; time?: string; prefix?: string; ext?: string } = {}) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `${o.prefix ?? "IM"}${String(i + 1).padStart(4, "0")}${o.ext ?? ".dcm"}`,
      dicom({ instance: i + 1, series: o.series, time: o.time }),
    ]),
  );

export const layouts: GoldenLayout[] = [
  { name: "dicom-series-of-3", note: "issue 18 (split): one series of 3 slices", files: series(3) },
  {
    name: "dicom-two-series",
    note: "issue 18 (split): one study, two series in one folder",
    files: { ...series(2, { series: 1, prefix: "S1_" }), ...series(2, { series: 2, prefix: "S2_", time: "100500" }) },
  },
  {
    name: "dicom-no-suffix",
    note: "files named without a suffix, as scanners write them",
    files: series(2, { ext: "" }),
  },
  { name: "dicom-single", files: { "one.dcm": dicom({ instance: 1 }) } },
];
