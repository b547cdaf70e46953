import {
  cellworxPlate,
  columbusPlate,
  cv7000Plate,
  inCellPlate,
  metaxpressPlate,
  only,
  operettaPlate,
  scanrPlate,
  toCandidates,
} from "../__fixtures__/hcs";
import type { PlateFixture } from "../__fixtures__/hcs";
import { defaultCatalogue, parseReadersFile } from "../catalogue";
import type { CandidateFile, GroupingResult } from "../types";
import { groupFilesets, needsHeader, wantsWholeFile } from "./index";

const ROOT = "/w/alice/screen";
const cat = defaultCatalogue();

/** groupFilesets, checking every input path lands in exactly one place. */
function group(files: CandidateFile[], whitelist?: string[]): GroupingResult {
  const res = groupFilesets(files, cat, { whitelist });
  const placed = [
    ...res.filesets.flatMap((f) => f.files),
    ...res.ignored.map((i) => i.path),
    ...res.pending.map((p) => p.path),
  ];
  expect([...placed].sort()).toEqual(files.map((f) => f.path).sort());
  return res;
}

const FORMATS: [string, () => PlateFixture, boolean][] = [
  ["MetaXpress", () => metaxpressPlate({ wells: ["A01", "B02"], xSites: 2, ySites: 1, waves: ["DAPI", "FITC"] }), true],
  ["CellWorx", () => cellworxPlate({ wells: ["A01", "B02"] }), true],
  ["InCell", () => inCellPlate(), true],
  ["Operetta", () => operettaPlate(), true],
  ["Columbus", () => columbusPlate(), true],
  ["CV7000", () => cv7000Plate(), true],
  ["ScanR", () => scanrPlate(), false],
];

describe("groupFilesets: HCS plates", () => {
  it.each(FORMATS)("%s: one fileset with the index as entry and every file as member", (_n, make, listed) => {
    const fx = make();
    const res = group(toCandidates(fx.files, ROOT));
    expect(res.pending).toEqual([]);
    expect(res.filesets).toHaveLength(1);
    const set = res.filesets[0]!;
    expect(set.entry).toBe(`${ROOT}/${fx.entry}`);
    expect(set.reader).toBe(fx.reader);
    expect(set.files[0]).toBe(set.entry);
    expect([...set.files].sort()).toEqual(fx.files.map((f) => `${ROOT}/${f.path}`).sort());
    expect(set.missing).toEqual([]);
    if (listed) {
      for (const img of only(fx.files, "image")) expect(set.expected).toContain(`${ROOT}/${img.path}`);
      expect(set.plate).toBeDefined();
    }
  });

  // Columbus images (W0203F1T1C1.tif) carry no plate marker in their names: nothing holds them before
  // the MeasurementIndex arrives (a limit, also in the README).
  it.each(FORMATS.filter((f) => f[2] && f[0] !== "CellWorx" && f[0] !== "Columbus"))(
    "%s: images before the index are pending, never imported alone",
    (_n, make) => {
      const fx = make();
      const res = group(toCandidates(only(fx.files, "image"), ROOT));
      expect(res.filesets).toEqual([]);
      expect(res.pending.length).toBe(only(fx.files, "image").length);
    },
  );

  it("issue 10: plate1.HTD + 16 MetaXpress TIFFs is ONE MetaxpressTiffReader fileset", () => {
    const fx = metaxpressPlate({ wells: ["A01", "A02", "B01", "B02"], xSites: 2, ySites: 1, waves: ["w1", "w2"] });
    const images = only(fx.files, "image");
    expect(images).toHaveLength(16);
    expect(images.map((f) => f.path)).toContain("plate1_A01_s1_w1.TIF");
    const res = group(toCandidates(fx.files, ROOT));
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.reader).toBe("loci.formats.in.MetaxpressTiffReader");
    expect(res.filesets[0]!.files).toHaveLength(17);
    expect(res.filesets[0]!.closed).toBe(true);
    expect(res.filesets[0]!.plate).toMatchObject({ wells: 4, fields: 2, channels: 2 });
  });

  it("a missing listed image is in missing; the plate is not imported half", () => {
    const fx = metaxpressPlate({ wells: ["A01", "A02"] });
    const files = fx.files.filter((f) => f.path !== "plate1_A02_w1.TIF");
    const res = group(toCandidates(files, ROOT));
    expect(res.filesets[0]!.missing).toEqual([`${ROOT}/plate1_A02_w1.TIF`]);
  });

  it("x.bfoptions beside the plate entry joins the plate", () => {
    const fx = metaxpressPlate();
    const cands = [...toCandidates(fx.files, ROOT), { path: `${ROOT}/plate1.HTD.bfoptions`, size: 10 }];
    const res = group(cands);
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.files).toContain(`${ROOT}/plate1.HTD.bfoptions`);
  });

  it("the whitelist by entry applies to plates", () => {
    const fx = metaxpressPlate();
    expect(group(toCandidates(fx.files, ROOT), [".htd"]).filesets).toHaveLength(1);
    const res = group(toCandidates(fx.files, ROOT), [".ics"]);
    expect(res.filesets).toEqual([]);
    expect(res.ignored).toHaveLength(fx.files.length);
  });

  it("a watch whose readers file omits the plate readers groups the files as before", () => {
    const fx = metaxpressPlate();
    const tiffOnly = parseReadersFile("TiffDelegateReader\n", "readers.txt");
    const res = groupFilesets(toCandidates(fx.files, ROOT), tiffOnly, {});
    expect(res.filesets.some((f) => f.reader === fx.reader)).toBe(false);
    expect(res.pending).toEqual([]);
    // Two wells -> two lone TIFFs; the .HTD is ignored with the reason naming the excluded reader.
    expect(res.filesets.map((f) => f.reader)).toEqual(Array(2).fill("loci.formats.in.TiffDelegateReader"));
    expect(res.ignored.map((i) => i.path)).toEqual([`${ROOT}/plate1.HTD`]);
  });

  it("the probe reads plate indexes whole and asks for their head", () => {
    expect(wantsWholeFile(`${ROOT}/plate1.HTD`)).toBe(true);
    expect(needsHeader(`${ROOT}/plate1.HTD`, cat)).toBe(true);
  });
});
