import {
  columbusPlaneName,
  columbusPlate,
  cv7000ImageName,
  cv7000Plate,
  only,
  scanrImageName,
  scanrPlate,
  toCandidates,
  without,
} from "../__fixtures__/hcs";
import {
  BD,
  CELLOMICS,
  CELLVOYAGER,
  COLUMBUS,
  CV7000,
  cellomicsName,
  FLEX,
  groupPlates,
  parseMeasurementData,
  SCANR,
} from "./index";
import { defaultCatalogue } from "../catalogue";
import { groupFilesets } from "../grouping/group";

const ROOT = "/w/dave/run1";
const abs = (p: string) => `${ROOT}/${p}`;
const PLATE = "AssayPlate_Greiner_781091";

describe("Yokogawa CellVoyager CV7000 (CV7000Reader)", () => {
  it("reads IMG records and skips ERR records", () => {
    const fx = cv7000Plate({ errorRecord: true, wells: [[1, 1]], fields: 1, channels: 1 });
    const mlf = fx.files.find((f) => f.path === "MeasurementData.mlf")!.content.toString("utf8");
    expect(parseMeasurementData(mlf, "/d")).toEqual([
      { path: `/d/${cv7000ImageName(PLATE, 1, 1, 1, 1, 1)}`, row: 1, col: 1, field: 1, z: 1, channel: 1, timepoint: 1 },
    ]);
  });

  it("makes one fileset of the .wpi's folder; expected = the .mlf, the files the .mrf names, every IMG plane", () => {
    const fx = cv7000Plate();
    const res = groupPlates(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(CV7000);
    expect(plan.entry).toBe(abs(`${PLATE}.wpi`));
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect(plan.expected).toEqual(
      ["MeasurementData.mlf", `${PLATE}.wpp`, `${PLATE}.mes`, ...only(fx.files, "image").map((f) => f.path)].map(abs),
    );
    expect(plan.missing).toEqual([]);
    expect(plan.closed).toBe(false);
    expect(plan.plate).toMatchObject({
      format: "CV7000",
      wells: 2,
      fields: 2,
      channels: 2,
      timepoints: 1,
      expectedImages: 8,
      presentImages: 8,
    });
  });

  it("holds planes and measurement files until the .wpi arrives", () => {
    const fx = cv7000Plate();
    const res = groupPlates(toCandidates(without(fx.files, "index"), ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending.map((p) => p.path).sort()).toEqual(
      without(fx.files, "index")
        .map((f) => abs(f.path))
        .sort(),
    );
  });

  it("with the .wpi and .mlf first, lists the planes not there yet; without the .mlf, waits for it", () => {
    const fx = cv7000Plate();
    const gone = cv7000ImageName(PLATE, 1, 2, 2, 1, 2);
    const plan = groupPlates(
      toCandidates(
        fx.files.filter((f) => f.path !== gone),
        ROOT,
      ),
    ).filesets[0]!;
    expect(plan.missing).toEqual([abs(gone)]);
    expect(plan.plate!.presentImages).toBe(7);
    const noMlf = groupPlates(
      toCandidates(
        fx.files.filter((f) => f.path !== "MeasurementData.mlf"),
        ROOT,
      ),
    ).filesets[0]!;
    expect(noMlf.missing).toEqual([abs("MeasurementData.mlf")]);
    expect(noMlf.reasons).toContain(`${"MeasurementData.mlf"} is not there yet: it lists the plate's images`);
  });
});

describe("PerkinElmer Columbus (ColumbusReader)", () => {
  it("makes one fileset of the index, the image indexes and every plane they list", () => {
    const fx = columbusPlate({ timepoints: 2 });
    const res = groupPlates(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(COLUMBUS);
    expect(plan.entry).toBe(abs("MeasurementIndex.ColumbusIDX.xml"));
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect([...plan.expected!].sort()).toEqual(
      without(fx.files, "index")
        .map((f) => abs(f.path))
        .sort(),
    );
    expect(plan.missing).toEqual([]);
    expect(plan.plate).toMatchObject({
      format: "Columbus",
      wells: 2,
      fields: 2,
      channels: 2,
      timepoints: 2,
      expectedImages: 16,
      presentImages: 16,
    });
  });

  it("holds image indexes and planes until the measurement index arrives", () => {
    const fx = columbusPlate();
    const res = groupPlates(toCandidates(without(fx.files, "index"), ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending).toHaveLength(9);
    expect(res.pending[0]!.reason).toMatch(/waits for \/w\/dave\/run1\/MeasurementIndex\.ColumbusIDX\.xml$/);
  });

  it("lists a referenced image index and the planes of a present one that are not there yet", () => {
    const fx = columbusPlate({ timepoints: 2 });
    const gone = `0/${columbusPlaneName(2, 3, 2, 1, 1)}`;
    const present = fx.files.filter((f) => f.path !== gone && f.path !== "1/IDX_1.columbusidx.xml");
    const plan = groupPlates(toCandidates(present, ROOT)).filesets[0]!;
    expect(plan.missing).toEqual([abs("1/IDX_1.columbusidx.xml"), abs(gone)]);
  });
});

describe("Olympus ScanR (ScanrReader), by layout", () => {
  it("makes one fileset of experiment_descriptor.xml, the folder's .dat/.xml and data/*.tif", () => {
    const fx = scanrPlate();
    const res = groupPlates(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(SCANR);
    expect(plan.entry).toBe(abs("experiment_descriptor.xml"));
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect(plan.expected).toBeUndefined();
    expect(plan.plate).toBeUndefined();
    expect(plan.closed).toBe(false);
  });

  it("without the XML: planes in data/ are TIFFs held for it (companionWait), the .dat files ignored with why", () => {
    const fx = scanrPlate();
    const res = groupFilesets(toCandidates(without(fx.files, "index"), ROOT), defaultCatalogue());
    expect(res.pending).toEqual([]);
    const planes = res.filesets.filter((f) => f.entry.includes("/data/"));
    expect(planes.map((f) => f.reader)).toEqual(planes.map(() => "loci.formats.in.TiffDelegateReader"));
    expect(planes.length).toBe(fx.files.filter((f) => f.path.startsWith("data/")).length);
    expect(planes[0]!.hold).toBe(
      `${scanrImageName("A1", 1, 1, 0, 0, "DAPI")} is named like a ScanR plane in data/ and may belong to ${abs("experiment_descriptor.xml")}, not here yet`,
    );
    expect(res.ignored.map((i) => i.path).sort()).toEqual(
      ["AcquisitionLog.dat", "experiment_descriptor.dat"].map(abs).sort(),
    );
    expect(res.ignored[0]!.reason).toMatch(/ScanrReader cannot open it without .*experiment_descriptor\.xml/);
  });
});

describe("Cellomics (CellomicsReader), by plate name", () => {
  const names = [
    "WHICA-VTI1_090915160001_A01f00o1.C01",
    "WHICA-VTI1_090915160001_A01f00o2.C01",
    "WHICA-VTI1_090915160001_A01f01o1.C01",
    "WHICA-VTI1_090915160001_B02f00o1.C01",
    "WHICA-VTI1_090915160001.mdb",
    "other_plate_A01f00o1.C01",
    "notes.txt",
  ];
  it("parses plate, well, field and channel as PATTERN_O / PATTERN_D do", () => {
    expect(cellomicsName(names[2]!)).toEqual({ plate: "WHICA-VTI1_090915160001", well: "A01", field: 1, channel: 1 });
    expect(cellomicsName("P_1_C03f12d0.DIB")).toEqual({ plate: "P_1", well: "C03", field: 12, channel: 0 });
  });

  it("groups the .C01 files of one plate name and its .mdb; another plate stays apart", () => {
    const res = groupPlates(names.map((n) => ({ path: abs(n), size: 100 })));
    expect(res.filesets.map((f) => [f.entry, f.files.length])).toEqual([
      [abs(names[0]!), 5],
      [abs(names[5]!), 1],
    ]);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(CELLOMICS);
    expect(plan.files).toContain(abs("WHICA-VTI1_090915160001.mdb"));
    expect(plan.closed).toBe(false);
    expect(plan.plate).toMatchObject({ wells: 2, fields: 2, channels: 2, expectedImages: 0, presentImages: 4 });
    expect(res.claimed.has(abs("notes.txt"))).toBe(false);
  });
});

describe("Opera Flex (FlexReader), measurement files beside the .flex files", () => {
  const names = ["001001000.flex", "001002000.flex", "002001000.flex", "Meas_01.mea", "Meas_01.res", "readme.flex"];
  it("groups the nnnnnnnnn.flex files of a folder with its .mea and .res; the first well file is the entry", () => {
    const res = groupPlates(names.map((n) => ({ path: abs(n), size: 100 })));
    expect(res.filesets).toHaveLength(1);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(FLEX);
    expect(plan.entry).toBe(abs("001001000.flex"));
    expect([...plan.files].sort()).toEqual(
      ["001001000.flex", "001002000.flex", "002001000.flex", "Meas_01.mea", "Meas_01.res"].map(abs).sort(),
    );
    expect(plan.plate).toMatchObject({ wells: 3, presentImages: 3 });
    // readme.flex opens the plate without being used: OMERO's candidate scan prunes it.
    expect(res.ignored).toEqual([{ path: abs("readme.flex"), reason: expect.stringMatching(/skips readme\.flex/) }]);
  });

  it("without both a .mea and a .res, the .flex files alone; the first is the entry", () => {
    const res = groupPlates(names.filter((n) => !n.endsWith(".res")).map((n) => ({ path: abs(n), size: 100 })));
    expect(res.filesets[0]!.entry).toBe(abs("001001000.flex"));
    expect(res.filesets[0]!.files).toHaveLength(3);
  });
});

describe("BD Pathway (BDReader), by layout", () => {
  const names = [
    "Experiment.exp",
    "Plate.plt",
    "DAPI.dye",
    "Well A01/DAPI - n000000.tif",
    "Well A01/FITC - n000000.tif",
    "Well A01/Well.drt",
    "Well B02/DAPI - n000000.tif",
    "Well B02/notes.doc",
  ];
  it("makes one fileset of Experiment.exp, the metadata files and the wells' TIFFs", () => {
    const res = groupPlates(names.map((n) => ({ path: abs(n), size: 100 })));
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(BD);
    expect(plan.entry).toBe(abs("Experiment.exp"));
    expect([...plan.files].sort()).toEqual(
      names
        .filter((n) => !n.endsWith(".doc"))
        .map(abs)
        .sort(),
    );
    expect(plan.plate).toMatchObject({ wells: 2, presentImages: 3 });
  });

  it("a TIFF in a well folder not named <dye> - nNNNNNN.tif is ignored (BDReader opens the plate through it)", () => {
    const res = groupPlates([...names, "Well A01/preview.tif"].map((n) => ({ path: abs(n), size: 100 })));
    expect(res.filesets[0]!.files).not.toContain(abs("Well A01/preview.tif"));
    expect(res.ignored).toEqual([
      { path: abs("Well A01/preview.tif"), reason: expect.stringMatching(/BDReader takes preview\.tif .* skips it/) },
    ]);
  });

  it("well images without Experiment.exp are TIFFs held for it (companionWait), never pending forever", () => {
    const res = groupFilesets(
      names.slice(1).map((n) => ({ path: abs(n), size: 100 })),
      defaultCatalogue(),
    );
    const wells = res.filesets.filter((f) => f.entry.includes("/Well "));
    expect(wells.map((f) => [f.entry, f.reader])).toEqual(
      [3, 4, 6].map((i) => [abs(names[i]!), "loci.formats.in.TiffDelegateReader"]),
    );
    expect(wells[0]!.hold).toBe(
      `DAPI - n000000.tif is inside the BD Pathway well folder Well A01/ and may belong to ${abs("Experiment.exp")}, not here yet`,
    );
    expect(res.pending.filter((p) => p.path.includes("/Well "))).toEqual([]);
  });
});

describe("CellVoyager CV1000 (CellVoyagerReader), by layout", () => {
  const names = [
    "MeasurementResult.xml",
    "MeasurementResult.ome.xml",
    "Image/W1F001T0001Z01C1.tif",
    "Image/W1F001T0001Z01C2.tif",
  ];
  it("makes one fileset of MeasurementResult.xml, its OME-XML and Image/ planes", () => {
    const res = groupPlates(names.map((n) => ({ path: abs(n), size: 100 })));
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(CELLVOYAGER);
    expect(plan.entry).toBe(abs("MeasurementResult.xml"));
    expect([...plan.files].sort()).toEqual(names.map(abs).sort());
    expect(plan.missing).toEqual([]);
  });

  it("waits for MeasurementResult.ome.xml; holds planes until MeasurementResult.xml arrives", () => {
    const noOme = groupPlates(names.filter((n) => !n.includes(".ome.")).map((n) => ({ path: abs(n), size: 100 })));
    expect(noOme.filesets[0]!.missing).toEqual([abs("MeasurementResult.ome.xml")]);
    const first = groupPlates(names.slice(1).map((n) => ({ path: abs(n), size: 100 })));
    expect(first.filesets).toEqual([]);
    expect(first.pending).toHaveLength(3);
  });
});
