import { makeTiff } from "./__fixtures__/make-tiff";
import { defaultCatalogue, parseReadersFile } from "./catalogue";
import type { CandidateFile, FileProbe, GroupingResult } from "./types";
import { groupFilesets, metamorphPlaneNames, needsHeader } from "./grouping";

const cat = defaultCatalogue();
const R = (s: string) => `loci.formats.in.${s}`;

function file(path: string, probe?: FileProbe, size = 1000): CandidateFile {
  return { path, size: probe?.head && size === 1000 ? probe.head.length : size, probe };
}

function group(input: (string | CandidateFile)[], catalogue = cat): GroupingResult {
  const files = input.map((x) => (typeof x === "string" ? file(x) : x));
  const res = groupFilesets(files, catalogue);
  // Every input path in exactly one place.
  const placed = [
    ...res.filesets.flatMap((f) => f.files),
    ...res.ignored.map((i) => i.path),
    ...res.pending.map((p) => p.path),
  ];
  expect([...placed].sort()).toEqual(files.map((f) => f.path).sort());
  return res;
}

function setOf(res: GroupingResult, path: string) {
  return res.filesets.find((f) => f.files.includes(path));
}

const tiffProbe = (description?: string): FileProbe => {
  const head = makeTiff({ ifds: [{ width: 4, height: 4, description }] });
  return { head, tiffDescription: description ?? null, tiffTags: [256, 257, 258] };
};

const omeXml = (files: string[], extra = "") =>
  `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">${extra}<Image ID="Image:0" Name="i"><Pixels ID="Pixels:0" SizeX="4" SizeY="4" SizeZ="${files.length}" SizeC="1" SizeT="1" Type="uint8">${files
    .map((f, i) => `<TiffData IFD="0" FirstZ="${i}"><UUID FileName="${f}">urn:uuid:${i}</UUID></TiffData>`)
    .join("")}</Pixels></Image></OME>`;

describe("single-file formats and basic rules", () => {
  it("gives each single-file format its own complete fileset", () => {
    const res = group([
      "/d/a.czi",
      "/d/b.nd2",
      "/d/c.lif",
      "/d/d.oib",
      "/d/e.lsm",
      "/d/f.svs",
      "/d/g.nii.gz",
      "/d/h.zvi",
    ]);
    expect(res.filesets.map((f) => [f.entry, f.reader, f.files.length, f.missing])).toEqual([
      ["/d/a.czi", R("ZeissCZIReader"), 1, []],
      ["/d/b.nd2", R("ND2Reader"), 1, []],
      ["/d/c.lif", R("LIFReader"), 1, []],
      ["/d/d.oib", R("FV1000Reader"), 1, []],
      ["/d/e.lsm", R("ZeissLSMReader"), 1, []],
      ["/d/f.svs", R("SVSReader"), 1, []],
      ["/d/g.nii.gz", R("NiftiReader"), 1, []],
      ["/d/h.zvi", R("ZeissZVIReader"), 1, []],
    ]);
    expect(res.filesets[0]!.key).toBe("/d/a.czi");
  });

  it("matches suffixes case-insensitively and through .gz/.bz2", () => {
    const res = group(["/d/A.CZI", "/d/b.ics.gz", "/d/b.ids.gz", "/d/c.PNG"]);
    expect(setOf(res, "/d/A.CZI")?.reader).toBe(R("ZeissCZIReader"));
    expect(setOf(res, "/d/c.PNG")?.reader).toBe(R("APNGReader"));
  });

  it("ignores .filepart copies and dot files with a reason", () => {
    const res = group(["/d/x.czi.filepart", "/d/.DS_Store", "/d/._x.tif", "/d/x.czi"]);
    expect(res.ignored.map((i) => i.path)).toEqual(["/d/.DS_Store", "/d/._x.tif", "/d/x.czi.filepart"]);
    expect(res.ignored.find((i) => i.path.endsWith("filepart"))!.reason).toMatch(/partial copy/);
    expect(res.ignored.find((i) => i.path.endsWith("Store"))!.reason).toMatch(/dot files/);
  });

  it("ignores files no reader accepts", () => {
    const res = group(["/d/notes.docx", "/d/README", "/d/list.txt"]);
    expect(res.filesets).toEqual([]);
    expect(res.ignored.find((i) => i.path === "/d/notes.docx")!.reason).toMatch(
      /no Bio-Formats reader accepts.*\.docx/,
    );
  });

  it("imports empty .fake files and groups x.fake.ini with them", () => {
    const res = group([file("/d/img&sizeZ=3.fake", undefined, 0), "/d/img&sizeZ=3.fake.ini", "/d/lonely.fake.ini"]);
    expect(res.filesets).toEqual([
      {
        key: "/d/img&sizeZ=3.fake",
        reader: R("FakeReader"),
        entry: "/d/img&sizeZ=3.fake",
        files: ["/d/img&sizeZ=3.fake", "/d/img&sizeZ=3.fake.ini"],
        missing: [],
        reasons: [],
      },
    ]);
    expect(res.pending[0]!.reason).toMatch(/waits for its entry file \/d\/lonely\.fake/);
  });

  it("treats .pattern as a single file and adds x.bfoptions to x's fileset", () => {
    const res = group(["/d/s.pattern", "/d/a.czi", "/d/a.czi.bfoptions", "/d/gone.czi.bfoptions"]);
    expect(setOf(res, "/d/s.pattern")?.reader).toBe(R("FilePatternReader"));
    expect(setOf(res, "/d/a.czi")?.files).toEqual(["/d/a.czi", "/d/a.czi.bfoptions"]);
    expect(res.pending.map((p) => p.path)).toEqual(["/d/gone.czi.bfoptions"]);
  });
});

