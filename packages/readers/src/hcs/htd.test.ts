import { cellworxPlate, metaxpressPlate, only, toCandidates, without } from "../__fixtures__/hcs";
import type { CandidateFile } from "../types";
import { CELLWORX, foundHtd, groupPlates, METAXPRESS, mxWellName, parseHtd, wellName } from "./index";
import type { PlateGrouping } from "./index";
import { FileView } from "./view";

const ROOT = "/w/alice/screen";
const abs = (p: string) => `${ROOT}/${p}`;

/** Every input path is claimed by exactly one plate, pending, or left to ordinary grouping. */
function plates(files: CandidateFile[], enabled?: (r: string) => boolean): PlateGrouping {
  const res = groupPlates(files, enabled);
  const inSets = res.filesets.flatMap((f) => f.files);
  expect(new Set(inSets).size).toBe(inSets.length);
  expect([...inSets].sort()).toEqual([...res.claimed].sort());
  for (const p of res.pending) expect(res.claimed.has(p.path)).toBe(false);
  return res;
}

describe("parseHtd (CellWorxReader.parseHTD)", () => {
  it("reads wells, sites, wavelengths and time points from the key lines", () => {
    const fx = metaxpressPlate({
      wells: ["A01", "B12", "H05"],
      xSites: 2,
      ySites: 2,
      waves: ["DAPI", "FITC", "TxRed"],
    });
    const htd = parseHtd(fx.files[0]!.content.toString("latin1"))!;
    expect(htd.xWells).toBe(12);
    expect(htd.yWells).toBe(8);
    expect(htd.wells).toEqual([
      [0, 0],
      [1, 11],
      [7, 4],
    ]);
    expect(htd.fieldCount).toBe(4);
    expect(htd.waveNames).toEqual(["DAPI", "FITC", "TxRed"]);
    expect(htd.timepoints).toBe(1);
    expect(htd.doChannels).toBe(true);
  });

  it('counts one site when "Sites" is FALSE or the grid is 1 x 1 without SiteSelection1', () => {
    const text = `"XWells", 2\r\n"YWells", 1\r\n"WellsSelection1", TRUE, TRUE\r\n"Sites", FALSE\r\n"XSites", 3\r\n"YSites", 3\r\n"NWavelengths", 1\r\n`;
    expect(parseHtd(text)!.fieldCount).toBe(1);
    expect(parseHtd(`"XWells", 1\n"YWells", 1\n"WellsSelection1", TRUE\n"XSites", 1\n"YSites", 1\n`)!.fieldCount).toBe(
      1,
    );
  });

  it("is null without a well grid", () => {
    expect(parseHtd("not an htd")).toBeNull();
  });

  it("names wells as each reader does", () => {
    expect(wellName(0, 0)).toBe("A01");
    expect(wellName(15, 23)).toBe("P24");
    expect(wellName(26, 0)).toBe("AA01");
    expect(mxWellName(26, 0)).toBe("[01"); // (char) (row + 'A'), as getTiffFiles computes it
  });
});

