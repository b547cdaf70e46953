import { harmonyImageName, only, operettaPlate, toCandidates, without } from "../__fixtures__/hcs";
import type { CandidateFile } from "../types";
import type { PlateGrouping } from "./index";
import { groupPlates, hcsNeedsHeader, hcsWantsWholeFile, OPERETTA, parseOperettaIndex } from "./index";

const ROOT = "/w/bob";
const abs = (p: string) => `${ROOT}/${p}`;

function plates(files: CandidateFile[]): PlateGrouping {
  const res = groupPlates(files);
  const inSets = res.filesets.flatMap((f) => f.files);
  expect(new Set(inSets).size).toBe(inSets.length);
  expect([...inSets].sort()).toEqual([...res.claimed].sort());
  return res;
}

describe("parseOperettaIndex (OperettaReader.OperettaHandler)", () => {
  it("lists the planes of <Images>, not the <Wells> references", () => {
    const fx = operettaPlate({ wells: [[2, 5]], fields: 1, channels: ["DAPI"] });
    const xml = only(fx.files, "index")[0]!.content.toString("utf8");
    const { images, plateId } = parseOperettaIndex(xml, "/d/Images/Index.idx.xml");
    expect(plateId).toBe("Plate1");
    expect(images).toEqual([
      {
        path: `/d/Images/${harmonyImageName(2, 5, 1, 1, 1, 0)}`,
        remote: false,
        row: 2,
        col: 5,
        field: 1,
        plane: 1,
        timepoint: 0,
        channel: 1,
      },
    ]);
  });

  it("keeps remote URLs as they are", () => {
    const xml = `<Images><Image Version="1"><URL>http://omero/x.tiff</URL><Row>1</Row></Image></Images>`;
    expect(parseOperettaIndex(xml, "/d/Index.xml").images[0]).toMatchObject({
      path: "http://omero/x.tiff",
      remote: true,
    });
  });
});

