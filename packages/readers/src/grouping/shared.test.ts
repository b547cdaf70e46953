/**
 * Files two Bio-Formats filesets share (issue 18, "Elsewhere"): one owner's `files`, the others' `shared`.
 * Literal inputs through groupFilesets.
 */
import { metaxpressPlate, toCandidates } from "../__fixtures__/hcs";
import { defaultCatalogue } from "../catalogue";
import type { CandidateFile, GroupingResult } from "../types";
import { groupFilesets } from "./group";
import { allMembers } from "./shared";

function text(path: string, body: string | Buffer): CandidateFile {
  const head = Buffer.isBuffer(body) ? body : Buffer.from(body, "latin1");
  return { path, size: head.length, probe: { head } };
}
const dv = (path: string) => {
  const b = Buffer.alloc(1040);
  b.writeInt32LE(4, 0);
  b.writeInt32LE(4, 4);
  b.writeInt32LE(1, 8);
  b.writeInt16LE(-16224, 96);
  return text(path, b);
};

/** Every input path is in exactly one fileset's `files`, ignored or pending; `shared` only names owned paths. */
function group(files: CandidateFile[]): GroupingResult {
  const res = groupFilesets(files, defaultCatalogue());
  const owned = res.filesets.flatMap((f) => f.files);
  const placed = [...owned, ...res.ignored.map((i) => i.path), ...res.pending.map((p) => p.path)];
  expect(placed.sort()).toEqual(files.map((f) => f.path).sort());
  for (const f of res.filesets) for (const s of f.shared ?? []) expect(owned).toContain(s);
  return res;
}
const setOf = (res: GroupingResult, entry: string) => res.filesets.find((f) => f.entry === entry);

describe("DeltaVision: a raw image and its deconvolution share x.dv.log", () => {
  it("x.dv owns it, x_D3D.dv shares it; the importer gets it with both", () => {
    const res = group([dv("/v/cells.dv"), dv("/v/cells_D3D.dv"), text("/v/cells.dv.log", "raw")]);
    expect(setOf(res, "/v/cells.dv")).toMatchObject({ files: ["/v/cells.dv", "/v/cells.dv.log"] });
    expect(setOf(res, "/v/cells.dv")?.shared).toBeUndefined();
    expect(setOf(res, "/v/cells_D3D.dv")).toMatchObject({ files: ["/v/cells_D3D.dv"], shared: ["/v/cells.dv.log"] });
    expect(allMembers(setOf(res, "/v/cells_D3D.dv")!)).toEqual(["/v/cells_D3D.dv", "/v/cells.dv.log"]);
  });

  it("with its own deconvolution log too", () => {
    const res = group([
      dv("/v/cells.dv"),
      dv("/v/cells_D3D.dv"),
      text("/v/cells.dv.log", "raw"),
      text("/v/cells_D3D_log.txt", "dec"),
    ]);
    expect(setOf(res, "/v/cells_D3D.dv")).toMatchObject({
      files: ["/v/cells_D3D.dv", "/v/cells_D3D_log.txt"],
      shared: ["/v/cells.dv.log"],
    });
  });

  it("the raw image not DeltaVision (content refused): the log has no owner, the deconvolved image takes it", () => {
    const res = group([text("/v/cells.dv", "not a dv"), dv("/v/cells_D3D.dv"), text("/v/cells.dv.log", "raw")]);
    expect(res.filesets.map((f) => [f.entry, f.files, f.shared])).toEqual([
      ["/v/cells_D3D.dv", ["/v/cells_D3D.dv", "/v/cells.dv.log"], undefined],
    ]);
  });
});

describe("MetaXpress: each plate of a folder uses every _thumb file", () => {
  it("two plates with thumbnails: each owns its own and shares the other's", () => {
    const a = metaxpressPlate({ plate: "plateA", wells: ["A01", "A02"], thumbnails: true });
    const b = metaxpressPlate({ plate: "plateB", wells: ["A01"], thumbnails: true });
    const res = group([...toCandidates(a.files, "/s"), ...toCandidates(b.files, "/s")]);
    const pa = setOf(res, "/s/plateA.HTD")!;
    const pb = setOf(res, "/s/plateB.HTD")!;
    expect(pa.files.filter((f) => f.includes("_thumb"))).toEqual([
      "/s/plateA_A01_w1_thumb7F1D2A3B.TIF",
      "/s/plateA_A02_w1_thumb7F1D2A3B.TIF",
    ]);
    expect(pa.shared).toEqual(["/s/plateB_A01_w1_thumb7F1D2A3B.TIF"]);
    expect(pb.shared).toEqual(["/s/plateA_A01_w1_thumb7F1D2A3B.TIF", "/s/plateA_A02_w1_thumb7F1D2A3B.TIF"]);
  });

  it("one plate: nothing shared", () => {
    const a = metaxpressPlate({ plate: "plateA", wells: ["A01"], thumbnails: true });
    expect(group(toCandidates(a.files, "/s")).filesets[0]?.shared).toBeUndefined();
  });
});
