import { groupingDebounceMs, groupingDueAt } from "./batching";
import { missingText, readinessOf, stability } from "./readiness";

const done = { openForWriteBy: null, structure: { state: "complete" as const } };
const m = (path: string, lastEventMs: number) => ({ path, size: 1, mtimeMs: 1, lastEventMs, ...done });
const fs1 = { id: 1, missing: [] };

describe("readiness", () => {
  it("is ready quietMs after the last member event", () => {
    expect(readinessOf(fs1, [m("/a", 1000)], 1499, { quietMs: 500, settleMs: 0 })).toMatchObject({
      ready: false,
      at: 1500,
    });
    expect(readinessOf(fs1, [m("/a", 1000)], 1500, { quietMs: 500, settleMs: 0 })).toEqual({
      ready: true,
      at: 1500,
      waitingFor: "",
    });
  });
  it("a later event on any member restarts the wait, and says which", () => {
    const r = readinessOf(fs1, [m("/a", 1000), m("/b", 1400)], 1600, { quietMs: 500, settleMs: 0 });
    expect(r).toEqual({ ready: false, at: 1900, waitingFor: "quiet period: 300 ms more without an event on /b" });
    expect(readinessOf(fs1, [m("/a", 1000), m("/b", 1400)], 1900, { quietMs: 500, settleMs: 0 }).ready).toBe(true);
  });
  it("never readies a set with something missing, or with no member", () => {
    expect(readinessOf({ id: 1, missing: ["/x.ids"] }, [m("/x.ics", 0)], 1e7, { quietMs: 0, settleMs: 0 })).toEqual({
      ready: false,
      at: 86_400_000,
      waitingFor: "1 of 2 present; missing: x.ids",
    });
    expect(readinessOf(fs1, [], 1e9, { quietMs: 0, settleMs: 0 }).ready).toBe(false);
  });
  it("groups after a debounce, or at once when fileBatch paths wait", () => {
    expect(groupingDebounceMs(60_000)).toBe(1000);
    expect(groupingDebounceMs(200)).toBe(50);
    expect(groupingDebounceMs(0)).toBe(20);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 3 }, { quietMs: 1000, fileBatch: 10 })).toBe(350);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 10 }, { quietMs: 1000, fileBatch: 10 })).toBe(100);
    // A costly last run (a 6,000-file plate folder: 100 ms) spaces the next by 9 x its cost, at most 1 s.
    const cfg = { quietMs: 60_000, fileBatch: 10 };
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 10 }, cfg, { endMs: 50, costMs: 100 })).toBe(950);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 10 }, cfg, { endMs: 50, costMs: 5000 })).toBe(1050);
    expect(groupingDueAt({ firstDirtyMs: 100, dirtyPaths: 10 }, cfg, { endMs: 50, costMs: 0 })).toBe(100);
  });
  it("re-stat verdicts: stable, changed, missing", () => {
    const rec = { size: 10, mtimeMs: 5 };
    expect(stability([{ recorded: rec, now: { size: 10, mtimeMs: 5 } }])).toBe("stable");
    expect(stability([{ recorded: rec, now: { size: 11, mtimeMs: 5 } }])).toBe("changed");
    expect(stability([{ recorded: rec, now: { size: 10, mtimeMs: 6 } }])).toBe("changed");
    expect(
      stability([
        { recorded: rec, now: { size: 11, mtimeMs: 5 } },
        { recorded: rec, now: null },
      ]),
    ).toBe("missing");
  });
});

