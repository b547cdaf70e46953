import {
  describeDifference,
  leftOutReason,
  NO_READER_REASON,
  pinsForFileset,
  settleLeftOut,
  splitByPins,
} from "./omero-pins";

describe("splitByPins: OMERO's answers override the readers for their files", () => {
  const input = ["/d/a.dv", "/d/a.dv.log", "/d/b.tif", "/d/c.tif"].map((path) => ({ path, size: 1 }));
  const old = new Map<string, number | null>([
    ["/d/a.dv", 1],
    ["/d/a.dv.log", 1],
    ["/d/b.tif", 2],
    ["/d/c.tif", null],
  ]);
  it("a pin takes its files (joining ones from another fileset); left-out members go back; an empty pin ignores its entry", () => {
    const s = splitByPins(
      input,
      [
        { entry: "/d/a.dv", reader: "DV", files: ["/d/a.dv", "/d/b.tif", "/d/gone.tif"] },
        { entry: "/d/c.tif", reader: null, files: [] },
        { entry: "/elsewhere/x", reader: null, files: [] },
      ],
      old,
    );
    expect(s.plans).toEqual([
      {
        key: "/d/a.dv",
        reader: "DV",
        entry: "/d/a.dv",
        files: ["/d/a.dv", "/d/b.tif"],
        missing: [],
        reasons: [],
        closed: true,
      },
    ]);
    expect(s.ignored).toEqual([{ path: "/d/c.tif", reason: NO_READER_REASON }]);
    expect(s.rest.map((c) => c.path)).toEqual(["/d/a.dv.log"]);
    expect(s.leftOut).toEqual(new Map([["/d/a.dv.log", "/d/a.dv"]]));
    expect(
      settleLeftOut(
        [
          { path: "/d/a.dv.log", reason: "waits for its entry" },
          { path: "/d/other", reason: "waits" },
        ],
        s.leftOut,
      ),
    ).toEqual({
      pending: [{ path: "/d/other", reason: "waits" }],
      ignored: [{ path: "/d/a.dv.log", reason: leftOutReason("/d/a.dv") }],
    });
  });
  it("two pins naming one file: the first entry wins", () => {
    const s = splitByPins(
      input,
      [
        { entry: "/d/b.tif", reader: "R", files: ["/d/a.dv", "/d/b.tif"] },
        { entry: "/d/a.dv", reader: "R", files: ["/d/a.dv", "/d/b.tif"] },
      ],
      old,
    );
    expect(s.plans.map((p) => [p.entry, p.files])).toEqual([["/d/a.dv", ["/d/a.dv", "/d/b.tif"]]]);
  });
});

describe("pinsForFileset", () => {
  it("the same files: no difference, one pin", () => {
    expect(
      pinsForFileset("/d/a.dv", ["/d/a.dv", "/d/a.dv.log"], [{ reader: "DV", files: ["/d/a.dv", "/d/a.dv.log"] }]),
    ).toEqual({
      pins: [{ entry: "/d/a.dv", reader: "DV", files: ["/d/a.dv", "/d/a.dv.log"] }],
      difference: null,
    });
  });
  it("a split, a member made nothing of, and the words for both", () => {
    const r = pinsForFileset(
      "/d/a.dv",
      ["/d/a.dv", "/d/a.dv.log", "/d/t.tif"],
      [
        { reader: "DV", files: ["/d/a.dv"] },
        { reader: "Text", files: ["/d/a.dv.log"] },
        { reader: "X", files: ["/elsewhere"] },
      ],
    );
    expect(r.pins).toEqual([
      { entry: "/d/a.dv", reader: "DV", files: ["/d/a.dv"] },
      { entry: "/d/a.dv.log", reader: "Text", files: ["/d/a.dv.log"] },
      { entry: "/d/t.tif", reader: null, files: [] },
    ]);
    expect(r.difference).toBe(
      "OMERO's importer (omero import -f) makes a fileset of 1 file(s) of /d/a.dv (DV): /d/a.dv; omero-fs grouped 3: /d/a.dv, /d/a.dv.log, /d/t.tif. Following OMERO: /d/a.dv.log, /d/t.tif go back to grouping; OMERO's importer makes 1 more fileset(s) of them: /d/a.dv.log (1 file(s)); it makes nothing of /d/t.tif (ignored)",
    );
  });
  it("no group holds the entry", () => {
    expect(describeDifference("/d/r.csv", ["/d/r.csv"], { entry: "/d/r.csv", reader: null, files: [] })).toMatch(
      /^OMERO's importer makes no fileset of \/d\/r\.csv/,
    );
  });
});