describe("TIFF disambiguation", () => {
  it("plain TIFF -> TiffDelegateReader (with and without a probe)", () => {
    const res = group([file("/d/a.tif", tiffProbe("ImageJ=1.54\nimages=3\n")), "/d/b.tiff"]);
    expect(res.filesets.map((f) => f.reader)).toEqual([R("TiffDelegateReader"), R("TiffDelegateReader")]);
  });

  it("OME-TIFF by header whatever its name; .ome.tif without probe by suffix", () => {
    const res = group([file("/d/a.tif", tiffProbe(omeXml(["a.tif"]))), "/d/b.ome.tif"]);
    expect(setOf(res, "/d/a.tif")?.reader).toBe(R("OMETiffReader"));
    expect(setOf(res, "/d/b.ome.tif")?.reader).toBe(R("OMETiffReader"));
  });

  it("an .ome.tif whose description is not OME-XML is a plain TIFF", () => {
    const res = group([file("/d/b.ome.tif", tiffProbe("just a tiff"))]);
    expect(res.filesets[0]!.reader).toBe(R("TiffDelegateReader"));
  });

  it("Micro-Manager: TIFFs next to metadata.txt join it, never alone", () => {
    const meta = Buffer.from('{"Summary":{"MicroManagerVersion":"2.0"},"FrameKey-0-0-0":{"FileName":"img_000.tif"}}');
    const res = group([
      file("/mm/run1/metadata.txt", { head: meta }),
      file("/mm/run1/img_000.tif", tiffProbe()),
      file("/mm/run1/img_001.tif", tiffProbe(omeXml(["img_001.tif"]))),
      "/mm/other/plain.tif",
    ]);
    expect(setOf(res, "/mm/run1/img_000.tif")).toMatchObject({
      reader: R("MicromanagerReader"),
      entry: "/mm/run1/metadata.txt",
      files: ["/mm/run1/metadata.txt", "/mm/run1/img_000.tif"],
      missing: [],
    });
    // Not named by FileName: OMETiffReader (before MicromanagerReader in readers.txt) reads it alone.
    expect(setOf(res, "/mm/run1/img_001.tif")?.reader).toBe(R("OMETiffReader"));
    expect(setOf(res, "/mm/other/plain.tif")?.reader).toBe(R("TiffDelegateReader"));
  });

  it("Micro-Manager: a FileName listed but absent is missing", () => {
    const meta = Buffer.from(
      '{"Summary":{"Prefix":"micro-manager"},"a":{"FileName":"img_000.tif"},"b":{"FileName":"img_001.tif"}}',
    );
    const res = group([file("/mm/metadata.txt", { head: meta }), "/mm/img_000.tif"]);
    expect(res.filesets[0]!.missing).toEqual(["/mm/img_001.tif"]);
    expect(res.filesets[0]!.reasons[0]).toMatch(/img_001\.tif: FileName in metadata\.txt/);
  });

  it("Micro-Manager: *_metadata.txt and Pos_* sibling folders form one fileset", () => {
    const res = group([
      "/mm/acq/Pos_0/metadata.txt",
      "/mm/acq/Pos_0/img_t0.tif",
      "/mm/acq/Pos_1/metadata.txt",
      "/mm/acq/Pos_1/img_t0.tif",
      "/mm/b/exp_MMStack_metadata.txt",
      "/mm/b/exp_MMStack.ome.tif",
    ]);
    expect(res.filesets.map((f) => [f.entry, f.files.length])).toEqual([
      ["/mm/acq/Pos_0/metadata.txt", 4],
      ["/mm/b/exp_MMStack_metadata.txt", 2],
    ]);
  });

  it("a metadata.txt that is not Micro-Manager's does not capture TIFFs", () => {
    const res = group([file("/d/metadata.txt", { head: Buffer.from("operator: amy\n") }), "/d/a.tif"]);
    expect(setOf(res, "/d/a.tif")?.reader).toBe(R("TiffDelegateReader"));
    expect(res.ignored.map((i) => i.path)).toEqual(["/d/metadata.txt"]);
  });

  it("MetaMorph: .nd planes join the .nd; a lone .stk is its own set", () => {
    const nd = Buffer.from(
      '"NDInfoFile", Version 1.0\n"DoTimelapse", TRUE\n"NTimePoints", 2\n"DoStage", FALSE\n"DoWave", TRUE\n"NWavelengths", 1\n"WaveName1", "GFP"\n"WaveInFileName", TRUE\n"EndFile"\n',
    );
    const res = group([
      file("/mm/exp.nd", { head: nd }),
      file("/mm/exp_w1GFP_t1.TIF", tiffProbe()),
      "/mm/exp_w1GFP_t2.TIF",
      "/mm/other.stk",
    ]);
    expect(setOf(res, "/mm/exp_w1GFP_t1.TIF")).toMatchObject({
      reader: R("MetamorphReader"),
      entry: "/mm/exp.nd",
      files: ["/mm/exp.nd", "/mm/exp_w1GFP_t1.TIF", "/mm/exp_w1GFP_t2.TIF"],
      missing: [],
    });
    expect(setOf(res, "/mm/other.stk")?.reader).toBe(R("MetamorphReader"));
    const partial = group([file("/mm/exp.nd", { head: nd }), "/mm/exp_w1GFP_t1.TIF"]);
    // Spelt as MetamorphReader builds it (wave name as written, Version 1.0 without Z: .TIF).
    expect(partial.filesets[0]!.missing).toEqual(["/mm/exp_w1GFP_t2.TIF"]);
  });

  it("computes MetaMorph names from the .nd keys", () => {
    const text =
      '"DoTimelapse", FALSE\n"DoStage", TRUE\n"NStagePositions", 2\n"DoWave", TRUE\n"NWavelengths", 2\n"WaveName1", "DAPI (blue)"\n"WaveName2", "FITC"\n';
    // MetamorphReader.initFile's loop order: time, stage, wavelength.
    expect(metamorphPlaneNames("x.nd", text)).toEqual([
      "x_w1dapi -blue-_s1",
      "x_w2fitc_s1",
      "x_w1dapi -blue-_s2",
      "x_w2fitc_s2",
    ]);
  });

  it("Leica: a TIFF with a .lei of its base (trimming _parts) joins the .lei", () => {
    const res = group(["/l/exp.lei", "/l/exp_z0_ch00.tif", "/l/exp_z1_ch00.tif"]);
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]).toMatchObject({ reader: R("LeicaReader"), entry: "/l/exp.lei" });
  });
});

