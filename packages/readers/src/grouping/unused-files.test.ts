/**
 * Files a reader accepts but does not use (OMERO's candidate scan prunes them), the filesets it then drops,
 * and sets held whole for listed members (issue 18: swallowed, half, DeltaVision logs). Literal inputs.
 */
import { makeTiff } from "../__fixtures__/make-tiff";
import { defaultCatalogue } from "../catalogue";
import type { CandidateFile, FileProbe, GroupingResult } from "../types";
import { groupFilesets } from "./group";
import { lif } from "../__golden__/make/lif";
import { walkOrder } from "./pruning";

const R = (s: string) => `loci.formats.in.${s}`;

function tif(path: string, p: Partial<FileProbe> = {}): CandidateFile {
  const head = makeTiff({ ifds: [{ width: 4, height: 4 }] });
  return { path, size: head.length, probe: { head, tiffDescription: null, tiffTags: [256, 257, 258], ...p } };
}
function text(path: string, body: string | Buffer): CandidateFile {
  const head = Buffer.isBuffer(body) ? body : Buffer.from(body, "latin1");
  return { path, size: head.length, probe: { head } };
}
const plain = (path: string, size = 100): CandidateFile => ({ path, size });

function group(files: CandidateFile[]): GroupingResult {
  const res = groupFilesets(files, defaultCatalogue());
  const placed = [
    ...res.filesets.flatMap((f) => f.files),
    ...res.ignored.map((i) => i.path),
    ...res.pending.map((p) => p.path),
  ];
  expect(placed.sort()).toEqual(files.map((f) => f.path).sort());
  return res;
}
const setOf = (res: GroupingResult, p: string) => res.filesets.find((f) => f.files.includes(p));
const why = (res: GroupingResult, p: string) => res.ignored.find((i) => i.path === p)?.reason;

const mmMeta = (files: string[]) =>
  `{\n"Summary": {\n"MicroManagerVersion": "1.4.23"\n},\n${files.map((f, i) => `"FrameKey-${i}-0-0": {\n"FileName": "${f}"\n}`).join(",\n")}\n}\n`;

