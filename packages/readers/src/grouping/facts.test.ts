import { makeTiff } from "../__fixtures__/make-tiff";
import { defaultCatalogue } from "../catalogue";
import { groupFilesets } from "./group";
import type { CandidateFile, FileProbe, GroupingResult } from "../types";

const cat = defaultCatalogue();
const R = (s: string) => `loci.formats.in.${s}`;

function file(path: string, probe?: FileProbe): CandidateFile {
  return { path, size: probe?.head ? probe.head.length : 1000, probe };
}
const text = (path: string, s: string) => file(path, { head: Buffer.from(s, "utf8") });
const tiff = (path: string, opts: { description?: string; tags?: number[] } = {}) =>
  file(path, {
    head: makeTiff({ ifds: [{ width: 4, height: 4, description: opts.description }] }),
    tiffDescription: opts.description ?? null,
    tiffTags: [256, 257, 258, 277, ...(opts.tags ?? [])],
  });

function group(input: (string | CandidateFile)[], whitelist?: string[]): GroupingResult {
  const files = input.map((x) => (typeof x === "string" ? file(x) : x));
  const res = groupFilesets(files, cat, whitelist ? { whitelist } : undefined);
  const placed = [
    ...res.filesets.flatMap((f) => f.files),
    ...res.ignored.map((i) => i.path),
    ...res.pending.map((p) => p.path),
  ];
  expect([...placed].sort()).toEqual(files.map((f) => f.path).sort());
  return res;
}

/** Every arrival order of `files` gives the same answer as all of them at once (grouping is a pure
 * function of the present files); also returns each prefix's result for order-specific checks. */