describe("multi-file formats", () => {
  it("ICS/IDS: entry first, companion first, ICS2 alone", () => {
    const entryFirst = group(["/d/x.ics"]);
    expect(entryFirst.filesets[0]).toMatchObject({ entry: "/d/x.ics", missing: ["/d/x.ids"] });
    expect(entryFirst.filesets[0]!.reasons[0]).toMatch(/x\.ids/);
    const idsFirst = group(["/d/x.ids"]);
    expect(idsFirst.filesets).toEqual([]);
    expect(idsFirst.pending).toEqual([{ path: "/d/x.ids", reason: "x.ids waits for its entry file /d/x.ics" }]);
    const both = group(["/d/x.ids", "/d/x.ics", "/d/Y.ICS", "/d/Y.IDS"]);
    expect(both.filesets.map((f) => [f.reader, f.files, f.missing])).toEqual([
      [R("ICSReader"), ["/d/Y.ICS", "/d/Y.IDS"], []],
      [R("ICSReader"), ["/d/x.ics", "/d/x.ids"], []],
    ]);
    const ics2 = group([file("/d/v2.ics", { head: Buffer.from("\t\nics_version\t2.0\nfilename\tv2\n") })]);
    expect(ics2.filesets[0]!.missing).toEqual([]);
    const ics1 = group([file("/d/v1.ics", { head: Buffer.from("\t\nics_version\t1.0\n") })]);
    expect(ics1.filesets[0]!.missing).toEqual(["/d/v1.ids"]);
  });

  it("DeltaVision: logs are optional members; a log alone waits", () => {
    const res = group(["/d/a.dv", "/d/a.dv.log", "/d/a_log.txt", "/d/b.r3d", "/d/b.log", "/d/c_D3D.dv", "/d/c.dv.log"]);
    expect(res.filesets.map((f) => [f.entry, f.files, f.missing])).toEqual([
      ["/d/a.dv", ["/d/a.dv", "/d/a.dv.log", "/d/a_log.txt"], []],
      ["/d/b.r3d", ["/d/b.r3d", "/d/b.log"], []],
      ["/d/c_D3D.dv", ["/d/c_D3D.dv", "/d/c.dv.log"], []],
    ]);
    const logFirst = group(["/d/z.dv.log"]);
    expect(logFirst.pending[0]!.reason).toMatch(/waits for its image \/d\/z\.dv/);
  });

  it("Analyze/NIfTI: .hdr is the entry, .img waits for it; NIfTI by magic; only lower-case suffixes pair", () => {
    const res = group(["/d/a.hdr", "/d/a.img", "/d/B.HDR", "/d/B.IMG", "/d/c.img", "/d/m.hdr", "/d/m.IMG"]);
    expect(res.filesets.map((f) => [f.entry, f.reader, f.files, f.missing])).toEqual([
      ["/d/a.hdr", R("AnalyzeReader"), ["/d/a.hdr", "/d/a.img"], []],
    ]);
    expect(res.pending[0]!.reason).toMatch(/c\.img.*waits for its entry file \/d\/c\.hdr/);
    // AnalyzeReader/NiftiReader.initFile open <base>.img in lower case (golden: analyze-upper-case, -mixed-*).
    expect(res.ignored.map((i) => i.path)).toEqual(["/d/B.HDR", "/d/B.IMG", "/d/m.IMG", "/d/m.hdr"]);
    expect(res.ignored[0]!.reason).toMatch(/pair named B\.hdr and B\.img \(lower-case suffixes/);
    const hdr = Buffer.alloc(348);
    hdr.writeInt32LE(348, 0);
    hdr.write("n+1\0", 344, "latin1");
    // NiftiReader opens n.img for an n+1 .hdr too (golden: nifti-hdr-n1-alone).
    const nifti = group([file("/d/n.hdr", { head: hdr })]);
    expect(nifti.filesets[0]).toMatchObject({ reader: R("NiftiReader"), missing: ["/d/n.img"] });
  });

  it("OME-TIFF with a .companion.ome: companion is the entry, listed TIFFs are members", () => {
    const xml = Buffer.from(omeXml(["a.ome.tif", "b.ome.tif", "c.ome.tif"]));
    const res = group([
      file("/o/set.companion.ome", { head: xml }),
      "/o/a.ome.tif",
      "/o/b.ome.tif",
      "/o/unrelated.ome.tif",
    ]);
    expect(setOf(res, "/o/a.ome.tif")).toMatchObject({
      entry: "/o/set.companion.ome",
      reader: R("OMETiffReader"),
      files: ["/o/set.companion.ome", "/o/a.ome.tif", "/o/b.ome.tif"],
      missing: ["/o/c.ome.tif"],
    });
    expect(setOf(res, "/o/unrelated.ome.tif")?.entry).toBe("/o/unrelated.ome.tif");
    // Without the companion's XML: the .ome.tif files of its folder.
    const blind = group(["/o/set.companion.ome", "/o/a.ome.tif", "/o/b.ome.tif"]);
    expect(blind.filesets).toHaveLength(1);
  });

  it("BinaryOnly OME-TIFF without its companion: a plain TIFF held for it (OMETiffReader refuses it)", () => {
    const stub = '<OME xmlns="x"><BinaryOnly MetadataFile="set.companion.ome" UUID="urn:uuid:1"/></OME>';
    const res = group([file("/o/a.ome.tif", tiffProbe(stub))]);
    expect(res.filesets[0]).toMatchObject({ reader: R("TiffDelegateReader"), files: ["/o/a.ome.tif"] });
    expect(res.filesets[0]!.hold).toMatch(/metadata file set\.companion\.ome is not here yet/);
  });

  it("multi-file OME-TIFF without companion: one fileset, entry lists the others", () => {
    const full = omeXml(["a.ome.tif", "b.ome.tif", "c.ome.tif"]);
    const res = group([
      file("/o/b.ome.tif", tiffProbe(full)),
      file("/o/a.ome.tif", tiffProbe(full)),
      file("/o/c.ome.tif", tiffProbe(omeXml(["c.ome.tif"]))),
    ]);
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]).toMatchObject({
      entry: "/o/a.ome.tif",
      files: ["/o/a.ome.tif", "/o/b.ome.tif", "/o/c.ome.tif"],
    });
    const first = group([file("/o/b.ome.tif", tiffProbe(full))]);
    expect(first.filesets[0]!.missing).toEqual(["/o/a.ome.tif", "/o/c.ome.tif"]);
  });

  it("Olympus VSI: the _x_ tree joins x.vsi; without it, each file is what Bio-Formats reads alone, held", () => {
    const tree = ["/v/x.vsi", "/v/_x_/stack1/frame_t.ets", "/v/_x_/stack1/info.txt", "/v/_x_/stack10001/frame_t_0.ets"];
    const res = group(tree);
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]).toMatchObject({
      reader: R("CellSensReader"),
      entry: "/v/x.vsi",
      files: ["/v/x.vsi", ...tree.slice(1).sort()],
    });
    // CellSensReader opens an .ets only through its .vsi ("Could not find .vsi file"): ignored, with why;
    // a TIFF there is a TIFF (golden: vsi-folder-without-entry, vsi-ets-without-entry), held for the .vsi.
    const early = group([...tree.slice(1), "/v/_x_/stack1/a.tif"]);
    expect(early.pending).toEqual([]);
    expect(early.ignored.map((i) => i.path)).toEqual([tree[1], tree[2], tree[3]].sort());
    expect(early.ignored[0]!.reason).toBe(
      "frame_t.ets is inside the cellSens folder _x_/ and may belong to /v/x.vsi, not here yet; CellSensReader cannot open it without that entry",
    );
    expect(early.filesets).toEqual([
      expect.objectContaining({
        entry: "/v/_x_/stack1/a.tif",
        reader: R("TiffDelegateReader"),
        hold: "a.tif is inside the cellSens folder _x_/ and may belong to /v/x.vsi, not here yet",
      }),
    ]);
    expect(early.filesets[0]!.closed).toBeUndefined();
  });

  it("Olympus OIF: x.oif.files/ joins x.oif; a bare .oif misses its folder", () => {
    const res = group(["/f/x.oif", "/f/x.oif.files/s_C001.tif", "/f/x.oif.files/s_C001.pty", "/f/x.oif.files/x.roi"]);
    expect(res.filesets).toHaveLength(1);
    expect(res.filesets[0]!.files).toHaveLength(4);
    expect(group(["/f/y.oif"]).filesets[0]!.missing).toEqual(["/f/y.oif.files/"]);
    const alone = group(["/f/y.oif.files/a.tif", "/f/y.oif.files/s_C001.tif", "/f/y.oif.files/s_C001.pty"]);
    // FV1000Reader.findOIFFile needs a '_' in the name: a.tif is Bio-Formats' plain TIFF, never held.
    expect(alone.filesets.map((f) => [f.entry, f.hold])).toEqual([
      ["/f/y.oif.files/a.tif", undefined],
      ["/f/y.oif.files/s_C001.tif", "s_C001.tif is inside y.oif.files/ and may belong to /f/y.oif, not here yet"],
    ]);
    expect(alone.ignored.map((i) => i.reason)).toEqual([
      "s_C001.pty is inside y.oif.files/ and may belong to /f/y.oif, not here yet; no Bio-Formats reader opens it alone",
    ]);
  });

  it("Volocity: Data/ joins the .mvd2", () => {
    const res = group(["/p/lib.mvd2", "/p/Data/1.aisf", "/p/Data/1.atsf", "/p/Data/x.dat"]);
    expect(res.filesets).toHaveLength(1);
    expect(group(["/p/Data/1.aisf"]).ignored[0]!.reason).toMatch(/may belong to a \.mvd2 library in \/p, not here yet/);
  });

  it("CZI split parts and OIR continuation parts join their master", () => {
    const res = group(["/c/a.czi", "/c/a (1).czi", "/c/a(2).czi", "/c/b.oir", "/c/b_00001", "/c/solo(1).czi"]);
    expect(res.filesets.map((f) => [f.entry, f.files.length])).toEqual([
      ["/c/a.czi", 3],
      ["/c/b.oir", 2],
      ["/c/solo(1).czi", 1],
    ]);
  });

  it("NDPIS lists its NDPI files", () => {
    const ndpis = Buffer.from("[NanoZoomer Digital Pathology Image Set]\nNoImages=2\nImage0=s1.ndpi\nImage1=s2.ndpi\n");
    const res = group([file("/n/set.ndpis", { head: ndpis }), "/n/s1.ndpi", "/n/other.ndpi"]);
    expect(setOf(res, "/n/s1.ndpi")).toMatchObject({ entry: "/n/set.ndpis", missing: ["/n/s2.ndpi"] });
    expect(setOf(res, "/n/other.ndpi")?.entry).toBe("/n/other.ndpi");
  });

  it("OME-Zarr (when the readers file enables ZarrReader): one fileset per .zarr folder", () => {
    const zcat = parseReadersFile("ZarrReader[type=external]\nTiffDelegateReader\n", "r.txt");
    const res = group(["/z/img.zarr/.zattrs", "/z/img.zarr/0/0/0", "/z/a.tif"], zcat);
    expect(res.filesets.map((f) => [f.entry, f.files])).toEqual([
      ["/z/a.tif", ["/z/a.tif"]],
      ["/z/img.zarr", ["/z/img.zarr/.zattrs", "/z/img.zarr/0/0/0"]],
    ]);
  });
});

