/**
 * Olympus ScanR acquisitions (ScanrReader): `experiment_descriptor.xml` (LabVIEW cluster XML) with its `.dat`
 * files and `data/` planes `<well>--W<n>--P<n>--Z<n>--T<n>--<channel>.tif`.
 */
import { scanrPlate } from "../../__fixtures__/hcs";
import { under, without } from "../make/files";
import { fromFixture } from "../make/fixture";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const plate = () => fromFixture(scanrPlate().files);

export const layouts: GoldenLayout[] = [
  {
    name: "scanr-plate",
    note: "two wells, two positions, two channels",
    files: plate(),
  },
  {
    name: "scanr-stray",
    note: "an acquisition in a folder with spaces, a stray TIFF and notes in data/, a readme beside it",
    files: {
      ...under("ScanR run 1", plate()),
      "ScanR run 1/data/overview.tif": tiff(),
      "ScanR run 1/data/notes.txt": "well A2 had a bubble\n",
      "readme.txt": "ScanR run 1, 20x\n",
    },
  },
  {
    name: "scanr-data-without-descriptor",
    note: "an acquisition copied without experiment_descriptor.xml (its .dat files and data/ only)",
    files: without(plate(), "experiment_descriptor.xml"),
  },
];