describe("readiness: whole and finished (issue 9)", () => {
  const q = { quietMs: 60_000, settleMs: 2000, companionWaitMs: 600_000 };
  const T = 1_000_000;
  it("a proven-complete (closed) set is ready settleMs after its last change, not dirImportWait", () => {
    const f = { id: 1, missing: [], closed: true };
    expect(readinessOf(f, [m("/a.ome.tif", T)], T + 1999, q)).toMatchObject({ ready: false, at: T + 2000 });
    expect(readinessOf(f, [m("/a.ome.tif", T)], T + 2000, q)).toMatchObject({
      ready: true,
      at: T + 2000,
      proven: true,
    });
  });
  it("importWhenComplete=false keeps dirImportWait for a closed set", () => {
    const f = { id: 1, missing: [], closed: true };
    const o = { ...q, importWhenComplete: false };
    expect(readinessOf(f, [m("/a", T)], T + 2000, o)).toMatchObject({ ready: false, at: T + 60_000 });
    expect(readinessOf(f, [m("/a", T)], T + 60_000, o).ready).toBe(true);
  });
  it("a completeMarker proves it complete too", () => {
    expect(readinessOf({ id: 1, missing: [], marker: true }, [m("/a.tif", T)], T + 2000, q).ready).toBe(true);
    expect(readinessOf({ id: 1, missing: [] }, [m("/a.tif", T)], T + 2000, q)).toMatchObject({
      ready: false,
      at: T + 60_000,
    });
  });
  it("settle time counts from the last size/mtime change, not only the last event", () => {
    const mm = { ...m("/a", T), lastChangeMs: T + 5000 };
    expect(readinessOf({ id: 1, missing: [], closed: true }, [mm], T + 6000, q)).toMatchObject({
      ready: false,
      at: T + 7000,
    });
    const o = { ...q, quietMs: 1000 };
    expect(readinessOf({ id: 1, missing: [] }, [mm], T + 6000, o)).toMatchObject({ ready: false, at: T + 7000 });
    expect(readinessOf({ id: 1, missing: [] }, [mm], T + 7000, o).ready).toBe(true);
  });
  it("says how many of the expected members are present and names the missing", () => {
    const f = { id: 1, missing: ["/d/a.tif", "/d/b.tif", "/d/c.tif"], expectedCount: 40 };
    expect(readinessOf(f, [m("/d/metadata.txt", T)], T + 1e6, q)).toEqual({
      ready: false,
      at: T + 86_400_000,
      waitingFor: "37 of 40 present; missing: a.tif, b.tif, c.tif",
    });
    const many = { id: 1, missing: ["1", "2", "3", "4", "5", "6", "7"].map((x) => `/d/${x}`) };
    expect(readinessOf(many, [m("/d/x", T)], T, q).waitingFor).toBe(
      "1 of 8 present; missing: 1, 2, 3, 4, 5 and 2 more",
    );
  });
  it("asks for the costly checks only once the timing has passed", () => {
    const raw = { path: "/a", size: 1, mtimeMs: 1, lastEventMs: T };
    expect(readinessOf({ id: 1, missing: [] }, [raw], T + 100, q)).toMatchObject({ ready: false, at: T + 60_000 });
    expect(readinessOf({ id: 1, missing: [] }, [raw], T + 60_000, q)).toMatchObject({
      ready: false,
      at: T + 60_000,
      check: true,
    });
    expect(readinessOf({ id: 1, missing: [] }, [{ ...raw, openForWriteBy: null }], T + 60_000, q).check).toBe(true);
  });
  it("a file open for writing waits, past dirImportWait, and is looked at again every settleMs", () => {
    const w = { ...m("/d/big.ome.tif", T), openForWriteBy: { pid: 4242, command: "cp" } };
    expect(readinessOf({ id: 1, missing: [] }, [m("/d/x", T), w], T + 120_000, q)).toEqual({
      ready: false,
      at: T + 122_000,
      waitingFor: "big.ome.tif still open for writing by pid 4242 (cp)",
    });
    const nocmd = { ...w, openForWriteBy: { pid: 7 } };
    expect(readinessOf({ id: 1, missing: [] }, [nocmd], T + 120_000, q).waitingFor).toBe(
      "big.ome.tif still open for writing by pid 7",
    );
  });
  it("a structurally incomplete file waits with its reason; unknown structure does not block", () => {
    const t = {
      ...m("/d/a.tif", T),
      structure: { state: "incomplete" as const, reason: "TIFF truncated: strip 12 ends at byte 900 of 800" },
    };
    expect(readinessOf({ id: 1, missing: [], closed: true }, [t], T + 3000, q)).toMatchObject({
      ready: false,
      at: T + 86_400_000,
      waitingFor: "a.tif: TIFF truncated: strip 12 ends at byte 900 of 800",
    });
    const u = { ...m("/d/a.lif", T), structure: { state: "unknown" as const } };
    expect(readinessOf({ id: 1, missing: [] }, [u], T + 60_000, q).ready).toBe(true);
  });
  it("a hold waits companionWait from first sight, then imports as what it is with a warning", () => {
    const hold = "Micro-Manager TIFF (tag 51123): img_000.tif may belong to a metadata.txt not here yet";
    const f = { id: 1, missing: [], hold, firstSeenMs: 0 };
    const r = readinessOf(f, [m("/d/img_000.tif", 1000)], 100_000, q);
    expect(r).toEqual({
      ready: false,
      at: 600_000,
      waitingFor: `${hold}; imported as what it is at 00:10 UTC (omero.fs.companionWait)`,
    });
    const late = readinessOf(f, [m("/d/img_000.tif", 1000)], 600_000, q);
    expect(late.ready).toBe(true);
    expect(late.warning).toBe(`${hold}; none came within omero.fs.companionWait, imported as what it is`);
  });
  it("a hold still needs its quiet period after companionWait; a proven set ignores the hold", () => {
    const f = { id: 1, missing: [], hold: "h", firstSeenMs: 0 };
    expect(readinessOf(f, [m("/a", 590_000)], 600_000, q)).toMatchObject({ ready: false, at: 650_000 });
    expect(readinessOf({ ...f, closed: true }, [m("/a", 1000)], 3000, q).ready).toBe(true);
  });
});

