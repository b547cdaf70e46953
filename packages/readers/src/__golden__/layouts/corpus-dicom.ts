/**
 * Independent corpus (readers-d), DICOM as scanners and PACS exports write it: patient/study/series
 * folder trees, CD exports with a DICOMDIR, files without suffixes, interleaved series, a cut file,
 * reports beside the images, and a tree deeper than OMERO's candidate scan walks.
 */
import { makeDicom, makeDicomDir } from "../make/dicom";
import { jpeg } from "../make/jpeg";
import type { GoldenLayout } from "../types";

const slices = (series: number, n: number, name: (i: number) => string, time = "093000", date = "20240311") =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [name(i + 1), makeDicom({ series, instance: i + 1, time, date })]),
  );
const pad = (i: number, w = 4) => String(i).padStart(w, "0");

export const layouts: GoldenLayout[] = [
  {
    name: "c-dicom-patient-tree",
    note: "PACS export: Patient/Study/Series folders, files without a suffix, two series",
    files: {
      ...slices(1, 3, (i) => `DOE^JOHN/20240311 MR Brain/Series 001 T1/IM${pad(i)}`),
      ...slices(2, 2, (i) => `DOE^JOHN/20240311 MR Brain/Series 002 T2/IM${pad(i)}`, "094500"),
    },
  },
  {
    name: "c-dicom-cd-export",
    note: "a CD export: DICOMDIR at the top naming DICOM\\ST000000\\SE000000\\IM00000n",
    files: {
      DICOMDIR: makeDicomDir(["DICOM/ST000000/SE000000/IM000000", "DICOM/ST000000/SE000000/IM000001"]),
      ...slices(1, 2, (i) => `DICOM/ST000000/SE000000/IM${pad(i - 1, 6)}`),
      "AUTORUN.INF": "[autorun]\r\nopen=viewer.exe\r\n",
      "README.TXT": "Images of this study. Open with the viewer on this disc.\r\n",
    },
  },
  {
    name: "c-dicom-interleaved-series",
    note: "two series whose files sort into each other (IMG0001 of series 1, IMG0002 of series 2 ...)",
    files: Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [
        `IMG${pad(i + 1)}.dcm`,
        makeDicom({ series: (i % 2) + 1, instance: Math.floor(i / 2) + 1, time: i % 2 ? "101000" : "100000" }),
      ]),
    ),
  },
  {
    name: "c-dicom-cut-file",
    note: "a series with its last slice cut short by an interrupted copy, and a report PDF",
    files: {
      ...slices(3, 2, (i) => `ct/CT.${i}.dcm`),
      "ct/CT.3.dcm": makeDicom({ series: 3, instance: 3, time: "093000", date: "20240311" }).subarray(0, 200),
      "ct/report.pdf": "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    },
  },
  {
    name: "c-dicom-upper-unicode",
    note: "upper-case .DCM, a space and accents in the folder names, a JPEG key image",
    files: {
      ...slices(4, 2, (i) => `Patient 07/Séquence T1 é/IM_${pad(i)}.DCM`),
      "Patient 07/Séquence T1 é/key image.jpg": jpeg(16, 16),
    },
  },
  {
    name: "c-dicom-too-deep",
    note: "the series five folders down: OMERO's candidate scan stops at depth 4",
    files: {
      ...slices(5, 2, (i) => `export/2024/03/11/MR/IM${pad(i)}.dcm`),
      ...slices(6, 2, (i) => `export/2024/03/MR/IM${pad(i)}.dcm`),
    },
  },
];
