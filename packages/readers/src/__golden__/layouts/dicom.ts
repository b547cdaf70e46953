/** DicomReader (DicomReader.makeFileList / addFileToList / DICOMDIR): series, studies, DICOMDIR, .mif. */
import type { GoldenLayout } from "../types";
import { makeDicom, makeDicomDir } from "../make/dicom";

const series = (n: number, count: number, time = "101500", date = "20240102") =>
  Array.from({ length: count }, (_, i) => makeDicom({ series: n, instance: i + 1, time, date }));

export const layouts: GoldenLayout[] = [
  {
    name: "dicom-series",
    note: "three instances of one series: one fileset",
    files: Object.fromEntries(series(1, 3).map((b, i) => [`ct/IM${i + 1}.dcm`, b])),
  },
  {
    name: "dicom-study",
    note: "two series of one study in one folder: one fileset per series",
    files: {
      ...Object.fromEntries(series(1, 2).map((b, i) => [`study/s1_${i + 1}.dcm`, b])),
      ...Object.fromEntries(series(2, 2).map((b, i) => [`study/s2_${i + 1}.dcm`, b])),
    },
  },
  {
    name: "dicom-stray",
    note: "a series with a notes file beside it",
    files: {
      ...Object.fromEntries(series(3, 2).map((b, i) => [`mr/slice${i + 1}.dcm`, b])),
      "mr/notes.txt": "scanned by A.\n",
    },
  },
  {
    name: "dicom-upper",
    note: "upper-case suffixes",
    files: Object.fromEntries(series(1, 2).map((b, i) => [`UP/IMG000${i + 1}.DCM`, b])),
  },
  {
    name: "dicom-nosuffix",
    note: "files without a suffix (DICOM exports): DicomReader takes them by content",
    files: Object.fromEntries(series(1, 3).map((b, i) => [`export/IM00000${i + 1}`, b])),
  },
  {
    name: "dicom-apart",
    note: "one series number, acquired 10 minutes apart: grouped only within 150 s",
    files: {
      "t/a.dcm": makeDicom({ series: 1, instance: 1, time: "101500" }),
      "t/b.dcm": makeDicom({ series: 1, instance: 2, time: "101600" }),
      "t/c.dcm": makeDicom({ series: 1, instance: 3, time: "102500" }),
    },
  },
  {
    name: "dicom-notags",
    note: "files without acquisition date/time/instance: each alone",
    files: {
      "n/one.dcm": makeDicom({ noGroupingTags: true }),
      "n/two.dcm": makeDicom({ noGroupingTags: true }),
    },
  },
  {
    name: "dicom-dicomdir",
    note: "a DICOMDIR naming its images in a sub-folder",
    files: {
      "cd/DICOMDIR": makeDicomDir(["IMAGES/IM1", "IMAGES/IM2"]),
      ...Object.fromEntries(series(1, 2).map((b, i) => [`cd/IMAGES/IM${i + 1}`, b])),
    },
  },
  {
    name: "dicom-spaces",
    note: "names with spaces and Unicode",
    files: Object.fromEntries(series(1, 2).map((b, i) => [`Patient Müller/Série ${i + 1}.dcm`, b])),
  },
  {
    name: "dicom-mif",
    note: "a micro-CT export: <scan>.mif beside the folder of slices attaches every file beside it",
    files: {
      "mct/scan.mif": "mif\n",
      "mct/scan.log": "log\n",
      ...Object.fromEntries(series(1, 2).map((b, i) => [`mct/scan/slice${i + 1}.dcm`, b])),
    },
  },
  {
    name: "dicom-noimagetype",
    note: "a series whose files lack ImageType: DicomReader fails on each (error)",
    files: {
      "nt/a.dcm": makeDicom({ series: 4, instance: 1, imageType: null }),
      "nt/b.dcm": makeDicom({ series: 4, instance: 2, imageType: null }),
    },
  },
  {
    name: "dicom-dicomdir-missing",
    note: "a DICOMDIR naming an image that is not there: held whole (Bio-Formats fails)",
    files: {
      "cd2/DICOMDIR": makeDicomDir(["IMG/IM1", "IMG/IM2", "IMG/IM3"]),
      ...Object.fromEntries(series(1, 2).map((b, i) => [`cd2/IMG/IM${i + 1}`, b])),
    },
    missingOnPurpose: ["cd2/IMG/IM3"],
  },
  {
    name: "dicom-datetime",
    note: "AcquisitionDateTime instead of date and time, with a colon time in a third file",
    files: {
      "dt/x1.dcm": makeDicom({ series: 7, instance: 1, date: "", time: "", dateTime: "20240102101500.000000" }),
      "dt/x2.dcm": makeDicom({ series: 7, instance: 2, date: "", time: "", dateTime: "20240102101510" }),
      "dt/x3.dcm": makeDicom({ series: 7, instance: 3, time: "10:15:20" }),
    },
  },
  {
    name: "dicom-mixed",
    note: "two series in sub-folders of one study folder and a report PDF",
    files: {
      "st/report.pdf": "%PDF-1.4\n",
      ...Object.fromEntries(series(1, 2).map((b, i) => [`st/SE1/IM${i + 1}`, b])),
      ...Object.fromEntries(series(2, 2).map((b, i) => [`st/SE2/IM${i + 1}`, b])),
    },
  },
];
