import {
  acquisitionOrder,
  cellworxPlate,
  columbusPlate,
  cv7000Plate,
  inCellPlate,
  metaxpressPlate,
  miasPlate,
  operettaPlate,
  type PlateFixture,
  scanrPlate,
  toCandidates,
} from "../__fixtures__/hcs";
import { defaultCatalogue } from "../catalogue";
import { groupFilesets } from "../grouping/group";
import { groupPlates } from "./index";

const ROOT = "/w/erin/drop";

const plates: [string, PlateFixture][] = [
  ["MetaXpress", metaxpressPlate({ xSites: 2, ySites: 1, waves: ["DAPI", "FITC"] })],
  ["MetaXpress with thumbnails", metaxpressPlate({ thumbnails: true, waves: ["DAPI", "FITC"] })],
  ["CellWorx", cellworxPlate({ wells: ["A01", "B03"] })],
  ["Operetta", operettaPlate()],
  ["InCell", inCellPlate()],
  ["Columbus", columbusPlate()],
  ["CV7000", cv7000Plate()],
  ["ScanR", scanrPlate()],
  // No index: the TIFFs themselves are the plate (its entry is the first well's first TIFF present).
  ["MIAS", miasPlate()],
];

describe.each(plates)("%s written file by file", (_name, fx) => {
  it.each(["index-first", "images-first"] as const)("%s: never a half plate, one fileset at the end", (order) => {
    const files = acquisitionOrder(fx.files, order);
    for (let k = 1; k <= files.length; k++) {
      const res = groupPlates(toCandidates(files.slice(0, k), ROOT));
      // Every plate file written so far is in the plate or held (pending, or grouped into a fileset with a
      // `hold` for the index: ScanR planes without their XML): none is left to import alone.
      const g = groupFilesets(toCandidates(files.slice(0, k), ROOT), defaultCatalogue());
      const held = g.filesets.filter((f) => f.hold !== undefined).flatMap((f) => f.files);
      const placed = new Set([...res.claimed, ...res.pending.map((p) => p.path), ...held]);
      const present = files.slice(0, k).map((f) => `${ROOT}/${f.path}`);
      expect(present.filter((p) => !placed.has(p))).toEqual([]);
      const plan = res.filesets[0];
      if (k < files.length && plan?.closed) expect(plan.missing.length).toBeGreaterThan(0);
    }
    const res = groupPlates(toCandidates(files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.entry).toBe(`${ROOT}/${fx.entry}`);
    expect(res.filesets[0]!.reader).toBe(fx.reader);
    expect(res.filesets[0]!.missing).toEqual([]);
    expect(res.filesets[0]!.files).toHaveLength(fx.files.length);
  });
});
