import {
  cziSplit,
  leiFile,
  leiSet,
  metamorphNd,
  ndpisSet,
  oirSet,
  patternSet,
  xlefProject,
  zarrPlate,
  zarrV2,
  zarrV3,
} from "../__fixtures__/formats";
import type { FormatFixture } from "../__fixtures__/formats";
import { acquisitionOrder, tinyTiff, toCandidates } from "../__fixtures__/hcs";
import { defaultCatalogue, parseReadersFile } from "../catalogue";
import type { CandidateFile, GroupingResult } from "../types";
import { groupFilesets } from "./index";
import { expandPattern, leiFileNames, patternBlock } from "./listed";
import { metamorphPlaneFiles } from "./metamorph";
import { chunkKeys } from "./zarr";

const ROOT = "/w/frank/drop";
const at = (p: string) => `${ROOT}/${p}`;

function group(fx: FormatFixture, files: CandidateFile[]): GroupingResult {
  const cat = fx.readers ? parseReadersFile(fx.readers, "readers.txt") : defaultCatalogue();
  const res = groupFilesets(files, cat);
  const placed = [
    ...res.filesets.flatMap((f) => f.files),
    ...res.ignored.map((i) => i.path),
    ...res.pending.map((p) => p.path),
  ];
  expect([...placed].sort()).toEqual(files.map((f) => f.path).sort());
  return res;
}

const FORMATS: [string, () => FormatFixture][] = [
  ["LEI", () => leiSet()],
  ["XLEF", () => xlefProject()],
  [".pattern", () => patternSet()],
  ["OIR parts", () => oirSet()],
  ["CZI split parts", () => cziSplit()],
  ["NDPIS", () => ndpisSet()],
  ["MetaMorph .nd", () => metamorphNd()],
  ["OME-Zarr v2", () => zarrV2()],
  ["OME-Zarr v3", () => zarrV3()],
  ["OME-Zarr v2 plate", () => zarrPlate()],
];

