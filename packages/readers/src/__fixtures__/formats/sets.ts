/**
 * Single-instrument multi-file sets: a `.pattern` file (FilePatternReader), an Olympus OIR acquisition
 * over 1 GiB (`x.oir` + `x_00001`... parts, no extension), a Zeiss CZI split acquisition (`x.czi`,
 * `x (1).czi`...), a Hamamatsu `.ndpis` (`NoImages=`, `ImageN=`), a MetaMorph `.nd` (its keys give the
 * `<base>_w<n><wave>_s<n>_t<n>.TIF` names MetamorphReader builds).
 */
import type { FixtureFile } from "../hcs/plate";
import { tinyTiff } from "../hcs/plate";
import type { FormatFixture } from "./types";

const GiB = 1024 * 1024 * 1024;

export function patternSet(): FormatFixture {
  const names: string[] = [];
  for (const z of ["01", "02", "03"]) for (const c of ["GFP", "RFP"]) names.push(`stack/img_z${z}_${c}.tif`);
  const files: FixtureFile[] = [
    // No folder in the pattern: FilePatternReader puts it in the .pattern's folder (a relative folder would be
    // resolved against the importer's working directory).
    { path: "stack/stack.pattern", content: Buffer.from("img_z<01-03>_<GFP,RFP>.tif\n"), kind: "index" },
    ...names.map((n) => ({ path: n, content: tinyTiff(), kind: "image" as const })),
  ];
  return {
    entry: "stack/stack.pattern",
    reader: "loci.formats.in.FilePatternReader",
    files,
    expected: names,
    closed: true,
  };
}

export function oirSet(parts = 2): FormatFixture {
  const files: FixtureFile[] = [
    { path: "cells.oir", content: Buffer.from("OLYMPUSRAWFORMAT"), kind: "index", size: 2 * GiB },
  ];
  const expected = ["cells.oir"];
  for (let n = 1; n <= parts; n++) {
    const name = `cells_${String(n).padStart(5, "0")}`;
    files.push({ path: name, content: Buffer.from("OLYMPUSRAWFORMAT"), kind: "image", size: GiB });
    expected.push(name);
  }
  return { entry: "cells.oir", reader: "loci.formats.in.OIRReader", files, expected, closed: false };
}

export function cziSplit(parts = 2): FormatFixture {
  // A whole CZI file header (ZeissCZIReader refuses a file cut inside it); no segments.
  const head = Buffer.alloc(512);
  head.write("ZISRAWFILE", 0, "latin1");
  const files: FixtureFile[] = [{ path: "scan.czi", content: head, kind: "index" }];
  const expected = ["scan.czi"];
  for (let n = 1; n <= parts; n++) {
    files.push({ path: `scan (${n}).czi`, content: head, kind: "image" });
    expected.push(`scan (${n}).czi`);
  }
  return { entry: "scan.czi", reader: "loci.formats.in.ZeissCZIReader", files, expected, closed: false };
}

export function ndpisSet(): FormatFixture {
  const text =
    "[NanoZoomer Digital Pathology Image Set]\r\nNoImages=2\r\nImage0=slide-DAPI.ndpi\r\nImage1=slide-FITC.ndpi\r\n";
  const files: FixtureFile[] = [
    { path: "slide.ndpis", content: Buffer.from(text), kind: "index" },
    { path: "slide-DAPI.ndpi", content: tinyTiff(), kind: "image" },
    { path: "slide-FITC.ndpi", content: tinyTiff(), kind: "image" },
  ];
  return {
    entry: "slide.ndpis",
    reader: "loci.formats.in.NDPISReader",
    files,
    expected: ["slide-DAPI.ndpi", "slide-FITC.ndpi"],
    closed: true,
  };
}

export function metamorphNd(): FormatFixture {
  const nd = [
    `"NDInfoFile", Version 1.0`,
    `"Description", File recreated from images.`,
    `"StartTime1", 20250106 10:00:00`,
    `"DoTimelapse", TRUE`,
    `"NTimePoints", 2`,
    `"DoStage", TRUE`,
    `"NStagePositions", 2`,
    `"Stage1", "Pos 1"`,
    `"Stage2", "Pos 2"`,
    `"DoWave", TRUE`,
    `"NWavelengths", 2`,
    `"WaveName1", "DAPI"`,
    `"WaveDoZ1", FALSE`,
    `"WaveName2", "GFP (ex)"`,
    `"WaveDoZ2", FALSE`,
    `"DoZSeries", FALSE`,
    `"WaveInFileName", TRUE`,
    `"EndFile"`,
    "",
  ].join("\r\n");
  const names: string[] = [];
  for (const w of ["_w1DAPI", "_w2GFP -ex-"])
    for (const s of [1, 2]) for (const t of [1, 2]) names.push(`run1${w}_s${s}_t${t}.TIF`);
  const files: FixtureFile[] = [
    { path: "run1.nd", content: Buffer.from(nd), kind: "index" },
    ...names.map((n) => ({ path: n, content: tinyTiff(), kind: "image" as const })),
  ];
  return { entry: "run1.nd", reader: "loci.formats.in.MetamorphReader", files, expected: names, closed: true };
}
