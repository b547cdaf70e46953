import { applyGrouping, type ExistingFileset, presentOf } from "./filesets";

const plan = (entry: string, files: string[], missing: string[] = []) => ({
  key: entry,
  reader: "loci.formats.in.ICSReader",
  entry,
  files,
  missing,
});

describe("applyGrouping", () => {
  it("creates a fileset for a new complete plan", () => {
    const ops = applyGrouping(
      { filesets: [plan("/u/x.ics", ["/u/x.ics", "/u/x.ids"])], ignored: [], pending: [] },
      new Map([
        ["/u/x.ics", null],
        ["/u/x.ids", null],
      ]),
      new Map(),
    );
    expect(ops.upserts).toEqual([
      {
        id: null,
        key: "/u/x.ics",
        entry: "/u/x.ics",
        reader: "loci.formats.in.ICSReader",
        files: ["/u/x.ics", "/u/x.ids"],
        changed: true,
        missing: [],
      },
    ]);
    expect(ops.files.get("/u/x.ids")).toEqual({ state: "grouped", upsert: 0 });
  });
  it("keeps the id of an unchanged fileset", () => {
    const existing = new Map<number, ExistingFileset>([
      [7, { id: 7, entry: "/u/a.czi", reader: "loci.formats.in.ICSReader", files: ["/u/a.czi"] }],
    ]);
    const ops = applyGrouping(
      { filesets: [plan("/u/a.czi", ["/u/a.czi"])], ignored: [], pending: [] },
      new Map([["/u/a.czi", 7]]),
      existing,
    );
    expect(ops.upserts[0]).toMatchObject({ id: 7, changed: false });
    expect(ops.cancelled).toEqual([]);
  });
  it("a companion that arrived first is pending with the reason, then joins its entry's fileset", () => {
    const first = applyGrouping(
      { filesets: [], ignored: [], pending: [{ path: "/u/x.ids", reason: "waits for its entry file /u/x.ics" }] },
      new Map([["/u/x.ids", null]]),
      new Map(),
    );
    expect(first.files.get("/u/x.ids")).toEqual({ state: "pending", reason: "waits for its entry file /u/x.ics" });
  });
  it("merges two waiting filesets into the older one and cancels the other (no steal)", () => {
    const existing = new Map<number, ExistingFileset>([
      [3, { id: 3, entry: "/u/f1", reader: "r", files: ["/u/f1", "/u/f3"] }],
      [5, { id: 5, entry: "/u/f2", reader: "r", files: ["/u/f2"] }],
    ]);
    const ops = applyGrouping(
      { filesets: [plan("/u/f1", ["/u/f1", "/u/f2", "/u/f3"])], ignored: [], pending: [] },
      new Map([
        ["/u/f1", 3],
        ["/u/f2", 5],
        ["/u/f3", 3],
      ]),
      existing,
    );
    expect(ops.upserts).toHaveLength(1);
    expect(ops.upserts[0]).toMatchObject({ id: 3, changed: true });
    expect(ops.cancelled).toEqual([5]);
    const states = [...ops.files.values()];
    expect(states.every((s) => s.state === "grouped" && s.upsert === 0)).toBe(true);
  });
  it("cancels a waiting fileset whose files were all deleted, and shrinks one that lost a member", () => {
    const existing = new Map<number, ExistingFileset>([
      [1, { id: 1, entry: "/u/a.dv", reader: "r", files: ["/u/a.dv", "/u/a.dv.log"] }],
      [2, { id: 2, entry: "/u/b.czi", reader: "r", files: ["/u/b.czi"] }],
    ]);
    const ops = applyGrouping(
      { filesets: [plan("/u/a.dv", ["/u/a.dv"])], ignored: [], pending: [] },
      new Map([["/u/a.dv", 1]]),
      existing,
    );
    expect(ops.upserts[0]).toMatchObject({ id: 1, changed: true, files: ["/u/a.dv"] });
    expect(ops.cancelled).toEqual([2]);
  });
  it("an incomplete plan is held whole: a waiting fileset with its missing members, never imported half", () => {
    const ops = applyGrouping(
      {
        filesets: [
          { ...plan("/u/a.hdr", ["/u/a.hdr"], ["/u/a.img"]), reasons: ["a.img: pixel data of the header a.hdr"] },
        ],
        ignored: [],
        pending: [],
      },
      new Map([["/u/a.hdr", null]]),
      new Map(),
    );
    expect(ops.upserts).toEqual([
      expect.objectContaining({ id: null, entry: "/u/a.hdr", files: ["/u/a.hdr"], missing: ["/u/a.img"] }),
    ]);
    expect(ops.files.get("/u/a.hdr")).toEqual({ state: "grouped", upsert: 0 });
  });
  it("records ignored files with the reason", () => {
    const ops = applyGrouping(
      { filesets: [], ignored: [{ path: "/u/n.txt", reason: "no reader" }], pending: [] },
      new Map([["/u/n.txt", null]]),
      new Map(),
    );
    expect(ops.files.get("/u/n.txt")).toEqual({ state: "ignored", reason: "no reader" });
  });
  it("a late companion joins a queued fileset, which goes back to waiting", () => {
    const existing = new Map<number, ExistingFileset>([
      [5, { id: 5, entry: "/u/x.dv", reader: "R", files: ["/u/x.dv"], state: "queued" }],
    ]);
    const ops = applyGrouping(
      {
        filesets: [{ key: "/u/x.dv", reader: "R", entry: "/u/x.dv", files: ["/u/x.dv", "/u/x.dv.log"], missing: [] }],
        ignored: [],
        pending: [],
      },
      new Map([
        ["/u/x.dv", 5],
        ["/u/x.dv.log", null],
      ]),
      existing,
    );
    expect(ops.upserts).toEqual([
      {
        id: 5,
        key: "/u/x.dv",
        entry: "/u/x.dv",
        reader: "R",
        files: ["/u/x.dv", "/u/x.dv.log"],
        changed: true,
        missing: [],
        unqueue: true,
      },
    ]);
    expect(ops.files.get("/u/x.dv.log")).toEqual({ state: "grouped", upsert: 0 });
    expect(ops.cancelled).toEqual([]);
  });
  it("an unchanged queued fileset stays queued", () => {
    const existing = new Map<number, ExistingFileset>([
      [5, { id: 5, entry: "/u/a.dv", reader: "R", files: ["/u/a.dv"], state: "queued" }],
    ]);
    const ops = applyGrouping(
      {
        filesets: [{ key: "/u/a.dv", reader: "R", entry: "/u/a.dv", files: ["/u/a.dv"], missing: [] }],
        ignored: [],
        pending: [],
      },
      new Map([["/u/a.dv", 5]]),
      existing,
    );
    expect(ops.upserts[0]).toMatchObject({ id: 5, changed: false });
    expect(ops.upserts[0]!.unqueue).toBeUndefined();
  });
  it("metadata.txt after its TIFFs: the lone-TIFF filesets (waiting or queued) dissolve into the oldest", () => {
    const existing = new Map<number, ExistingFileset>([
      [3, { id: 3, entry: "/u/mm/img_000.tif", reader: "T", files: ["/u/mm/img_000.tif"], state: "queued" }],
      [4, { id: 4, entry: "/u/mm/img_001.tif", reader: "T", files: ["/u/mm/img_001.tif"] }],
    ]);
    const files = ["/u/mm/metadata.txt", "/u/mm/img_000.tif", "/u/mm/img_001.tif"];
    const ops = applyGrouping(
      { filesets: [{ key: "mm", reader: "MM", entry: files[0]!, files, missing: [] }], ignored: [], pending: [] },
      new Map<string, number | null>([
        ["/u/mm/metadata.txt", null],
        ["/u/mm/img_000.tif", 3],
        ["/u/mm/img_001.tif", 4],
      ]),
      existing,
    );
    expect(ops.upserts).toEqual([
      { id: 3, key: "mm", entry: files[0], reader: "MM", files, changed: true, unqueue: true, missing: [] },
    ]);
    expect(ops.cancelled).toEqual([4]);
  });
  it("a late member of an imported fileset: listed with the fileset, not imported (log, ignore)", () => {
    const g = {
      filesets: [{ key: "/u/x.dv", reader: "R", entry: "/u/x.dv", files: ["/u/x.dv", "/u/x.dv.log"], missing: [] }],
      ignored: [],
      pending: [],
    };
    const cur = new Map<string, number | null>([["/u/x.dv.log", null]]);
    const imported = new Map([["/u/x.dv", 9]]);
    const ops = applyGrouping(g, cur, new Map(), imported, "log");
    expect(ops.upserts).toEqual([]);
    expect(ops.files.get("/u/x.dv.log")).toEqual({
      state: "late",
      fileset: 9,
      reason:
        "late, after import of fileset 9: not imported (omero.fs.changedAfterImport=log; set it to reimport to import the fileset again with it)",
      log: true,
    });
    expect(ops.files.has("/u/x.dv")).toBe(false);
    expect(applyGrouping(g, cur, new Map(), imported, "ignore").files.get("/u/x.dv.log")).toMatchObject({
      state: "late",
      log: false,
    });
  });
  it("a late member with changedAfterImport=reimport: a new fileset takes the imported files again", () => {
    const g = {
      filesets: [{ key: "/u/x.dv", reader: "R", entry: "/u/x.dv", files: ["/u/x.dv", "/u/x.dv.log"], missing: [] }],
      ignored: [],
      pending: [],
    };
    const ops = applyGrouping(g, new Map([["/u/x.dv.log", null]]), new Map(), new Map([["/u/x.dv", 9]]), "reimport");
    expect(ops.upserts).toEqual([
      {
        id: null,
        key: "/u/x.dv",
        entry: "/u/x.dv",
        reader: "R",
        files: ["/u/x.dv", "/u/x.dv.log"],
        changed: true,
        missing: [],
        reimports: new Map([["/u/x.dv", 9]]),
      },
    ]);
    expect(ops.files.get("/u/x.dv")).toEqual({ state: "grouped", upsert: 0 });
  });
  it("a fileset entirely imported already is left alone", () => {
    const g = {
      filesets: [{ key: "/u/a.dv", reader: "R", entry: "/u/a.dv", files: ["/u/a.dv"], missing: [] }],
      ignored: [],
      pending: [],
    };
    const ops = applyGrouping(g, new Map(), new Map(), new Map([["/u/a.dv", 2]]), "reimport");
    expect(ops.upserts).toEqual([]);
    expect(ops.files.size).toBe(0);
  });
});

