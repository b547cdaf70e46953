/**
 * Independent corpus (readers-d): screening plates as the instruments and their users leave them:
 * MetaXpress plates with thumbnails, time points and a second plate, Operetta/Harmony exports with
 * evaluation results, Assaylayout and Windows files, a Harmony plate two folders down, MIAS plates.
 */
import { metaxpressPlate, miasNoise, miasPlate, operettaPlate } from "../../__fixtures__/hcs";
import { under, without } from "../make/files";
import { fromFixture } from "../make/fixture";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const op = operettaPlate({
  plate: "Assay 7",
  wells: [
    [2, 2],
    [2, 3],
  ],
  fields: 2,
  channels: ["HOECHST 33342", "Alexa 647"],
});
const opDir = op.plateDir;
const csv = "Row,Column,Field,Nuclei - Number of Objects\n2,2,1,153\n2,3,1,171\n";

export const layouts: GoldenLayout[] = [
  {
    name: "c-mx-plate-thumbs-time",
    note: "a MetaXpress time series (TimePoint_1/, TimePoint_2/) with thumbnails at the top",
    files: fromFixture(
      metaxpressPlate({ plate: "timecourse", wells: ["B02", "B03"], timepoints: 2, thumbnails: true }).files,
    ),
  },
  {
    name: "c-mx-two-plates-one-thumbed",
    note: "two plates in one folder, only the second with thumbnails (each plate takes them all)",
    files: {
      ...fromFixture(metaxpressPlate({ plate: "Plate_01", wells: ["A01"] }).files),
      ...fromFixture(metaxpressPlate({ plate: "Plate_02", wells: ["A01", "A02"], thumbnails: true }).files),
    },
  },
  {
    name: "c-mx-plate-sites-waves-lower",
    note: "2 x 2 sites, 2 wavelengths, .tif names, an image missing: held whole",
    files: without(
      fromFixture(
        metaxpressPlate({ plate: "scr", wells: ["C05"], xSites: 2, ySites: 2, waves: ["DAPI", "FITC"], ext: ".tif" })
          .files,
      ),
      "scr_C05_s4_w2.tif",
    ),
    missingOnPurpose: ["scr_C05_s4_w2.tif"],
  },
  {
    name: "c-operetta-harmony-evaluation",
    note: "a Harmony export: Images/ with the index, Assaylayout/, FFC_Profile/ and an Evaluation1/ results folder",
    files: {
      ...fromFixture(op.files),
      [`${opDir}/Evaluation1/PlateResults.txt`]: csv,
      [`${opDir}/Evaluation1/Objects_Population - Nuclei.txt`]: csv,
    },
  },
  {
    name: "c-operetta-windows-share",
    note: "a Harmony export copied from a Windows share: Thumbs.db, desktop.ini and a ~$ lock file",
    files: {
      ...fromFixture(op.files),
      [`${opDir}/Images/Thumbs.db`]: Buffer.alloc(512, 3),
      [`${opDir}/desktop.ini`]: "[.ShellClassInfo]\r\nIconResource=x\r\n",
      [`${opDir}/~$notes.docx`]: Buffer.alloc(162, 0),
    },
  },
  {
    name: "c-operetta-deep",
    note: "a Harmony plate three folders down (screen/batch/plate/Images): Index at depth 4",
    files: under("screen 2024/batch 1", fromFixture(op.files)),
  },
  {
    name: "c-operetta-image-missing",
    note: "a plate copied without one plane the index lists: held whole",
    files: without(fromFixture(op.files), `${opDir}/Images/r02c03f02p01-ch2sk1fk1fl1.tiff`),
    missingOnPurpose: [`${opDir}/Images/r02c03f02p01-ch2sk1fk1fl1.tiff`],
  },
  {
    name: "c-mias-plate-results",
    note: "a MIAS plate with results and the experiment's Batchresults",
    files: { ...fromFixture(miasPlate({ wells: 2, channels: 1, z: 1 }).files), ...fromFixture(miasNoise()) },
  },
  {
    name: "c-mias-stray-tiff",
    note: "a MIAS plate and a TIFF the user saved in the experiment folder",
    files: { ...fromFixture(miasPlate({ wells: 1, channels: 2, z: 1 }).files), "overview.tif": tiff() },
  },
];