describe("Micro-Manager: TIFFs metadata.txt does not name", () => {
  const planes = ["img_000000000_DAPI_000.tif", "img_000000001_DAPI_000.tif"];
  const acq = [text("/d/run/metadata.txt", mmMeta(planes)), ...planes.map((p) => tif(`/d/run/${p}`))];

  it("an unlisted snapshot is ignored with the reason, the set stays closed", () => {
    const res = group([...acq, tif("/d/run/snapshot.tif")]);
    expect(setOf(res, "/d/run/metadata.txt")).toMatchObject({ files: acq.map((f) => f.path), closed: true });
    expect(why(res, "/d/run/snapshot.tif")).toMatch(/does not name snapshot\.tif .*OMERO's import skips it/);
  });

  it("walked before the planes (Snap.tif < img_...), it makes OMERO's scan drop the whole set", () => {
    const res = group([...acq, tif("/d/run/Snap.tif")]);
    expect(res.filesets).toEqual([]);
    expect(why(res, "/d/run/metadata.txt")).toMatch(/walks Snap\.tif first/);
  });

  it("a TIFF without FileName keys whose name has no _t_c_z parts makes the set fail", () => {
    const bare = text("/d/b/metadata.txt", '{"Summary": {"Prefix": "micro-manager"}}\n');
    const res = group([bare, tif("/d/b/img_000000000_DAPI_000.tif"), tif("/d/b/snap.tif")]);
    expect(res.filesets).toEqual([]);
    expect(why(res, "/d/b/metadata.txt")).toMatch(/fails on snap\.tif/);
  });

  it("METADATA.TXT is not MicromanagerReader's name: the TIFFs are plain TIFFs", () => {
    const res = group([text("/d/u/METADATA.TXT", mmMeta(planes)), ...planes.map((p) => tif(`/d/u/${p}`))]);
    expect(res.filesets.map((f) => f.reader)).toEqual([R("TiffDelegateReader"), R("TiffDelegateReader")]);
  });
});

describe("MetaMorph: the .nd's planes only", () => {
  const nd = text(
    "/m/run.nd",
    `"NDInfoFile", Version 1.0\r\n"DoTimelapse", FALSE\r\n"DoStage", TRUE\r\n"NStagePositions", 2\r\n"DoWave", FALSE\r\n"DoZSeries", FALSE\r\n"EndFile"\r\n`,
  );
  const planes = [tif("/m/run_s1.TIF"), tif("/m/run_s2.TIF")];

  it("an overview named like a plane is ignored, the set is closed", () => {
    const res = group([nd, ...planes, tif("/m/run_overview.tif")]);
    expect(setOf(res, "/m/run.nd")).toMatchObject({
      files: ["/m/run.nd", "/m/run_s1.TIF", "/m/run_s2.TIF"],
      closed: true,
    });
    expect(why(res, "/m/run_overview.tif")).toMatch(/does not list it among its planes/);
  });

  it("a plane the .nd names is missing and holds the set", () => {
    expect(group([nd, planes[0]!]).filesets[0]!.missing).toEqual(["/m/run_s2.TIF"]);
  });

  it("an .nd without waves, stages or time names <base>.TIF, which has no '_'", () => {
    const solo = text("/s/solo.nd", `"NDInfoFile", Version 1.0\r\n"DoTimelapse", FALSE\r\n"EndFile"\r\n`);
    expect(group([solo, tif("/s/solo.TIF")]).filesets.map((f) => f.files)).toEqual([["/s/solo.nd", "/s/solo.TIF"]]);
  });
});

describe("BinaryOnly OME-TIFF", () => {
  const ns = 'xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"';
  const stub = (self: string) => `<OME ${ns}><BinaryOnly MetadataFile="set.companion.ome" UUID="${self}"/></OME>`;
  const companion = text(
    "/o/set.companion.ome",
    `<OME ${ns}><Image ID="Image:0"><Pixels ID="Pixels:0" SizeX="4" SizeY="4" SizeZ="1" SizeC="1" SizeT="1" Type="uint8"><TiffData><UUID FileName="a.ome.tif">urn:uuid:1</UUID></TiffData></Pixels></Image></OME>`,
  );

  it("one the companion does not name is ignored (pruned)", () => {
    const res = group([
      companion,
      tif("/o/a.ome.tif", { tiffDescription: stub("urn:uuid:1") }),
      tif("/o/c.ome.tif", { tiffDescription: stub("urn:uuid:9") }),
    ]);
    expect(setOf(res, "/o/a.ome.tif")?.files).toEqual(["/o/set.companion.ome", "/o/a.ome.tif"]);
    expect(why(res, "/o/c.ome.tif")).toMatch(/does not name it/);
  });
});

describe("FluoView OIF", () => {
  const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]);
  const oif = text(
    "/f/x.oif",
    utf16(
      '[ProfileSaveInfo]\r\nIniFileName0="x.oif.files/s_C001.pty"\r\nIniFileName1="x.oif.files/s_C002.pty"\r\nThumbnailFileName="x.oif.files/s_Thumb.pty"\r\n',
    ),
  );
  const pty = (n: number) => text(`/f/x.oif.files/s_C00${n}.pty`, utf16(`[File Info]\r\nDataName="s_C00${n}.tif"\r\n`));
  const whole = [oif, pty(1), pty(2), tif("/f/x.oif.files/s_C001.tif"), tif("/f/x.oif.files/s_C002.tif")];

  it("the thumbnail is a BMP of its own, a stray TIFF with '_' is ignored, one without is a TIFF", () => {
    const res = group([
      ...whole,
      plain("/f/x.oif.files/s_Thumb.bmp"),
      tif("/f/x.oif.files/x_copy.tif"),
      tif("/f/x.oif.files/notes.tif"),
    ]);
    expect(setOf(res, "/f/x.oif")!.files).toEqual(
      whole.map((f) => f.path).sort((a, b) => (a === "/f/x.oif" ? -1 : a < b ? -1 : 1)),
    );
    expect(setOf(res, "/f/x.oif.files/s_Thumb.bmp")?.reader).toBe(R("BMPReader"));
    expect(setOf(res, "/f/x.oif.files/notes.tif")?.reader).toBe(R("TiffDelegateReader"));
    expect(why(res, "/f/x.oif.files/x_copy.tif")).toMatch(/x\.oif does not name it/);
  });

  it("a channel TIFF a .pty names is missing: held whole, not imported half", () => {
    const res = group(whole.filter((f) => !f.path.endsWith("s_C002.tif")));
    expect(res.filesets[0]).toMatchObject({ entry: "/f/x.oif", missing: ["/f/x.oif.files/s_C002.tif"] });
    expect(res.filesets[0]!.expected).toHaveLength(4);
  });
});

