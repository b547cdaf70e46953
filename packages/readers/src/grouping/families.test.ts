/**
 * Family rules (families.ts and its modules) through groupFilesets, with literal probes built by the golden
 * makers: the cases the golden layouts cannot show (readiness facts, order of readers, the time window).
 */
import { makeDicom, makeDicomDir } from "../__golden__/make/dicom";
import { improvisionTiff } from "../__golden__/make/improvision";
import { nrrdHeader } from "../__golden__/make/nrrd";
import { prairieSet } from "../__golden__/make/prairie";
import { tiff } from "../__golden__/make/tiff";
import { defaultCatalogue } from "../catalogue";
import type { CandidateFile, GroupingResult } from "../types";
import { findPattern } from "./find-pattern";
import { groupFilesets } from "./group";

const TIFF_HEAD = (desc?: string, software?: string) => ({
  tiffDescription: desc ?? null,
  tiffTags: [256, 257, 258, 262, 270, 273, 277, 279],
  ...(software ? { tiffSoftware: software } : {}),
});

/** Candidates from name -> content (TIFFs get the probe fields probeFile would give). */
function files(dir: string, content: Record<string, Buffer | string>, tiffs: Record<string, object> = {}) {
  return Object.entries(content).map(([n, c]): CandidateFile => {
    // A TIFF given as "" is a valid small TIFF (its probe fields come from `tiffs`).
    const head = Buffer.isBuffer(c) ? c : c === "" && tiffs[n] ? tiff() : Buffer.from(c, "latin1");
    return { path: `${dir}/${n}`, size: head.length, probe: { head, ...(tiffs[n] ?? {}) } };
  });
}

const setOf = (r: GroupingResult, p: string) => r.filesets.find((f) => f.files.includes(p));
const names = (paths: string[]) => paths.map((p) => p.slice(p.lastIndexOf("/") + 1)).sort();

describe("DicomReader", () => {
  test("one fileset per series; the first file by name opens a 150 s window", () => {
    const r = groupFilesets(
      files("/w/s", {
        "a.dcm": makeDicom({ series: 1, instance: 1, time: "101500" }),
        "b.dcm": makeDicom({ series: 1, instance: 2, time: "101700" }),
        "c.dcm": makeDicom({ series: 1, instance: 3, time: "101800" }),
        "d.dcm": makeDicom({ series: 2, instance: 1, time: "101500" }),
        IM0001: makeDicom({ series: 2, instance: 2, time: "101501" }),
      }),
      defaultCatalogue(),
    );
    expect(names(setOf(r, "/w/s/a.dcm")!.files)).toEqual(["a.dcm", "b.dcm"]);
    expect(names(setOf(r, "/w/s/c.dcm")!.files)).toEqual(["c.dcm"]);
    expect(names(setOf(r, "/w/s/d.dcm")!.files)).toEqual(["IM0001", "d.dcm"]);
  });

  test("a series with a file lacking ImageType is refused whole (DicomReader fails on every file of it)", () => {
    const r = groupFilesets(
      files("/w/n", {
        "a.dcm": makeDicom({ series: 3, instance: 1, imageType: null }),
        "b.dcm": makeDicom({ series: 3, instance: 2 }),
      }),
      defaultCatalogue(),
    );
    expect(r.filesets).toEqual([]);
    expect(r.ignored.map((i) => [i.path, /ImageType/.test(i.reason)])).toEqual([
      ["/w/n/a.dcm", true],
      ["/w/n/b.dcm", true],
    ]);
  });

  test("a DICOMDIR expects its IMAGE records, closes the set, and holds for one not there", () => {
    const r = groupFilesets(
      files("/w/cd", {
        DICOMDIR: makeDicomDir(["IMG/IM1", "IMG/IM2"]),
        "IMG/IM1": makeDicom({ instance: 1 }),
      }),
      defaultCatalogue(),
    );
    const s = setOf(r, "/w/cd/DICOMDIR")!;
    expect(s.reader).toBe("loci.formats.in.DicomReader");
    expect(s.expected).toEqual(["/w/cd/IMG/IM1", "/w/cd/IMG/IM2"]);
    expect(s.closed).toBe(true);
    expect(s.missing).toEqual(["/w/cd/IMG/IM2"]);
  });
});