describe.each(FORMATS)("%s", (_name, make) => {
  it("one fileset: its entry, reader, every file, the expected members", () => {
    const fx = make();
    const res = group(fx, toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    const set = res.filesets[0]!;
    expect(set.entry).toBe(at(fx.entry));
    expect(set.reader).toBe(fx.reader);
    expect([...set.files].sort()).toEqual(fx.files.map((f) => at(f.path)).sort());
    expect(set.missing).toEqual([]);
    expect(set.expected ? [...set.expected].sort() : undefined).toEqual(fx.expected?.map(at).sort());
    expect(set.closed ?? false).toBe(fx.closed);
  });

  it("a listed member not there yet is missing, with a reason: the set waits", () => {
    const fx = make();
    const last = fx.files.filter((f) => f.kind === "image").at(-1)!;
    const res = group(
      fx,
      toCandidates(
        fx.files.filter((f) => f !== last),
        ROOT,
      ),
    );
    const set = res.filesets.find((f) => f.entry === at(fx.entry))!;
    // OIR/CZI parts are numbered: only a gap below the highest part present is known to be missing.
    if (fx.reader.endsWith("OIRReader") || fx.reader.endsWith("ZeissCZIReader")) {
      expect(set.missing).toEqual([]);
      return;
    }
    expect(set.missing).toEqual([at(last.path)]);
    expect(set.reasons).toHaveLength(1);
    expect(set.expected).toContain(at(last.path));
  });

  it.each(["index-first", "images-first"] as const)("%s: with everything there, the same one fileset", (order) => {
    const fx = make();
    const files = acquisitionOrder(fx.files, order);
    const res = group(fx, toCandidates(files, ROOT));
    expect(res.filesets.map((f) => f.entry)).toEqual([at(fx.entry)]);
  });
});

describe("index first: no listed file is imported before the list is complete", () => {
  it.each(FORMATS)("%s", (_n, make) => {
    const fx = make();
    const files = acquisitionOrder(fx.files, "index-first");
    for (let k = 1; k < files.length; k++) {
      const res = group(fx, toCandidates(files.slice(0, k), ROOT));
      for (const set of res.filesets) {
        // A set that could import now (nothing missing) must not be a part of this dataset alone
        // unless it is the dataset's own fileset, not yet proven complete (closed with nothing missing).
        if (set.entry !== at(fx.entry)) {
          expect((set.hold ?? set.missing.length > 0) ? "waits" : set.entry).toBe("waits");
        } else if (set.closed) expect(set.missing.length).toBeGreaterThan(0);
      }
    }
  });
});

describe("parsers, literal inputs", () => {
  it("leiFileNames reads the IMAGES block's UTF-16 names; garbage is null", () => {
    expect(leiFileNames(leiFile(["a_z0.tif", "a_z1.tif"]))).toEqual(["a_z0.tif", "a_z1.tif"]);
    expect(leiFileNames(Buffer.from("not a lei file at all"))).toBeNull();
  });

  it("FilePatternBlock rules: lists, ranges, steps, padding, letters", () => {
    expect(patternBlock("<R,G,B>")).toEqual(["R", "G", "B"]);
    expect(patternBlock("<1-3>")).toEqual(["1", "2", "3"]);
    expect(patternBlock("<08-10>")).toEqual(["08", "09", "10"]);
    expect(patternBlock("<0-36:12>")).toEqual(["0", "12", "24", "36"]);
    expect(patternBlock("<A-C>")).toEqual(["A", "B", "C"]);
    expect(patternBlock("<a-c>")).toEqual(["a", "b", "c"]);
    expect(patternBlock("<x>")).toEqual(["x"]);
    expect(expandPattern("/d/z<1-2><R,G>.tif")).toEqual(["/d/z1R.tif", "/d/z1G.tif", "/d/z2R.tif", "/d/z2G.tif"]);
    expect(expandPattern("/d/z.*\\.tif")).toBeNull();
  });

  it("a regular-expression pattern takes the folder's matches, lists nothing, never closes", () => {
    const files = [
      { path: "re.pattern", content: Buffer.from("img_.*\\.tif"), kind: "index" as const },
      { path: "img_1.tif", content: tinyTiff(), kind: "image" as const },
      { path: "other.tif", content: tinyTiff(), kind: "image" as const },
    ];
    const res = groupFilesets(toCandidates(files, ROOT), defaultCatalogue());
    const set = res.filesets.find((f) => f.entry === at("re.pattern"))!;
    expect(set.files).toEqual([at("re.pattern"), at("img_1.tif")]);
    expect(set.expected).toBeUndefined();
    expect(set.closed).toBeUndefined();
  });

  it("Zarr chunk keys: v2 '.' and '/', v3 default c/ and v2 encodings, 0-d arrays", () => {
    expect(chunkKeys({ shape: [3, 4], chunks: [2, 4] }, 2)).toEqual(["0.0", "1.0"]);
    expect(chunkKeys({ shape: [3, 4], chunks: [2, 4], dimension_separator: "/" }, 2)).toEqual(["0/0", "1/0"]);
    const v3 = { shape: [3, 4], chunk_grid: { name: "regular", configuration: { chunk_shape: [2, 2] } } };
    expect(chunkKeys(v3, 3)).toEqual(["c/0/0", "c/0/1", "c/1/0", "c/1/1"]);
    expect(chunkKeys({ ...v3, chunk_key_encoding: { name: "v2" } }, 3)).toEqual(["0.0", "0.1", "1.0", "1.1"]);
    expect(chunkKeys({ shape: [], chunks: [] }, 2)).toEqual(["0"]);
    expect(chunkKeys({ shape: [], chunk_grid: { configuration: { chunk_shape: [] } } }, 3)).toEqual(["c"]);
    expect(chunkKeys({ shape: [1000, 1000], chunks: [1, 1] }, 2)).toBeNull();
  });

  it("MetaMorph: NTimePoints counts without DoTimelapse, stages without DoStage; Version 1.0 + Z is .STK", () => {
    const nd = '"NDInfoFile", Version 1.0\n"NTimePoints", 2\n"NStagePositions", 1\n"DoZSeries", TRUE\n"EndFile"\n';
    expect(metamorphPlaneFiles("a.nd", nd)).toEqual(["a_s1_t1.STK", "a_s1_t2.STK"]);
  });
});

describe("images before their entry", () => {
  it("a CZI part without its master is held (companionWait), not closed", () => {
    const fx = cziSplit();
    const res = group(fx, toCandidates(fx.files.slice(1, 2), ROOT));
    expect(res.filesets[0]!.hold).toMatch(/scan \(1\)\.czi: may belong to scan\.czi/);
  });

  it("OIR parts without the .oir wait (no reader takes them alone), then join", () => {
    const fx = oirSet();
    const res = group(fx, toCandidates(fx.files.slice(1), ROOT));
    expect(res.filesets).toEqual([]);
  });

  it("an .xlif without its .xlef, and the frames it names, are pending", () => {
    const fx = xlefProject();
    const res = group(fx, toCandidates(fx.files.slice(1), ROOT));
    expect(res.filesets).toEqual([]);
    expect(res.pending.map((p) => p.path)).toContain(at("Project/Image 1/Image 1--Z00--C00.tif"));
  });

  it("a v3 Zarr whose chunks came before its root zarr.json misses it", () => {
    const fx = zarrV3();
    const res = group(fx, toCandidates(fx.files.slice(1), ROOT));
    expect(res.filesets[0]!.missing).toEqual([at("img.ome.zarr/zarr.json")]);
  });

  it("an .oir under 1 GiB is single (OIRReader.isSingleFile): closed", () => {
    const fx = oirSet(0);
    const res = group(fx, toCandidates([{ ...fx.files[0]!, size: 5000 }], ROOT));
    expect(res.filesets[0]!.closed).toBe(true);
  });
});