describe("DeltaVision logs (findLogFiles)", () => {
  const dv = (path: string) => {
    const b = Buffer.alloc(1040);
    b.writeInt32LE(4, 0);
    b.writeInt32LE(4, 4);
    b.writeInt32LE(1, 8);
    b.writeInt16LE(-16224, 96);
    return text(path, b);
  };

  it("x_D3D.dv takes the raw image's x.dv.log; its own x_D3D.dv.log is not used", () => {
    const res = group([
      dv("/v/c_D3D.dv"),
      text("/v/c.dv.log", "raw"),
      text("/v/c_D3D.dv.log", "d3d"),
      text("/v/c_D3D_log.txt", "dec"),
    ]);
    expect(setOf(res, "/v/c_D3D.dv")?.files).toEqual(["/v/c_D3D.dv", "/v/c.dv.log", "/v/c_D3D_log.txt"]);
    expect(why(res, "/v/c_D3D.dv.log")).toMatch(/x_D3D\.dv takes the raw image's x\.dv\.log/);
  });

  it("an image whose only file beside it is a log it does not use is dropped by OMERO's scan", () => {
    const res = group([dv("/v/CELLS.DV"), text("/v/CELLS.DV.LOG", "raw")]);
    expect(res.filesets).toEqual([]);
    expect(why(res, "/v/CELLS.DV")).toMatch(/drops this fileset/);
  });
});

describe("readers that gather files by content or name", () => {
  it("Hitachi: x.txt ([SemImageFile]) and its image", () => {
    const res = group([text("/h/g.txt", "[SemImageFile]\r\nImageName=g.tif\r\n"), tif("/h/g.tif")]);
    expect(res.filesets.map((f) => [f.reader, f.files])).toEqual([[R("HitachiReader"), ["/h/g.txt", "/h/g.tif"]]]);
  });

  it("TCS: TIFFs of one session (DateTime within 10 minutes); an .xml starting <Data> is pruned", () => {
    const t = (p: string, at: string) => tif(p, { tiffSoftware: "TCS SP2", tiffText: { 306: `2003:05:06 ${at}` } });
    const res = group([t("/t/a001.tif", "10:00:00"), t("/t/a002.tif", "10:05:00"), t("/t/b001.tif", "14:00:00")]);
    expect(res.filesets.map((f) => f.files)).toEqual([["/t/a001.tif", "/t/a002.tif"], ["/t/b001.tif"]]);
    const withXml = group([t("/x/a001.tif", "10:00:00"), text("/x/a.xml", "<Data><Image/></Data>")]);
    // a.xml sorts before a001.tif: OMERO's scan opens the set through it and keeps nothing.
    expect(withXml.filesets).toEqual([]);
  });

  it("Trestle takes its folder, SlideBook TIFFs group by DateTime", () => {
    const tr = group([tif("/r/s.tif", { tiffText: { 33432: "Trestle Corp." } }), plain("/r/s.sld"), plain("/r/s.ROI")]);
    expect(tr.filesets.map((f) => [f.reader, f.files.length])).toEqual([[R("TrestleReader"), 3]]);
    const sb = (p: string, at: string) =>
      tif(p, { tiffSoftware: "SlideBook", tiffDescription: "", tiffTags: [256, 65000], tiffText: { 306: at } });
    const res = group([sb("/b/c0.tif", "x"), sb("/b/c1.tif", "x"), sb("/b/d0.tif", "y")]);
    expect(res.filesets.map((f) => f.files)).toEqual([["/b/c0.tif", "/b/c1.tif"], ["/b/d0.tif"]]);
  });

  it("ZeissTIFF: x.tif with x.tif_files/_meta.xml and the planes it names", () => {
    const xml = "<ROOT><Tags><Count>1</Count><V0>x.tif</V0><I0>1553</I0><A0>0</A0></Tags><p0><Tags></Tags></p0></ROOT>";
    const res = group([
      tif("/z/x.tif"),
      text("/z/x.tif_files/_meta.xml", xml),
      tif("/z/x.tif_files/x_p0.tif"),
      tif("/z/x.tif_files/x_p9.tif"),
    ]);
    expect(setOf(res, "/z/x.tif")?.files).toEqual(["/z/x.tif", "/z/x.tif_files/_meta.xml", "/z/x.tif_files/x_p0.tif"]);
    expect(why(res, "/z/x.tif_files/x_p9.tif")).toMatch(/does not name it as a plane/);
  });

  it("MetamorphTiff: integer-named MetaData TIFFs are one series", () => {
    const m = (p: string) => tif(p, { tiffDescription: "<MetaData><prop/></MetaData>" });
    expect(group([m("/n/1.tif"), m("/n/2.tif"), m("/n/10.tif")]).filesets.map((f) => f.files.length)).toEqual([3]);
  });

  it("Bruker: one fileset per study, waiting while no acquisition has pdata/1/2dseq", () => {
    const study = [
      "/k/s/1/acqp",
      "/k/s/1/fid",
      "/k/s/1/pdata/1/2dseq",
      "/k/s/1/pdata/1/reco",
      "/k/s/2/acqp",
      "/k/s/2/pdata/1/2dseq",
    ];
    const res = group(study.map((p) => plain(p)));
    expect(res.filesets.map((f) => [f.entry, f.files.length])).toEqual([["/k/s/1/acqp", 6]]);
    expect(group([plain("/k/r/5/acqp"), plain("/k/r/5/fid")]).pending).toHaveLength(2);
  });
});

describe("ScanR keeps the TIFFs its isThisType accepts", () => {
  it("a data/ TIFF without Software 'National Instruments IMAQ' is not the plate's", () => {
    const name = "A1--W00001--P00001--Z00000--T00000--DAPI.tif";
    const res = group([
      text("/s/experiment_descriptor.xml", "<LVData/>"),
      tif(`/s/data/${name}`, { tiffSoftware: "National Instruments IMAQ" }),
      tif("/s/data/A1--W00001--P00002--Z00000--T00000--DAPI.tif"),
    ]);
    expect(setOf(res, "/s/experiment_descriptor.xml")?.files).toEqual([
      "/s/experiment_descriptor.xml",
      `/s/data/${name}`,
    ]);
    expect(setOf(res, "/s/data/A1--W00001--P00002--Z00000--T00000--DAPI.tif")?.reader).toBe(R("TiffDelegateReader"));
  });
});

describe("Leica LIF companions (LIFReader.getSeriesUsedFiles)", () => {
  it("<series name>.xml, LeicaLogo.jpg and LASAF_CIP.xsl join the .lif; other XML does not", () => {
    const res = group([
      text("/l/exp.lif", lif(["Image 1", "Image 2"])),
      plain("/l/Image 1.xml"),
      plain("/l/LeicaLogo.jpg"),
      plain("/l/LASAF_CIP.xsl"),
      plain("/l/notes.xml"),
    ]);
    expect(setOf(res, "/l/exp.lif")?.files).toEqual([
      "/l/exp.lif",
      "/l/Image 1.xml",
      "/l/LASAF_CIP.xsl",
      "/l/LeicaLogo.jpg",
    ]);
    expect(why(res, "/l/notes.xml")).toBeDefined();
  });

  it("the logo without a .lif is a JPEG held for one", () => {
    expect(group([plain("/l2/LeicaLogo.jpg")]).filesets[0]?.hold).toMatch(/may belong to one not here yet/);
  });
});

describe("walkOrder: OMERO's candidate scan walks each folder's names in order", () => {
  it("compares path components, so a/x comes before a.b/x", () => {
    expect(["/r/a.b/x", "/r/a/x", "/r/a-c"].sort(walkOrder)).toEqual(["/r/a/x", "/r/a-c", "/r/a.b/x"]);
  });
});