describe("applyGrouping: entries that list their members (plates)", () => {
  const htd = "/u/p/P1.HTD";
  const a1 = "/u/p/P1_A01_s1_w1.TIF";
  const a2 = "/u/p/P1_A02_s1_w1.TIF";
  const platePlan = (files: string[], missing: string[]) => ({
    key: htd,
    reader: "loci.formats.in.MetaxpressTiffReader",
    entry: htd,
    files,
    missing,
    expected: [htd, a1, a2],
  });
  it("a plate with images missing is a waiting fileset that carries what is missing, never pending files", () => {
    const ops = applyGrouping(
      { filesets: [platePlan([htd, a1], [a2])], ignored: [], pending: [] },
      new Map([
        [htd, null],
        [a1, null],
      ]),
      new Map(),
    );
    expect(ops.upserts).toMatchObject([{ id: null, entry: htd, files: [htd, a1], missing: [a2], changed: true }]);
    expect(ops.files.get(a1)).toEqual({ state: "grouped", upsert: 0 });
  });
  it("a late image of an incomplete plate moves it back to waiting; an unchanged regroup leaves it incomplete", () => {
    const existing = new Map<number, ExistingFileset>([
      [4, { id: 4, entry: htd, reader: "loci.formats.in.MetaxpressTiffReader", files: [htd, a1], state: "incomplete" }],
    ]);
    const same = applyGrouping(
      { filesets: [platePlan([htd, a1], [a2])], ignored: [], pending: [] },
      new Map([
        [htd, 4],
        [a1, 4],
      ]),
      existing,
    );
    expect(same.upserts[0]).toMatchObject({ id: 4, changed: false });
    expect(same.upserts[0]!.reopen).toBeUndefined();
    const late = applyGrouping(
      { filesets: [platePlan([htd, a1, a2], [])], ignored: [], pending: [] },
      new Map([
        [htd, 4],
        [a1, 4],
        [a2, null],
      ]),
      existing,
    );
    expect(late.upserts[0]).toMatchObject({ id: 4, changed: true, reopen: true, missing: [] });
  });
  it("a plan missing files its entry does not list (ICS 1 without .ids) is held whole too", () => {
    const ops = applyGrouping(
      { filesets: [plan("/u/x.ics", ["/u/x.ics"], ["/u/x.ids"])], ignored: [], pending: [] },
      new Map([["/u/x.ics", null]]),
      new Map(),
    );
    expect(ops.upserts.map((u) => [u.entry, u.missing])).toEqual([["/u/x.ics", ["/u/x.ids"]]]);
    expect(ops.files.get("/u/x.ics")).toEqual({ state: "grouped", upsert: 0 });
  });
});

describe("presentOf", () => {
  test("counts present members and names the first missing ones", () => {
    expect(presentOf(37, ["/d/a.tif", "/d/b.tif", "/d/c.tif"], "/d/metadata.txt")).toBe(
      "37 of 40 present; missing: a.tif, b.tif, c.tif (entry /d/metadata.txt)",
    );
    const many = Array.from({ length: 12 }, (_, i) => `/d/p${i}.tif`);
    expect(presentOf(1, many, "/d/x.nd")).toMatch(/^1 of 13 present; missing: p0\.tif, .*p9\.tif and 2 more \(entry/);
  });
});