describe("catalogue narrowing, steal, scale", () => {
  it("a readers file listing only FakeReader ignores .tif with a reason naming the readers file", () => {
    const only = parseReadersFile("loci.formats.in.FakeReader\n", "/etc/omero/readers.txt");
    const res = group(["/d/a.fake", "/d/b.tif", "/d/c.xyz"], only);
    expect(res.filesets.map((f) => f.entry)).toEqual(["/d/a.fake"]);
    const tif = res.ignored.find((i) => i.path === "/d/b.tif")!;
    expect(tif.reason).toMatch(/watch's readers \(\/etc\/omero\/readers\.txt\) exclude it/);
    expect(tif.reason).toMatch(/TiffDelegateReader/);
    expect(res.ignored.find((i) => i.path === "/d/c.xyz")!.reason).toMatch(/no Bio-Formats reader/);
  });

  it("a file two entries claim ends up in exactly one fileset", () => {
    // a.ome.tif is named by the companion and sits in a Micro-Manager folder: Micro-Manager wins,
    // the companion keeps the rest, nothing is imported twice.
    const xml = Buffer.from(omeXml(["a.ome.tif", "b.ome.tif"]));
    const res = group([
      file("/s/run/set.companion.ome", { head: xml }),
      "/s/run/metadata.txt",
      "/s/run/a.ome.tif",
      "/s/run/b.ome.tif",
    ]);
    const all = res.filesets.flatMap((f) => f.files);
    expect(new Set(all).size).toBe(all.length);
    expect(setOf(res, "/s/run/a.ome.tif")?.reader).toBe(R("MicromanagerReader"));
    // Two OME-TIFFs naming the same third file: the bigger list wins it.
    const big = omeXml(["p.ome.tif", "q.ome.tif", "r.ome.tif"]);
    const small = omeXml(["q.ome.tif", "r.ome.tif"]);
    const steal = group([file("/s/q.ome.tif", tiffProbe(small)), file("/s/p.ome.tif", tiffProbe(big)), "/s/r.ome.tif"]);
    expect(steal.filesets).toHaveLength(1);
    expect(steal.filesets[0]!.entry).toBe("/s/p.ome.tif");
  });

  it("needsHeader asks for content only where it decides", () => {
    expect(needsHeader("/d/a.tif", cat)).toBe(true);
    expect(needsHeader("/d/a.ics", cat)).toBe(true);
    expect(needsHeader("/d/a.hdr", cat)).toBe(true);
    expect(needsHeader("/d/set.companion.ome", cat)).toBe(true);
    expect(needsHeader("/d/metadata.txt", cat)).toBe(true);
    expect(needsHeader("/d/a.czi", cat)).toBe(true); // ZeissCZIReader's magic (content-checks.ts)
    expect(needsHeader("/d/a.oib", cat)).toBe(false);
    expect(needsHeader("/d/a.ids", cat)).toBe(false);
    expect(needsHeader("/d/.a.tif", cat)).toBe(false);
    expect(needsHeader("/d/a.ics", parseReadersFile("FakeReader\n", "r"))).toBe(false);
  });

  it("groups 20,000 files (not quadratic)", () => {
    const files: CandidateFile[] = [];
    for (let d = 0; d < 100; d++) {
      for (let i = 0; i < 50; i++) {
        files.push(file(`/w/u/d${d}/s${i}.ics`), file(`/w/u/d${d}/s${i}.ids`));
        files.push(file(`/w/u/d${d}/p${i}.tif`), file(`/w/u/d${d}/c${i}.czi`));
      }
    }
    files.push(file("/w/u/big/metadata.txt"));
    for (let i = 0; i < 2000; i++) files.push(file(`/w/u/big/img_${i}.tif`));
    const res = groupFilesets(files, cat);
    expect(res.filesets).toHaveLength(100 * 150 + 1);
    expect(res.filesets.find((f) => f.entry === "/w/u/big/metadata.txt")!.files).toHaveLength(2001);
  });
});
