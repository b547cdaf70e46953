/**
 * HCS plates: the plates issue 18 lists and the plate fixtures Bio-Formats opens. Not here: the CellWorx,
 * InCell and ScanR fixtures (src/__fixtures__/hcs), which Bio-Formats refuses (/ by zero, an empty
 * image list, data/ TIFFs not grouped): they need fixing first.
 */
import {
  columbusPlate,
  cv7000Plate,
  metaxpressPlate,
  miasNoise,
  miasPlate,
  operettaPlate,
} from "../../__fixtures__/hcs";
import { fromFixture } from "../make/fixture";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "metaxpress-plate", files: fromFixture(metaxpressPlate({ plate: "P1", wells: ["A01", "A02"] }).files) },
  {
    name: "metaxpress-two-plates",
    note: "issue 18 (elsewhere): two MetaXpress plates in one folder",
    files: {
      ...fromFixture(metaxpressPlate({ plate: "PA", wells: ["A01", "B02"] }).files),
      ...fromFixture(metaxpressPlate({ plate: "PB", wells: ["A01", "C03"] }).files),
    },
  },
  { name: "operetta-plate", files: fromFixture(operettaPlate().files) },
  {
    name: "operetta-thumbs-db",
    note: "issue 18 (elsewhere): an Operetta plate with Windows' Thumbs.db",
    files: (() => {
      const fx = operettaPlate();
      return { ...fromFixture(fx.files), [`${fx.plateDir}/Images/Thumbs.db`]: Buffer.alloc(512) };
    })(),
  },
  {
    name: "mias-plate",
    note: "issue 18 (split): MIAS plates are never formed by the DropBox or files plan",
    files: fromFixture(miasPlate({ z: 1 }).files),
  },
  { name: "mias-plate-noise", files: fromFixture([...miasPlate({ z: 1 }).files, ...miasNoise()]) },
  { name: "columbus-plate", files: fromFixture(columbusPlate().files) },
  { name: "cv7000-plate", files: fromFixture(cv7000Plate().files) },
];
