/**
 * Files two filesets share (issue 18): one owner in files.fileset, the other membership in
 * fileset_shared. Readiness sees the shared member in both, queueing snapshots it, the importer gets it.
 */
import { applyGrouping } from "../core/filesets";
import { Ledger } from "./index";

const R = "loci.formats.in.DeltavisionReader";
const stat = { size: 10, mtimeMs: 1000, dev: 1, ino: 7 };
const raw = "/w/amy/cells.dv";
const log = "/w/amy/cells.dv.log";
const d3d = "/w/amy/cells_D3D.dv";

function setUp() {
  const l = Ledger.open(":memory:");
  for (const p of [raw, log, d3d])
    l.files.recordNew({ path: p, watch: 0, user: "amy", stat, state: "pending", reason: null, fileset: null }, 5);
  const ids = new Map([raw, log, d3d].map((p) => [p, l.files.byPath(p)!.id]));
  const grouping = {
    filesets: [
      { key: raw, reader: R, entry: raw, files: [raw, log], missing: [] },
      { key: d3d, reader: R, entry: d3d, files: [d3d], shared: [log], missing: [] },
    ],
    ignored: [],
    pending: [],
  };
  const current = new Map<string, number | null>([raw, log, d3d].map((p) => [p, null]));
  const ops = applyGrouping(grouping, current, new Map());
  const [a, b] = l.filesets.applyMembership(0, "amy", ops, ids, "local", 10);
  return { l, a: a!, b: b!, grouping, ids };
}

describe("shared files in the ledger", () => {
  it("one owner; the other fileset lists it as shared, readiness sees it in both", () => {
    const { l, a, b } = setUp();
    expect(l.files.byPath(log)?.fileset).toBe(a);
    expect(l.filesets.sharedPaths(b)).toEqual([log]);
    expect(l.filesets.sharedBy(log)).toEqual([b]);
    expect(l.filesets.memberPaths(b)).toEqual([d3d, log]);
    expect(l.filesets.members(b).map((m) => m.path)).toEqual([d3d, log].sort());
    const page = l.filesets.waitingFilesets(0, 0, 10);
    expect(page.map((f) => [f.id, f.members.map((m) => m.path).sort()])).toEqual([
      [a, [raw, log]],
      [b, [d3d, log].sort()],
    ]);
    expect(
      l.filesets
        .waitingById([b])[0]
        ?.members.map((m) => m.path)
        .sort(),
    ).toEqual([d3d, log].sort());
    l.close();
  });

  it("queued with the shared member in its snapshot (the importer gets it, checked before the run)", () => {
    const { l, b } = setUp();
    expect(l.filesets.markQueued(b, l.filesets.members(b), 20)).toBe(true);
    expect(l.filesets.memberPaths(b)).toEqual([d3d, log]);
    expect(l.filesets.snapshotOf(b).map((m) => m.path)).toEqual([d3d, log]);
    l.close();
  });

  it("regrouped the same: unchanged, also once queued; a shared member gone: changed", () => {
    const { l, a, b, grouping } = setUp();
    l.filesets.markQueued(b, l.filesets.members(b), 20);
    const existing = new Map([a, b].map((id) => [id, l.filesets.asExisting(l.filesets.get(id)!)]));
    const current = new Map<string, number | null>([
      [raw, a],
      [log, a],
      [d3d, b],
    ]);
    const same = applyGrouping(grouping, current, existing);
    expect(same.upserts.map((u) => [u.id, u.changed, u.shared])).toEqual([
      [a, false, undefined],
      [b, false, [log]],
    ]);
    const without = applyGrouping(
      { ...grouping, filesets: [grouping.filesets[0]!, { ...grouping.filesets[1]!, shared: [] }] },
      current,
      existing,
    );
    expect(without.upserts[1]).toMatchObject({ id: b, changed: true, unqueue: true });
    l.close();
  });

  it("a cancelled fileset leaves no shared rows", () => {
    const { l, b, ids } = setUp();
    l.filesets.applyMembership(0, "amy", { upserts: [], cancelled: [b], files: new Map() }, ids, "local", 30);
    expect(l.filesets.sharedBy(log)).toEqual([]);
    l.close();
  });
});