describe("Operetta / Harmony (OperettaReader)", () => {
  it("makes one fileset: Images/Index.idx.xml, every plane it lists, the plate folder's metadata", () => {
    const fx = operettaPlate({ planes: 2, timepoints: 2 });
    const res = plates(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(OPERETTA);
    expect(plan.entry).toBe(abs(fx.entry));
    expect(plan.files[0]).toBe(plan.entry);
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect([...plan.expected!].sort()).toEqual(
      only(fx.files, "image")
        .map((f) => abs(f.path))
        .sort(),
    );
    expect(plan.missing).toEqual([]);
    expect(plan.closed).toBe(false);
    expect(plan.plate).toEqual({
      format: "Operetta",
      name: "Plate1",
      wells: 2,
      fields: 2,
      channels: 2,
      timepoints: 2,
      zSteps: 2,
      expectedImages: 32,
      presentImages: 32,
      missing: [],
    });
  });

  it("holds Harmony-named planes that arrive before the index", () => {
    const fx = operettaPlate();
    const res = plates(toCandidates(only(fx.files, "image"), ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending).toHaveLength(8);
    expect(res.pending[0]!.reason).toMatch(
      /^r03c01f01p01-ch1sk1fk1fl1\.tiff is named like a Harmony\/Operetta plate image and waits for its plate index .*\/Images\/Index\.idx\.xml/,
    );
  });

  it("with the index first, lists the planes not there yet", () => {
    const fx = operettaPlate();
    const present = fx.files.filter((f) => !f.path.includes("r03c02"));
    const plan = plates(toCandidates(present, ROOT)).filesets[0]!;
    expect(plan.missing).toHaveLength(4);
    expect(plan.missing[0]).toBe(abs(`${fx.plateDir}/Images/${harmonyImageName(3, 2, 1, 1, 1, 0)}`));
    expect(plan.reasons[0]).toBe(
      `missing ${harmonyImageName(3, 2, 1, 1, 1, 0)}: row 3 col 2, field 1, plane 1, channel 1, time 0 listed by Index.idx.xml`,
    );
    expect(plan.plate).toMatchObject({ expectedImages: 8, presentImages: 4 });
    expect(plan.plate!.missing).toEqual(plan.missing);
  });

  it("an index without the Harmony/Operetta magic is not a plate (isThisType(stream))", () => {
    const fx = operettaPlate();
    const files = toCandidates(fx.files, ROOT).map((f) =>
      f.path.endsWith("Index.idx.xml")
        ? { ...f, probe: { head: Buffer.from("<?xml version='1.0'?><x/>") }, size: 25 }
        : f,
    );
    const res = plates(files);
    expect(res.filesets).toEqual([]);
    expect(res.pending).toHaveLength(10); // 8 planes + Assaylayout/ and FFC_Profile/ files
  });

  it("an index read only in part claims what is there, but cannot be complete", () => {
    const fx = operettaPlate();
    const files = toCandidates(fx.files, ROOT).map((f) =>
      f.path.endsWith("Index.idx.xml") ? { ...f, probe: { head: f.probe!.head!.subarray(0, 2000) } } : f,
    );
    const plan = plates(files).filesets[0]!;
    expect(plan.files).toHaveLength(fx.files.length);
    expect(plan.expected).toBeUndefined();
    expect(plan.reasons[0]).toMatch(/Index\.idx\.xml was not read whole \(2000 of \d+ bytes\)/);
  });

  it("an index outside Images/ takes its own folder's non-.tiff files and those one level down", () => {
    const fx = operettaPlate({ imagesDir: "", indexName: "Index.xml" });
    const extra = { path: `${fx.plateDir}/notes.txt`, content: Buffer.from("hi"), kind: "metadata" as const };
    const res = plates(toCandidates([...fx.files, extra], ROOT));
    const plan = res.filesets[0]!;
    expect(plan.entry).toBe(abs(`${fx.plateDir}/Index.xml`));
    expect([...plan.files].sort()).toEqual([...fx.files, extra].map((f) => abs(f.path)).sort());
  });

  it("one folder with Index.idx.xml and Index.ref.xml is one plate, entry Index.idx.xml", () => {
    const fx = operettaPlate();
    const idx = only(fx.files, "index")[0]!;
    const ref = { ...idx, path: idx.path.replace("Index.idx.xml", "Index.ref.xml") };
    const res = plates(toCandidates([...fx.files, ref], ROOT));
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.entry).toBe(abs(idx.path));
    expect(res.filesets[0]!.files).toContain(abs(ref.path));
  });

  it("leaves plain TIFFs of other folders to the ordinary grouping", () => {
    const fx = operettaPlate();
    const res = plates(
      toCandidates([...without(fx.files, "metadata"), { ...fx.files[1]!, path: "other/cells.tif" }], ROOT),
    );
    expect(res.claimed.has(abs("other/cells.tif"))).toBe(false);
    expect(res.pending.map((p) => p.path)).not.toContain(abs("other/cells.tif"));
  });
});

describe("probing", () => {
  it("names the plate indexes the probe reads whole", () => {
    for (const p of ["/d/p.HTD", "/d/p_scan.log", "/d/Images/Index.idx.xml", "/d/index.ref.xml", "/d/Index.xml"]) {
      expect(hcsWantsWholeFile(p)).toBe(true);
      expect(hcsNeedsHeader(p)).toBe(true);
    }
    for (const p of ["/d/p_A01_w1.TIF", "/d/x.xml", "/d/.p.HTD"]) expect(hcsWantsWholeFile(p)).toBe(false);
  });
});

describe("operetta edge cases", () => {
  it("an unprobed plain Index.xml is not taken for a plate index (Index.idx.xml is)", () => {
    const fx = operettaPlate({ indexName: "Index.xml" });
    expect(groupPlates(toCandidates(fx.files, ROOT, { probe: false })).filesets).toEqual([]);
    const idx = operettaPlate();
    expect(groupPlates(toCandidates(idx.files, ROOT, { probe: false })).filesets).toHaveLength(1);
  });

  it("leaves dot files and partial copies to the ordinary grouping", () => {
    const fx = operettaPlate();
    const extra = [
      { path: `${fx.plateDir}/.DS_Store`, content: Buffer.from("x"), kind: "metadata" as const },
      {
        path: `${fx.plateDir}/Images/r09c09f01p01-ch1sk1fk1fl1.tiff.filepart`,
        content: Buffer.from("x"),
        kind: "image" as const,
      },
    ];
    const res = groupPlates(toCandidates([...fx.files, ...extra], ROOT));
    for (const e of extra) {
      expect(res.claimed.has(abs(e.path))).toBe(false);
      expect(res.pending.map((p) => p.path)).not.toContain(abs(e.path));
    }
  });
});
