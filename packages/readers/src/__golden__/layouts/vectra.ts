/** VectraReader: a QPTIFF with `*_annotations.xml` and the fixed companion TIFF names of its folder. */
import { annotations, qptiff, tiff } from "../make/vectra";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "vectra-slide",
    note: "a QPTIFF with its annotations and label/overview images",
    files: {
      "slide/Scan1.qptiff": qptiff(),
      "slide/Scan1_annotations.xml": annotations(),
      "slide/Label.tif": tiff(),
      "slide/OverviewBF.tif": tiff(),
      "slide/SampleMask.tif": tiff(),
    },
  },
  {
    name: "vectra-stray",
    note: "a QPTIFF beside an unrelated TIFF and a differently spelt label (label.tif is not a companion)",
    files: {
      "s/Scan2.qptiff": qptiff(3),
      "s/Scan2_annotations.xml": annotations(),
      "s/notes.tif": tiff(),
      "s/label.tif": tiff(),
    },
  },
  {
    name: "vectra-tif-name",
    note: "a QPTIFF saved as .tif (VectraReader reads the Software tag, not the name)",
    files: { "t/Scan3.tif": qptiff(), "t/FocusMap.tif": tiff(), "t/Scan3_annotations.xml": annotations() },
  },
  {
    name: "vectra-upper",
    note: "upper-case suffix",
    files: { "u/SCAN4.QPTIFF": qptiff(), "u/CoverslipMask.tif": tiff() },
  },
  {
    name: "vectra-spaces",
    note: "names with spaces and Unicode",
    files: { "Gewebe Ø 1/Scan 5 µ.qptiff": qptiff(), "Gewebe Ø 1/Scan 5 µ_annotations.xml": annotations() },
  },
  {
    name: "vectra-alone",
    note: "a QPTIFF alone",
    files: { "a/Scan6.qptiff": qptiff() },
  },
  {
    name: "vectra-label-alone",
    note: "a companion name with no QPTIFF: a TIFF of its own (held for companionWait here)",
    files: { "l/Label.tif": tiff(), "l/OverviewFL.tif": tiff() },
  },
];