describe("PrairieReader", () => {
  test("XML + .env + the TIFFs it lists; an unlisted prefixed TIFF is ignored; expected and closed", () => {
    const set = prairieSet({ base: "TS-1", frames: 2 });
    const tiffs = Object.fromEntries(
      Object.keys(set)
        .filter((n) => n.endsWith(".tif"))
        .map((n) => [n, TIFF_HEAD()]),
    );
    const r = groupFilesets(
      files("/w/p", { ...set, "TS-1_extra.tif": tiff() }, { ...tiffs, "TS-1_extra.tif": TIFF_HEAD() }),
      defaultCatalogue(),
    );
    const s = setOf(r, "/w/p/TS-1.xml")!;
    expect(s.reader).toBe("loci.formats.in.PrairieReader");
    expect(names(s.files)).toEqual(names(Object.keys(set)));
    expect(s.closed).toBe(true);
    expect(s.expected).toHaveLength(4);
    expect(r.ignored.find((i) => i.path === "/w/p/TS-1_extra.tif")?.reason).toMatch(/PrairieReader/);
  });

  test("a plane named like Prairie's with no XML yet is its own fileset, held", () => {
    const r = groupFilesets(
      files(
        "/w/p2",
        { "TS-2_Cycle00001_Ch1_000001.ome.tif": "" },
        { "TS-2_Cycle00001_Ch1_000001.ome.tif": TIFF_HEAD() },
      ),
      defaultCatalogue(),
    );
    expect(r.filesets[0]!.hold).toMatch(/Prairie plane name .*TS-2\.xml/);
  });
});

describe("NRRDReader", () => {
  test("a detached header expects its data file and holds while it is not there", () => {
    const r = groupFilesets(files("/w/n", { "v.nhdr": nrrdHeader("v.raw") }), defaultCatalogue());
    const s = setOf(r, "/w/n/v.nhdr")!;
    expect(s.missing).toEqual(["/w/n/v.raw"]);
    expect(s.expected).toEqual(["/w/n/v.nhdr", "/w/n/v.raw"]);
  });
});

describe("ImprovisionTiffReader and VectraReader (TIFF families)", () => {
  test("a sample with a plane missing: each file alone, held; a whole sample: one set", () => {
    const totals = { z: 1, c: 2, t: 1 };
    const desc = (uuid: string, c: number) =>
      improvisionTiff({ uuid, totals, z: 1, c, t: 1 })
        .toString("latin1")
        .match(/Improvision[^\0]*/)![0];
    const r = groupFilesets(
      files(
        "/w/i",
        { "a_c1.tif": "", "a_c2.tif": "", "b_c1.tif": "" },
        {
          "a_c1.tif": TIFF_HEAD(desc("A", 1)),
          "a_c2.tif": TIFF_HEAD(desc("A", 2)),
          "b_c1.tif": TIFF_HEAD(desc("B", 1)),
        },
      ),
      defaultCatalogue(),
    );
    expect(names(setOf(r, "/w/i/a_c1.tif")!.files)).toEqual(["a_c1.tif", "a_c2.tif"]);
    const b = setOf(r, "/w/i/b_c1.tif")!;
    expect(b.files).toEqual(["/w/i/b_c1.tif"]);
    expect(b.hold).toMatch(/1 of 2 planes/);
  });

  test("a QPTIFF takes its companions; a lone companion name is held", () => {
    const r = groupFilesets(
      files(
        "/w/v",
        { "s.qptiff": "", "s_annotations.xml": "<a/>", "Label.tif": "" },
        { "s.qptiff": TIFF_HEAD("<x/>", "PerkinElmer-QPI"), "Label.tif": TIFF_HEAD() },
      ).concat(files("/w/v2", { "Label.tif": "" }, { "Label.tif": TIFF_HEAD() })),
      defaultCatalogue(),
    );
    expect(names(setOf(r, "/w/v/s.qptiff")!.files)).toEqual(["Label.tif", "s.qptiff", "s_annotations.xml"]);
    expect(setOf(r, "/w/v2/Label.tif")!.hold).toMatch(/Vectra companion/);
  });

  test("a TIFF a .lei prefix gives to LeicaReader is not Improvision's", () => {
    const desc = improvisionTiff({ totals: { z: 1, c: 1, t: 1 }, z: 1, c: 1, t: 1, multi: false })
      .toString("latin1")
      .match(/Improvision[^\0]*/)![0];
    const r = groupFilesets(
      files("/w/l", { "exp.lei": "", "exp_001.tif": "" }, { "exp_001.tif": TIFF_HEAD(desc) }),
      defaultCatalogue(),
    );
    expect(setOf(r, "/w/l/exp_001.tif")!.reader).toBe("loci.formats.in.LeicaReader");
  });
});

describe("FilePattern.findPattern", () => {
  test("a fixed-width numbering, a constant block, no pattern for uneven steps", () => {
    const slices = Array.from({ length: 10 }, (_, i) => `slice${String(i + 1).padStart(4, "0")}.vff`);
    expect(findPattern("slice0001.vff", slices)).toBe("slice00<01-10>.vff");
    expect(findPattern("scan2_a.vff", ["scan2_a.vff", "other.txt"])).toBe("scan2_a.vff");
    expect(findPattern("z1.vff", ["z1.vff", "z2.vff", "z4.vff"])).toBeNull();
  });
});
