/** NRRDReader: `.nhdr` + the data file it names; attached `.nrrd` alone. */
import { nrrd, nrrdHeader, nrrdRaw } from "../make/nrrd";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "nrrd-detached",
    note: "x.nhdr naming x.raw",
    files: { "d/brain.nhdr": nrrdHeader("brain.raw"), "d/brain.raw": nrrdRaw() },
  },
  {
    name: "nrrd-attached",
    note: "an attached .nrrd beside a detached pair",
    files: { "a/one.nrrd": nrrd(), "a/two.nhdr": nrrdHeader("two.img"), "a/two.img": nrrdRaw() },
  },
  {
    name: "nrrd-other-name",
    note: "the data file has another base name (found only through the header)",
    files: { "o/scan.nhdr": nrrdHeader("pixels.dat"), "o/pixels.dat": nrrdRaw() },
  },
  {
    name: "nrrd-missing",
    note: "the data file is not there yet",
    files: { "m/vol.nhdr": nrrdHeader("vol.raw") },
    missingOnPurpose: ["m/vol.raw"],
  },
  {
    name: "nrrd-subfolder",
    note: "a data file path with a folder: NRRDReader keeps only what follows the first /",
    files: { "s/vol.nhdr": nrrdHeader("data/vol.raw"), "s/vol.raw": nrrdRaw(), "s/data/vol.raw": nrrdRaw() },
  },
  {
    name: "nrrd-upper",
    note: "upper-case names and spaces",
    files: { "U p/BRAIN 1.NHDR": nrrdHeader("BRAIN 1.RAW"), "U p/BRAIN 1.RAW": nrrdRaw() },
  },
  {
    name: "nrrd-raw-alone",
    note: "x.raw with x.raw.nhdr beside it (the double-suffix spelling)",
    files: { "r/x.raw.nhdr": nrrdHeader("x.raw"), "r/x.raw": nrrdRaw() },
  },
];
