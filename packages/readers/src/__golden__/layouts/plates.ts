/** HCS plates (src/hcs/): the fixtures' plates as Bio-Formats opens them, with strays and two plates in one folder. */
import {
  cellworxPlate,
  columbusPlate,
  cv7000Plate,
  inCellPlate,
  metaxpressPlate,
  operettaPlate,
} from "../../__fixtures__/hcs";
import { under, without } from "../make/files";
import { fromFixture } from "../make/fixture";
import { dv } from "../make/dv";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const op = operettaPlate();

/** CellWorx `.pnl` panels are DeltaVision images (the fixture's header has no sizes, which Bio-Formats divides by). */
function withPanels(files: Record<string, Buffer | string>): Record<string, Buffer | string> {
  return Object.fromEntries(Object.entries(files).map(([p, c]) => [p, p.endsWith(".pnl") ? dv() : c]));
}

export const layouts: GoldenLayout[] = [
  { name: "plate-metaxpress", files: fromFixture(metaxpressPlate().files) },
  {
    name: "plate-metaxpress-two-plates",
    note: "two MetaXpress plates in one folder",
    files: {
      ...fromFixture(metaxpressPlate({ plate: "plateA" }).files),
      ...fromFixture(metaxpressPlate({ plate: "plateB", waves: ["DAPI", "FITC"] }).files),
    },
  },
  { name: "plate-metaxpress-sites-time", files: fromFixture(metaxpressPlate({ xSites: 2, timepoints: 2 }).files) },
  { name: "plate-cellworx", files: withPanels(fromFixture(cellworxPlate().files)) },
  { name: "plate-operetta", files: fromFixture(op.files) },
  {
    name: "plate-operetta-thumbs-db",
    note: "an Operetta plate with Windows' Thumbs.db in its Images folder",
    files: {
      ...fromFixture(op.files),
      [`${op.plateDir}/Images/Thumbs.db`]: Buffer.from("\xd0\xcf\x11\xe0 thumbs", "latin1"),
    },
  },
  {
    name: "plate-operetta-thumbs-db-everywhere",
    files: {
      ...fromFixture(op.files),
      [`${op.plateDir}/Thumbs.db`]: Buffer.from("thumbs", "latin1"),
      [`${op.plateDir}/Assaylayout/Thumbs.db`]: Buffer.from("thumbs", "latin1"),
      [`${op.plateDir}/Images/desktop.ini`]: "[.ShellClassInfo]\r\n",
    },
  },
  {
    name: "plate-metaxpress-two-plates-with-thumbs",
    files: {
      ...fromFixture(metaxpressPlate({ plate: "plateA", thumbnails: true }).files),
      ...fromFixture(metaxpressPlate({ plate: "plateB", thumbnails: true }).files),
    },
  },
  { name: "plate-incell", files: fromFixture(inCellPlate().files) },
  {
    name: "plate-incell-image-missing",
    files: without(fromFixture(inCellPlate().files), "B - 4(fld 2 wv FITC - FITC).tif"),
    missingOnPurpose: ["B - 4(fld 2 wv FITC - FITC).tif"],
  },
  { name: "plate-columbus", files: fromFixture(columbusPlate().files) },
  { name: "plate-cv7000", files: fromFixture(cv7000Plate().files) },
  { name: "plate-metaxpress-stray", files: { ...fromFixture(metaxpressPlate().files), "notes.tif": tiff() } },
  { name: "plate-operetta-in-subfolder", files: under("screen 1", fromFixture(op.files)) },
];
