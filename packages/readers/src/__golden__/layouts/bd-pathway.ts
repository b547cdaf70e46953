/**
 * BD Pathway plates (BDReader): `Experiment.exp` (INI: dyes, camera, montage) with the plate's `.plt`, its
 * metadata files (`.dye`, `.ltp`, `.txt`...) and one `Well XNN/` folder per well holding `<dye> - nNNNNNN.tif`.
 * BDReader.initFile reads the `.exp` and the `.plt` (Wells) and counts time points in the second folder.
 */
import { under } from "../make/files";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const crlf = (lines: string[]) => `${lines.join("\r\n")}\r\n`;

/** A BD Pathway plate: `wells` labels (A01...), `dyes` names, `planes` images per dye and well. */
function bdPlate(wells: string[], dyes: string[], planes = 1): Record<string, Buffer | string> {
  const files: Record<string, Buffer | string> = {
    "Experiment.exp": crlf([
      "[General]",
      `Dyes=${dyes.length}`,
      "[Camera]",
      "BitdepthUsed=8",
      "BinX=1",
      "BinY=1",
      "[Dyes]",
      ...dyes.map((d, i) => `${i + 1}=${d}`),
      "[Image]",
      "Montaged=0",
      "[Geometry]",
      "Name=20x NA075 Olympus",
    ]),
    "Plate.plt": crlf(["[PlateType]", "Brand=Falcon", "Description=96 Well", "Wells=96"]),
    "Experiment.ltp": crlf(["[Laser]", "Power=1"]),
    ...Object.fromEntries(
      dyes.map((d) => [
        `${d}.dye`,
        crlf(["[Numerator]", "Emission=460 nm", "Excitation=350 nm", "Exposure=0.1", "Gain=1", "Offset=0"]),
      ]),
    ),
  };
  for (const w of wells)
    for (const d of dyes)
      for (let n = 0; n < planes; n++) files[`Well ${w}/${d} - n${String(n).padStart(6, "0")}.tif`] = tiff();
  return files;
}

export const layouts: GoldenLayout[] = [
  {
    name: "bd-pathway-plate",
    note: "two wells, two dyes, two time points, the plate's metadata files",
    files: bdPlate(["A01", "A02"], ["DAPI", "FITC"], 2),
  },
  {
    name: "bd-pathway-stray",
    note: "a plate in a folder, with a preview TIFF in a well folder and a note beside the plate folder",
    files: {
      ...under("run 3", bdPlate(["B03", "B04"], ["Hoechst"])),
      "run 3/Well B03/preview.tif": tiff(),
      "notes.txt": "plate run 3, imaged Tuesday\n",
    },
  },
  {
    name: "bd-pathway-wells-without-exp",
    note: "well folders copied without the plate's Experiment.exp",
    files: {
      "Well C01/DAPI - n000000.tif": tiff(),
      "Well C02/DAPI - n000000.tif": tiff(),
    },
  },
];
