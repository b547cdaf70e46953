import { applyGrouping, type ExistingFileset } from "./filesets";

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
  it("an incomplete plan leaves its files pending, not imported half", () => {
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
    expect(ops.upserts).toEqual([]);
    expect(ops.files.get("/u/a.hdr")).toEqual({
      state: "pending",
      reason: "incomplete fileset: a.img: pixel data of the header a.hdr",
    });
  });
  it("records ignored files with the reason", () => {
    const ops = applyGrouping(
      { filesets: [], ignored: [{ path: "/u/n.txt", reason: "no reader" }], pending: [] },
      new Map([["/u/n.txt", null]]),
      new Map(),
    );
    expect(ops.files.get("/u/n.txt")).toEqual({ state: "ignored", reason: "no reader" });
  });
});
