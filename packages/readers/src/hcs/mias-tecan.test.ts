import { acquisitionOrder, miasNoise, miasPlate, tecanPlate, toCandidates } from "../__fixtures__/hcs";
import { makeSqlite } from "../__fixtures__/sqlite";
import { defaultCatalogue } from "../catalogue";
import { groupFilesets } from "../grouping";
import { MIAS, TECAN, groupPlates } from "./index";

const ROOT = "/w/erin/exp1";
const at = (p: string) => `${ROOT}/${p}`;

describe("MIAS plate trees (MIASReader)", () => {
  it("one fileset: entry = the first well's first TIFF, every well TIFF + results + Batchresults", () => {
    const fx = miasPlate();
    const res = groupFilesets(toCandidates([...fx.files, ...miasNoise()], ROOT), defaultCatalogue());
    const plate = res.filesets.find((f) => f.reader === MIAS)!;
    expect(plate.entry).toBe(at(fx.entry));
    expect([...plate.files].sort()).toEqual(fx.files.map((f) => at(f.path)).sort());
    expect(plate.closed).toBe(false);
    expect(plate.expected).toBeUndefined();
    expect(plate.plate).toMatchObject({ format: "MIAS", wells: 2, channels: 2, zSteps: 2, presentImages: 8 });
    // results/*.sav is program state; another plate's NEO_PlateOutput is not this plate's.
    expect(plate.files).not.toContain(at("001-BC0001/results/state.sav"));
    expect(plate.files).not.toContain(at("Batchresults/NEO_PlateOutput_002.txt"));
  });

  it("TIFFs whose Software tag is not MIAS's stay ordinary TIFFs", () => {
    const fx = miasPlate({ software: "ImageJ 1.54f" });
    const res = groupPlates(toCandidates(fx.files, ROOT));
    expect(res.filesets).toEqual([]);
  });

  it.each(["index-first", "images-first"] as const)("%s: every TIFF written so far is in the one plate", (order) => {
    const files = acquisitionOrder(miasPlate().files, order);
    for (let k = 1; k <= files.length; k++) {
      const res = groupPlates(toCandidates(files.slice(0, k), ROOT));
      const tiffs = files.slice(0, k).filter((f) => f.path.endsWith(".tif"));
      expect(res.filesets.length).toBe(tiffs.length > 0 ? 1 : 0);
      for (const t of tiffs) expect(res.claimed.has(at(t.path))).toBe(true);
    }
  });

  it("the channel-folder layout <plate>/<well>/<channel>/x.tif", () => {
    const files = ["001/0001/1/1_1_1_1.tif", "001/0001/2/1_1_1_1.tif", "001/0002/1/1_1_1_1.tif"].map((p) => ({
      path: p,
      content: miasPlate().files[0]!.content,
      kind: "image" as const,
    }));
    const res = groupPlates(toCandidates(files, ROOT));
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.entry).toBe(at("001/0001/1/1_1_1_1.tif"));
    expect(res.filesets[0]!.files).toHaveLength(3);
    expect(res.filesets[0]!.plate).toMatchObject({ wells: 2, channels: 2 });
  });
});

describe("Tecan Spark Cyto (TecanReader)", () => {
  it("one fileset: the .db, Images/ and Export/", () => {
    const fx = tecanPlate();
    const res = groupFilesets(toCandidates(fx.files, ROOT), defaultCatalogue());
    expect(res.filesets).toHaveLength(1);
    const plate = res.filesets[0]!;
    expect(plate.reader).toBe(TECAN);
    expect(plate.entry).toBe(at(fx.entry));
    expect([...plate.files].sort()).toEqual(fx.files.map((f) => at(f.path)).sort());
    expect(plate.closed).toBe(false);
    expect(plate.plate).toMatchObject({
      format: "Tecan",
      name: "Greiner 96 Flat Bottom",
      wells: 2,
      expectedImages: 4,
      presentImages: 4,
    });
    // The database's Image and ObjectList paths ("A1\\A1_..."), under Images/.
    expect([...plate.expected!].sort()).toEqual(
      fx.files
        .filter((f) => f.path.startsWith("Images/"))
        .map((f) => at(f.path))
        .sort(),
    );
  });

  it("an image the database lists and is not there yet is missing: the plate waits", () => {
    const fx = tecanPlate();
    const gone = fx.files.find((f) => f.kind === "image")!;
    const res = groupPlates(
      toCandidates(
        fx.files.filter((f) => f !== gone),
        ROOT,
      ),
    );
    expect(res.filesets[0]!.missing).toEqual([at(gone.path)]);
    expect(res.filesets[0]!.reasons[0]).toMatch(/image listed in SparkCyto\.db/);
  });

  it("index first: the database alone waits for every image it lists (TecanReader needs Images/)", () => {
    const fx = tecanPlate();
    const res = groupFilesets(toCandidates([fx.files[0]!], ROOT), defaultCatalogue());
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.missing).toHaveLength(5);
    const unread = groupFilesets(toCandidates([fx.files[0]!], ROOT, { probe: false }), defaultCatalogue());
    expect(unread.filesets).toEqual([]);
    expect(unread.pending[0]!.reason).toMatch(/waits for the Images\/ folder/);
  });

  it("a SQLite .db without the PlateDefinition table is not Tecan's (isThisType)", () => {
    const fx = tecanPlate();
    const other = fx.files.map((f) =>
      f.kind === "index" ? { ...f, content: makeSqlite([{ name: "Other", columns: ["x"], rows: [[1]] }]) } : f,
    );
    expect(groupPlates(toCandidates(other, ROOT)).filesets).toEqual([]);
  });

  it("a .db that is not SQLite is no plate; a Tecan database without Images/ yet waits", () => {
    const fx = tecanPlate();
    const notSqlite = fx.files.map((f) => (f.kind === "index" ? { ...f, content: Buffer.from("nope") } : f));
    expect(groupPlates(toCandidates(notSqlite, ROOT)).filesets).toEqual([]);
    // A Tecan database without Images/ yet is a plate waiting for its listed images.
    expect(groupPlates(toCandidates([fx.files[0]!], ROOT)).filesets[0]!.missing).toHaveLength(5);
  });
});
