import { inCellImageName, inCellPlate, only, toCandidates, without } from "../__fixtures__/hcs";
import { groupPlates, INCELL, parseXdce } from "./index";

const ROOT = "/w/carol/incell";
const abs = (p: string) => `${ROOT}/${p}`;

describe("IN Cell Analyzer (InCellReader)", () => {
  it("parses every <Image filename> with its identifiers", () => {
    const fx = inCellPlate({ wells: [[1, 2]], fields: 1, zSlices: 2 });
    const images = parseXdce(fx.files[0]!.content.toString("latin1"), "/d");
    expect(images).toHaveLength(4);
    expect(images[1]).toEqual({
      path: `/d/${inCellImageName(1, 2, 1, ["FITC", "FITC"], 1, 2)}`,
      thumbnail: null,
      row: 1,
      col: 2,
      field: 0,
      z: 0,
      wave: 1,
      time: 0,
    });
  });

  it("makes one fileset of the .xdce and every image it lists, closed and complete", () => {
    const fx = inCellPlate();
    const res = groupPlates(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(INCELL);
    expect(plan.entry).toBe(abs("Plate_001.xdce"));
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect([...plan.expected!].sort()).toEqual(
      only(fx.files, "image")
        .map((f) => abs(f.path))
        .sort(),
    );
    expect(plan.closed).toBe(true);
    expect(plan.missing).toEqual([]);
    expect(plan.plate).toEqual({
      format: "InCell",
      name: "Plate_001",
      wells: 2,
      fields: 2,
      channels: 2,
      timepoints: 1,
      zSteps: 1,
      expectedImages: 8,
      presentImages: 8,
      missing: [],
    });
  });

  it("holds IN Cell-named images until the .xdce arrives", () => {
    const fx = inCellPlate();
    const res = groupPlates(toCandidates(without(fx.files, "index"), ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending).toHaveLength(8);
    expect(res.pending[0]!.reason).toBe(
      `B - 3(fld 1 wv DAPI - DAPI).tif is named like an IN Cell plate image and waits for the .xdce that lists it in ${ROOT}`,
    );
  });

  it("with the .xdce first, lists the images not there yet", () => {
    const fx = inCellPlate();
    const gone = inCellImageName(2, 4, 2, ["FITC", "FITC"], 1, 1);
    const plan = groupPlates(
      toCandidates(
        fx.files.filter((f) => f.path !== gone),
        ROOT,
      ),
    ).filesets[0]!;
    expect(plan.missing).toEqual([abs(gone)]);
    expect(plan.reasons).toEqual([
      `missing ${gone}: well row 2 column 4, field 2, wave 2, z 1, time 1 listed by Plate_001.xdce`,
    ]);
    expect(plan.plate).toMatchObject({ expectedImages: 8, presentImages: 7, missing: [abs(gone)] });
  });

  it("an .xml without the IN Cell magic is not an index; with it, it is", () => {
    const fx = inCellPlate();
    const asXml = fx.files.map((f) => (f.kind === "index" ? { ...f, path: "Plate_001.xml" } : f));
    expect(groupPlates(toCandidates(asXml, ROOT)).filesets[0]!.entry).toBe(abs("Plate_001.xml"));
    const plain = asXml.map((f) =>
      f.kind === "index" ? { ...f, content: Buffer.from("<?xml version='1.0'?><a/>") } : f,
    );
    const res = groupPlates(toCandidates(plain, ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending).toHaveLength(8);
  });
});
