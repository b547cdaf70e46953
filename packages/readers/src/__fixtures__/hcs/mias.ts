/**
 * A MIAS (Maia Scientific) experiment, the layout MIASReader's initFile comment describes:
 * `<experiment>/Batchresults/NEO_Results*`, `<experiment>/<plate number>_<barcode>/` (here `001-<barcode>`:
 * the code tests digits + `-`), `Well<nnnn>/mode<c>_z<zzz>_t<ttt>_im<r>_<c>.tif` (one grey plane each,
 * Software tag `eaZYX ...`), `results/Well<nnnn>_mode<c>_z<zzz>_t<ttt>_detail.txt`, `results/*.sav`
 * (program state: not used). TIFFs first in `files`, analysis files after.
 */
import { makeTiff, readablePlane } from "../make-tiff";
import type { FixtureFile, PlateFixture } from "./plate";

export function miasTiff(software = "eaZYX MIAS 2.0"): Buffer {
  return makeTiff({ ifds: [{ width: 4, height: 4, software, ...readablePlane(4, 4) }] });
}

export function miasPlate(
  opts: { wells?: number; channels?: number; z?: number; software?: string } = {},
): PlateFixture {
  const wells = opts.wells ?? 2;
  const channels = opts.channels ?? 2;
  const zs = opts.z ?? 2;
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const plate = "001-BC0001";
  const files: FixtureFile[] = [];
  for (let w = 1; w <= wells; w++) {
    for (let c = 1; c <= channels; c++) {
      for (let z = 1; z <= zs; z++) {
        const name = `mode${c}_z${pad(z, 3)}_t001_im1_1.tif`;
        const kind = w === 1 && c === 1 && z === 1 ? "index" : "image";
        files.push({ path: `${plate}/Well${pad(w, 4)}/${name}`, content: miasTiff(opts.software), kind });
      }
    }
  }
  files.push({
    path: `${plate}/results/Well0001_mode1_z001_t001_detail.txt`,
    content: Buffer.from("Label\tArea\n1\t20\n"),
    kind: "metadata",
  });
  files.push({
    path: "Batchresults/NEO_Results_20250106.txt",
    content: Buffer.from("Plate\tWell\n"),
    kind: "metadata",
  });
  files.push({ path: "Batchresults/NEO_PlateOutput_001.txt", content: Buffer.from("Well\tCount\n"), kind: "metadata" });
  return {
    entry: `${plate}/Well0001/mode1_z001_t001_im1_1.tif`,
    reader: "loci.formats.in.MIASReader",
    files,
    wells,
    fields: 1,
    channels,
    timepoints: 1,
  };
}

/** Files MIASReader does not use, written into the same tree (program state, another plate's output). */
export function miasNoise(): FixtureFile[] {
  return [
    { path: "001-BC0001/results/state.sav", content: Buffer.from("x"), kind: "metadata" },
    { path: "Batchresults/NEO_PlateOutput_002.txt", content: Buffer.from("x"), kind: "metadata" },
  ];
}