function allOrders(files: CandidateFile[], f: (res: GroupingResult, present: CandidateFile[]) => void): void {
  const perms = (xs: CandidateFile[]): CandidateFile[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  for (const order of perms(files)) {
    for (let n = 1; n <= order.length; n++) f(group(order.slice(0, n)), order.slice(0, n));
  }
}

const omeXml = (files: string[]) =>
  `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" SizeX="4" SizeY="4" SizeZ="${Math.max(1, files.length)}" SizeC="1" SizeT="1" Type="uint8">${files
    .map((f, i) => `<TiffData IFD="0" FirstZ="${i}"><UUID FileName="${f}">urn:uuid:${i}</UUID></TiffData>`)
    .join("")}</Pixels></Image></OME>`;
const mmMeta = (names: string[]) =>
  JSON.stringify({
    Summary: { MicroManagerVersion: "1.4.23", Prefix: "img" },
    ...Object.fromEntries(names.map((n, i) => [`FrameKey-${i}-0-0`, { FileName: n }])),
  });

describe("Micro-Manager", () => {
  const names = ["img_000000000_DAPI_000.tif", "img_000000001_DAPI_000.tif"];
  const meta = text("/mm/metadata.txt", mmMeta(names));
  const tiffs = names.map((n) => tiff(`/mm/${n}`, { tags: [51123] }));

  it("TIFFs + metadata.txt form one fileset in any arrival order; TIFFs alone are held", () => {
    allOrders([meta, ...tiffs], (res, present) => {
      if (present.includes(meta)) {
        expect(res.filesets).toHaveLength(1);
        const s = res.filesets[0]!;
        expect([s.reader, s.entry, s.files.length]).toEqual([
          R("MicromanagerReader"),
          "/mm/metadata.txt",
          present.length,
        ]);
        expect(s.expected).toEqual(names.map((n) => `/mm/${n}`));
        expect(s.closed).toBe(true);
        expect(s.hold).toBeUndefined();
        expect(s.missing).toHaveLength(2 - (present.length - 1));
      } else {
        for (const s of res.filesets) {
          expect(s.hold).toMatch(
            /^Micro-Manager TIFF \(tag 51123\): img_.* may belong to a metadata.txt not here yet$/,
          );
          expect(s.closed).toBeUndefined();
        }
      }
    });
  });

  it("is not closed while metadata.txt is still being written (not yet whole JSON), or for Pos_* positions", () => {
    const partial = text("/mm/metadata.txt", mmMeta(names).slice(0, -10));
    const res = group([partial, ...tiffs]);
    expect(res.filesets[0]!.closed).toBeUndefined();
    const pos = group([text("/p/Pos_0/metadata.txt", mmMeta(["a.tif"])), tiff("/p/Pos_0/a.tif")]);
    expect(pos.filesets[0]!.closed).toBeUndefined();
    expect(pos.filesets[0]!.expected).toEqual(["/p/Pos_0/a.tif"]);
  });

  it("a TIFF without tag 51123 is not held", () => {
    expect(group([tiff("/d/a.tif")]).filesets[0]!.hold).toBeUndefined();
  });
});

describe("MetaMorph", () => {
  const nd = text(
    "/m/exp.nd",
    '"NDInfoFile", Version 1.0\n"DoTimelapse", FALSE\n"DoStage", TRUE\n"NStagePositions", 2\n"DoWave", TRUE\n"NWavelengths", 1\n"WaveName1", "DAPI"\n"EndFile"\n',
  );
  const planes = ["exp_w1DAPI_s1.TIF", "exp_w1DAPI_s2.TIF"].map((n) => tiff(`/m/${n}`));

  it("planes + .nd form one .nd fileset in any order; planes alone are held for the .nd", () => {
    allOrders([nd, ...planes], (res, present) => {
      if (present.includes(nd)) {
        expect(res.filesets).toHaveLength(1);
        const s = res.filesets[0]!;
        expect([s.reader, s.entry]).toEqual([R("MetamorphReader"), "/m/exp.nd"]);
        expect(s.expected).toEqual(["/m/exp_w1DAPI_s1.TIF", "/m/exp_w1DAPI_s2.TIF"]);
        expect(s.closed).toBe(true);
      } else {
        for (const s of res.filesets)
          expect(s.hold).toMatch(/^MetaMorph plane name exp_w1DAPI_s\d\.TIF: may belong to exp\.nd/);
      }
    });
  });

  it("holds only MetaMorph-shaped names", () => {
    const res = group([tiff("/x/cells_t3.tif"), tiff("/x/cells_t4.TIF"), tiff("/x/run_s2.tif"), tiff("/x/a_b.tif")]);
    const hold = Object.fromEntries(res.filesets.map((s) => [s.entry, s.hold !== undefined]));
    expect(hold).toEqual({
      "/x/a_b.tif": false,
      "/x/cells_t3.tif": false,
      "/x/cells_t4.TIF": true,
      "/x/run_s2.tif": true,
    });
  });
});

describe("DeltaVision", () => {
  it(".dv + .dv.log form one fileset in any order; a .dv is neither closed nor held", () => {
    allOrders([file("/v/a.dv"), file("/v/a.dv.log")], (res, present) => {
      if (present.some((f) => f.path === "/v/a.dv")) {
        expect(res.filesets.map((s) => [s.entry, s.files.length])).toEqual([["/v/a.dv", present.length]]);
        expect(res.filesets[0]!.closed).toBeUndefined();
        expect(res.filesets[0]!.hold).toBeUndefined();
      } else expect(res.pending.map((p) => p.path)).toEqual(["/v/a.dv.log"]);
    });
  });
});

describe("entries that list their members", () => {
  it("companion OME-XML: expected TIFFs, closed", () => {
    const res = group([text("/o/x.companion.ome", omeXml(["a.ome.tif", "b.ome.tif"])), "/o/a.ome.tif"]);
    const s = res.filesets[0]!;
    expect([s.entry, s.expected, s.closed, s.missing]).toEqual([
      "/o/x.companion.ome",
      ["/o/a.ome.tif", "/o/b.ome.tif"],
      true,
      ["/o/b.ome.tif"],
    ]);
  });

  it("multi-file OME-TIFF lists its files; a single-file one (names only itself) is closed", () => {
    const xml = omeXml(["a.ome.tif", "b.ome.tif"]);
    const multi = group([tiff("/o/a.ome.tif", { description: xml }), tiff("/o/b.ome.tif", { description: xml })]);
    expect(multi.filesets.map((s) => [s.entry, s.expected, s.closed])).toEqual([
      ["/o/a.ome.tif", ["/o/a.ome.tif", "/o/b.ome.tif"], true],
    ]);
    const single = group([tiff("/o/s.ome.tif", { description: omeXml([]) })]).filesets[0]!;
    expect([single.expected, single.closed]).toEqual([undefined, true]);
    const self = group([tiff("/o/t.ome.tif", { description: omeXml(["t.ome.tif"]) })]).filesets[0]!;
    expect([self.expected, self.closed]).toEqual([["/o/t.ome.tif"], true]);
    // Written by Micro-Manager: a metadata.txt may still claim it.
    const mm = group([tiff("/o/m.ome.tif", { description: omeXml([]), tags: [51123] })]).filesets[0]!;
    expect([mm.closed, mm.hold !== undefined]).toEqual([undefined, true]);
  });

  it("ICS 1 expects its .ids; ICS 2 is closed alone", () => {
    const ics1 = group([text("/i/a.ics", "\t\nics_version\t1.0\n"), "/i/a.ids"]).filesets[0]!;
    expect([ics1.expected, ics1.closed, ics1.files]).toEqual([["/i/a.ids"], true, ["/i/a.ics", "/i/a.ids"]]);
    const ics2 = group([text("/i/b.ics", "\t\nics_version\t2.0\n")]).filesets[0]!;
    expect([ics2.expected, ics2.closed]).toEqual([undefined, true]);
  });

  it("Analyze pair expects the .img; single-file readers on unshared suffixes are closed", () => {
    const hdr = Buffer.alloc(348);
    hdr.writeInt32LE(348, 0);
    const pair = group([file("/a/x.hdr", { head: hdr }), "/a/x.img"]).filesets[0]!;
    expect([pair.reader, pair.expected, pair.closed]).toEqual([R("AnalyzeReader"), ["/a/x.img"], true]);
    const res = group(["/s/a.nd2", "/s/b.czi", "/s/c.tif", "/s/d.nii"]);
    expect(Object.fromEntries(res.filesets.map((s) => [s.entry, s.closed ?? false]))).toEqual({
      "/s/a.nd2": true,
      "/s/b.czi": false,
      "/s/c.tif": false,
      "/s/d.nii": true,
    });
    expect(group(["/s/a.nd2", "/s/a.nd2.bfoptions"]).filesets[0]!.closed).toBe(true);
    // Inside a layout folder a later entry may claim it.
    expect(group(["/s/Data/a.nd2"]).filesets[0]!.closed).toBeUndefined();
  });
});

describe("whitelist selects filesets by their entry", () => {
  it("whitelist=.ics takes x.ids; unwanted filesets are ignored with the reason", () => {
    const res = group([text("/w/x.ics", "\t\nics_version\t1.0\n"), "/w/x.ids", "/w/y.dv", "/w/y.dv.log"], [".ics"]);
    expect(res.filesets.map((s) => s.files)).toEqual([["/w/x.ics", "/w/x.ids"]]);
    expect(res.ignored).toEqual([
      {
        path: "/w/y.dv",
        reason:
          "not wanted: the watch's whitelist (.ics) selects filesets by their entry's name, and y.dv does not match",
      },
      {
        path: "/w/y.dv.log",
        reason:
          "not wanted: the watch's whitelist (.ics) selects filesets by their entry's name, and its fileset's entry y.dv does not match",
      },
    ]);
  });

  it("whitelist=.vsi takes its _x_/ folder; same matching rules as OMERO (case, '*', no dot)", () => {
    const files = ["/w/s.vsi", "/w/_s_/stack1/frame_t.ets", "/w/other.czi"];
    for (const wl of [[".vsi"], ["VSI"], ["*.vsi"]]) {
      const res = group(files, wl);
      expect(res.filesets.map((s) => s.files)).toEqual([["/w/s.vsi", "/w/_s_/stack1/frame_t.ets"]]);
      expect(res.ignored.map((i) => i.path)).toEqual(["/w/other.czi"]);
    }
  });

  it("a companion waiting for an unwanted entry is ignored; one waiting for a wanted entry stays pending", () => {
    expect(group(["/w/x.ids"], [".dv"]).ignored.map((i) => i.path)).toEqual(["/w/x.ids"]);
    expect(group(["/w/x.ids"], [".ics"]).pending.map((i) => i.path)).toEqual(["/w/x.ids"]);
    expect(group(["/w/x.ids"], []).pending.map((i) => i.path)).toEqual(["/w/x.ids"]);
  });
});