describe("incomplete (omero.fs.incompleteWait) and release", () => {
  const H = 3_600_000;
  const T = 1_000_000;
  const o = { quietMs: 60_000, settleMs: 2000, incompleteWaitMs: 24 * H };
  const plate = { format: "MetaXpress", name: "P1", expectedImages: 1536, presentImages: 1530 };
  const missing = ["/p/P1_P19_s4_w4.TIF", "/p/P1_P20_s4_w4.TIF"];
  const f = { id: 7, missing, missingCount: 6, plate, expectedCount: 1537 };
  const members = [m("/p/P1.HTD", T), m("/p/P1_A01_s1_w1.TIF", T + 5 * H)];
  it("waits from the last arrival, with the plate's counts in the reason", () => {
    expect(readinessOf(f, members, T + 5 * H + 1000, o)).toEqual({
      ready: false,
      at: T + 29 * H,
      waitingFor: "MetaXpress plate P1: 1,530 of 1,536 images; missing: P1_P19_s4_w4.TIF, P1_P20_s4_w4.TIF and 4 more",
    });
    // A pause of 20 hours is not cut: the wait counts from the last file that arrived.
    expect(readinessOf(f, members, T + 25 * H, o).incomplete).toBeUndefined();
  });
  it("is incomplete incompleteWait after the last arrival, naming the release command", () => {
    const r = readinessOf(f, members, T + 29 * H, o);
    expect(r).toMatchObject({ ready: false, at: null, incomplete: true });
    expect(r.waitingFor).toBe(
      "MetaXpress plate P1: 1,530 of 1,536 images; missing: P1_P19_s4_w4.TIF, P1_P20_s4_w4.TIF and 4 more; nothing arrived for 24 h (omero.fs.incompleteWait): not imported half; import it as it is with omero-fs imports release 7",
    );
  });
  it("a late file's arrival restarts the wait", () => {
    const later = [...members, m("/p/P1_P01_s1_w1.TIF", T + 30 * H)];
    expect(readinessOf(f, later, T + 30 * H, o)).toMatchObject({ ready: false, at: T + 54 * H });
  });
  it("released: imported as it is once settled and finished, with no quiet period or hold", () => {
    const r = { ...f, released: true, hold: "x" };
    expect(readinessOf(r, members, T + 5 * H + 1000, o)).toMatchObject({ ready: false, at: T + 5 * H + 2000 });
    expect(readinessOf(r, members, T + 5 * H + 2000, o)).toEqual({ ready: true, at: T + 5 * H + 2000, waitingFor: "" });
    const open = [members[0]!, { ...members[1]!, openForWriteBy: { pid: 9 } }];
    expect(readinessOf(r, open, T + 5 * H + 2000, o).ready).toBe(false);
  });
  it("without a plate: counts of listed members; default wait 24 h", () => {
    expect(missingText({ missing: ["/d/a.tif"], expectedCount: 3 })).toBe("2 of 3 present; missing: a.tif");
    expect(missingText({ missing: [], missingCount: 1200 })).toBe("0 of 1,200 present; missing: 1,200 more");
    expect(readinessOf({ id: 1, missing: ["/d/a"] }, [m("/d/b", 0)], 86_399_999, o).incomplete).toBeUndefined();
    expect(readinessOf({ id: 1, missing: ["/d/a"] }, [m("/d/b", 0)], 86_400_000, { quietMs: 0 }).incomplete).toBe(true);
  });
});