describe("MetaXpress (MetaxpressTiffReader)", () => {
  it("makes one fileset of the .HTD and every TIFF, entry the .HTD, complete and closed", () => {
    const fx = metaxpressPlate({ wells: ["A01", "A02", "B01"], xSites: 2, ySites: 1, waves: ["DAPI", "FITC"] });
    const res = plates(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(METAXPRESS);
    expect(plan.entry).toBe(abs("plate1.HTD"));
    expect(plan.files[0]).toBe(plan.entry);
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect(plan.missing).toEqual([]);
    expect(plan.closed).toBe(true);
    expect([...plan.expected!].sort()).toEqual(
      only(fx.files, "image")
        .map((f) => abs(f.path))
        .sort(),
    );
    expect(plan.expected).toContain(abs("plate1_B01_s2_w2.TIF"));
    expect(plan.plate).toEqual({
      format: "MetaXpress",
      name: "plate1",
      wells: 3,
      fields: 2,
      channels: 2,
      timepoints: 1,
      zSteps: 1,
      expectedImages: 12,
      presentImages: 12,
      missing: [],
    });
  });

  it("holds images that arrive before their .HTD (never lone TIFFs)", () => {
    const fx = metaxpressPlate({ xSites: 2, ySites: 2, waves: ["DAPI", "FITC"] });
    const res = plates(toCandidates(without(fx.files, "index"), ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending.map((p) => p.path).sort()).toEqual(
      only(fx.files, "image")
        .map((f) => abs(f.path))
        .sort(),
    );
    expect(res.pending[0]!.reason).toBe(
      `plate1_A01_s1_w1.TIF is named like a MetaXpress plate image (<plate>_<well>...) and waits for its plate index ${abs("plate1.HTD")}`,
    );
  });

  it("does not hold a bare <name>_<well>.tif (too common outside plates) but holds _s/_w/_t names", () => {
    const res = plates(
      ["sample_A01.tif", "run_B02_w1.TIF", "run_B02_s2.tif", "run_C03_t4.TIF", "TimePoint_1/run_A01.TIF"].map((p) => ({
        path: abs(p),
        size: 10,
      })),
    );
    expect(res.pending.map((p) => p.path)).toEqual(
      ["TimePoint_1/run_A01.TIF", "run_B02_s2.tif", "run_B02_w1.TIF", "run_C03_t4.TIF"].map(abs),
    );
  });

  it("lists the images the .HTD names that are not there yet", () => {
    const fx = metaxpressPlate({ wells: ["A01", "C03"], xSites: 2, ySites: 1, waves: ["DAPI", "FITC"] });
    const present = fx.files.filter((f) => !f.path.startsWith("plate1_C03"));
    const plan = plates(toCandidates(present, ROOT)).filesets[0]!;
    expect(plan.missing).toEqual(
      ["plate1_C03_s1_w1.TIF", "plate1_C03_s1_w2.TIF", "plate1_C03_s2_w1.TIF", "plate1_C03_s2_w2.TIF"].map(abs),
    );
    expect(plan.reasons[0]).toBe("missing plate1_C03_s1_w1.TIF: well C03, site 1, wavelength 1 (DAPI) of plate1.HTD");
    expect(plan.plate!.expectedImages).toBe(8);
    expect(plan.plate!.presentImages).toBe(4);
    expect(plan.plate!.missing).toHaveLength(4);
    expect(plan.expected).toHaveLength(8);
  });

  it("with only the .HTD, every image is missing and the plate summary shows the whole plate", () => {
    const fx = metaxpressPlate({
      rows: 16,
      cols: 24,
      wells: ["A01", "P24"],
      xSites: 2,
      ySites: 2,
      waves: ["a", "b", "c", "d"],
    });
    const plan = plates(toCandidates(only(fx.files, "index"), ROOT)).filesets[0]!;
    expect(plan.files).toEqual([abs("plate1.HTD")]);
    expect(plan.missing).toHaveLength(32);
    expect(plan.plate!.missing).toHaveLength(20);
    expect(plan.missing).toContain(abs("plate1_P24_s4_w4.TIF"));
  });

  it("takes thumbnails, lower-case .tif names and TimePoint_<t>/ folders", () => {
    const fx = metaxpressPlate({ ext: ".tif", thumbnails: true, timepoints: 3, waves: ["DAPI"] });
    const res = plates(toCandidates(fx.files, ROOT));
    const plan = res.filesets[0]!;
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect(plan.expected).toContain(abs("TimePoint_3/plate1_A02_w1.tif"));
    expect(plan.missing).toEqual([]);
    expect(plan.closed).toBe(false); // thumbnails are named with a GUID: more may come
    expect(plan.plate!.timepoints).toBe(3);
    expect(plan.plate!.expectedImages).toBe(6);
  });

  it("takes a TIFF of an unselected well (isThisType: foundHTDFile) without expecting it", () => {
    const fx = metaxpressPlate();
    const files = toCandidates(
      [...fx.files, { path: "plate1_H12_w1.TIF", content: fx.files[1]!.content, kind: "image" }],
      ROOT,
    );
    const plan = plates(files).filesets[0]!;
    expect(plan.files).toContain(abs("plate1_H12_w1.TIF"));
    expect(plan.expected).not.toContain(abs("plate1_H12_w1.TIF"));
    expect(plan.missing).toEqual([]);
  });

  it("without the .HTD's content, claims by name and is neither closed nor counted", () => {
    const fx = metaxpressPlate();
    const plan = plates(toCandidates(fx.files, ROOT, { probe: false })).filesets[0]!;
    expect(plan.files).toHaveLength(fx.files.length);
    expect(plan.closed).toBe(false);
    expect(plan.expected).toBeUndefined();
    expect(plan.reasons[0]).toMatch(/plate1\.HTD was not read whole/);
  });

  it("keeps two plates of one folder apart (the longest <prefix>.HTD wins)", () => {
    const a = metaxpressPlate({ plate: "run" });
    const b = metaxpressPlate({ plate: "run_2" });
    const res = plates(toCandidates([...a.files, ...b.files], ROOT));
    expect(res.filesets.map((f) => [f.entry, f.files.length])).toEqual([
      [abs("run.HTD"), 3],
      [abs("run_2.HTD"), 3],
    ]);
    expect(foundHtd(new FileView(toCandidates(b.files, ROOT)), ROOT, "run_2_A01_w1.TIF")).toBe(abs("run_2.HTD"));
  });

  it("leaves the .HTD alone when the watch's readers exclude both readers", () => {
    const fx = metaxpressPlate();
    const res = plates(toCandidates(fx.files, ROOT), () => false);
    expect(res.filesets).toEqual([]);
    expect(res.claimed.size).toBe(0);
  });

  it("groups a 384-well, 4-site, 4-channel plate (6,145 files) as one fileset", () => {
    const wells: string[] = [];
    for (let r = 0; r < 16; r++)
      for (let c = 1; c <= 24; c++) wells.push(`${String.fromCharCode(65 + r)}${String(c).padStart(2, "0")}`);
    const fx = metaxpressPlate({ rows: 16, cols: 24, wells, xSites: 2, ySites: 2, waves: ["a", "b", "c", "d"] });
    expect(fx.files).toHaveLength(6145);
    const res = plates(toCandidates(fx.files, ROOT));
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.files).toHaveLength(6145);
    expect(res.filesets[0]!.plate).toMatchObject({
      wells: 384,
      fields: 4,
      channels: 4,
      expectedImages: 6144,
      presentImages: 6144,
    });
  });
});

describe("CellWorx (CellWorxReader)", () => {
  it("makes one fileset of the .HTD, panels, scan logs and the Z map its log names", () => {
    const fx = cellworxPlate({
      wells: ["A01", "B02"],
      xSites: 2,
      ySites: 2,
      waves: ["DAPI", "FITC"],
      zMap: "zmap1.txt",
    });
    const res = plates(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    const plan = res.filesets[0]!;
    expect(plan.reader).toBe(CELLWORX);
    expect(plan.entry).toBe(abs("plate1.HTD"));
    expect([...plan.files].sort()).toEqual(fx.files.map((f) => abs(f.path)).sort());
    expect([...plan.expected!].sort()).toEqual([abs("plate1_A01.pnl"), abs("plate1_B02.pnl"), abs("zmap1.txt")]);
    expect(plan.closed).toBe(false); // well scan logs are taken when they exist: more may come
    expect(plan.plate).toMatchObject({
      format: "CellWorx",
      wells: 2,
      fields: 4,
      channels: 2,
      expectedImages: 2,
      presentImages: 2,
    });
  });

  it("holds panels and their scan logs until the .HTD arrives", () => {
    const fx = cellworxPlate();
    const res = plates(toCandidates(without(fx.files, "index"), ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending.map((p) => p.path).sort()).toEqual(
      without(fx.files, "index")
        .map((f) => abs(f.path))
        .sort(),
    );
    expect(res.pending.find((p) => p.path.endsWith("A01.pnl"))!.reason).toMatch(
      /CellWorx panel .* waits for its plate index .*plate1\.HTD/,
    );
  });

  it("is CellWorx as soon as one selected well's panel exists; missing panels are listed", () => {
    const fx = cellworxPlate({ wells: ["A01", "A02"] });
    const plan = plates(
      toCandidates(
        fx.files.filter((f) => !f.path.startsWith("plate1_A02")),
        ROOT,
      ),
    ).filesets[0]!;
    expect(plan.reader).toBe(CELLWORX);
    expect(plan.missing).toEqual([abs("plate1_A02.pnl")]);
  });
});