describe("readiness: completeness is proven or it is not (issue 19)", () => {
  const q = { quietMs: 60_000, settleMs: 2000, incompleteWaitMs: 3_600_000 };
  const T = 1_000_000;
  const obs = (path: string, structure: { state: "complete" } | { state: "unknown" }, size = 100) => ({
    path,
    size,
    mtimeMs: 1,
    lastEventMs: T,
    openForWriteBy: null,
    structure,
  });
  const closed = { id: 7, missing: [], closed: true };

  it("closed and every structure check passed: proven, ready settleTime after the last change", () => {
    const r = readinessOf(closed, [obs("/d/a.nd2", { state: "complete" })], T + 2000, q);
    expect(r).toEqual({ ready: true, at: T + 2000, waitingFor: "", proven: true });
  });

  it("closed is a candidate at settleTime before its structure is looked at", () => {
    const unseen = { path: "/d/a.nd2", size: 100, mtimeMs: 1, lastEventMs: T };
    expect(readinessOf(closed, [unseen], T + 2000, q)).toMatchObject({ ready: false, check: true, at: T + 2000 });
  });

  it("closed but its format has no structure check: OMERO's dirImportWait, then ready", () => {
    const u = [obs("/d/a.bmp.raw", { state: "unknown" })];
    expect(readinessOf(closed, u, T + 2000, q)).toEqual({
      ready: false,
      at: T + 60_000,
      waitingFor:
        "quiet period: 58000 ms more without an event on /d/a.bmp.raw (a.bmp.raw: its structure cannot be checked, so OMERO's dirImportWait applies)",
    });
    expect(readinessOf(closed, u, T + 60_000, q)).toEqual({ ready: true, at: T + 60_000, waitingFor: "" });
  });

  it("the completeMarker proves a fileset whatever its formats", () => {
    const r = readinessOf({ id: 7, missing: [], marker: true }, [obs("/d/a.raw", { state: "unknown" })], T + 2000, q);
    expect(r).toMatchObject({ ready: true, proven: true });
  });

  it("an empty file is never imported: it waits for its content, goes incomplete, a release does not import it", () => {
    const e = [obs("/d/a.nd2", { state: "complete" }, 0)];
    expect(readinessOf(closed, e, T + 1e6, q)).toEqual({
      ready: false,
      at: T + 3_600_000,
      waitingFor: "a.nd2: empty file (0 bytes), never imported; waits for its content",
    });
    expect(readinessOf(closed, e, T + 3_600_000, q)).toEqual({
      ready: false,
      at: null,
      incomplete: true,
      waitingFor:
        "a.nd2: empty file (0 bytes), never imported; nothing arrived for 60 min (omero.fs.incompleteWait): copy it again, or delete it",
    });
    expect(readinessOf({ ...closed, released: true }, e, T + 1e8, q).ready).toBe(false);
    // Bio-Formats' FakeReader files are empty by design.
    expect(readinessOf(closed, [obs("/d/x&sizeZ=2.fake", { state: "complete" }, 0)], T + 2000, q).ready).toBe(true);
  });

  it("a file that stays cut goes incomplete after incompleteWait; a release imports it as it is, with a warning", () => {
    const cut = [
      {
        ...obs("/d/a.nd2", { state: "complete" }),
        structure: { state: "incomplete" as const, reason: "ND2 incomplete: no chunk map at its end" },
      },
    ];
    expect(readinessOf(closed, cut, T + 60_000, q)).toEqual({
      ready: false,
      at: T + 3_600_000,
      waitingFor: "a.nd2: ND2 incomplete: no chunk map at its end",
    });
    expect(readinessOf(closed, cut, T + 3_600_000, q)).toEqual({
      ready: false,
      at: null,
      incomplete: true,
      waitingFor:
        "a.nd2: ND2 incomplete: no chunk map at its end; nothing changed for 60 min (omero.fs.incompleteWait): not imported half; copy it again, or import it as it is with omero-fs imports release 7",
    });
    expect(readinessOf({ ...closed, released: true }, cut, T + 3_600_000, q)).toEqual({
      ready: true,
      at: T + 2000,
      waitingFor: "",
      warning: "a.nd2: ND2 incomplete: no chunk map at its end; imported as it is (released by hand)",
    });
  });
});
