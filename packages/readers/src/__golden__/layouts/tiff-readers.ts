/**
 * Readers that gather files by name or content: HitachiReader, TCSReader, TrestleReader, SlidebookTiffReader,
 * MetamorphTiffReader, ZeissTIFFReader, BrukerReader (grouping/tiff-sets.ts, grouping/hitachi-bruker.ts).
 */
import { bmp } from "../make/oif";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const sem = (image: string) =>
  `[SemImageFile]\r\nInstructName=S-4800\r\nSampleName=grid 3\r\nImageName=${image}\r\nDate=2024/01/02\r\nTime=10:00:00\r\nDataSize=4x4\r\nPixelSize=1.5\r\n`;
const acqp = (scan: string) =>
  `##TITLE=Parameter List\n##$NI=1\n##$NR=1\n##$ACQ_ns_list_size=1\n##$ACQ_word_size=_16_BIT\n##$BYTORDA=little\n##$ACQ_size=( 2 )\n4 4\n##$ACQ_scan_name=( 64 )\n<${scan}>\n##$ACQ_time=<2020-01-02T10:00:00>\n##$ACQ_operator=nmr\n##$ACQ_institution=lab\n`;
const brukerScan = (dir: string, scan: string) => ({
  [`${dir}/acqp`]: acqp(scan),
  [`${dir}/fid`]: Buffer.alloc(32),
  [`${dir}/method`]: "##$Method=FLASH\n",
  [`${dir}/pdata/1/2dseq`]: Buffer.alloc(32),
  [`${dir}/pdata/1/reco`]: "##$RECO_size=( 2 )\n4 4\n##$RECO_wordtype=_16BIT_SGN_INT\n",
  [`${dir}/pdata/1/d3proc`]: "##$IM_SIX=4\n##$IM_SIY=4\n##$IM_SIZ=1\n##$IM_SIT=1\n",
});
/** AxioVision's `_meta.xml`: main Tags (Filename, 1553) and one element per plane with its Tags (Z, C, T, tile, size). */
const zeissMeta = (file: string, planes: string[]) => {
  const tags = (kv: [number, string | number][]) =>
    `<Tags><Count>${kv.length}</Count>${kv.map(([k, v], i) => `<V${i}>${v}</V${i}><I${i}>${k}</I${i}><A${i}>0</A${i}>`).join("")}</Tags>`;
  const plane = (n: string, c: number) =>
    `<${n}>${tags([
      [2819, 0],
      [2820, c],
      [2821, 0],
      [2822, 0],
      [2309, 4],
      [2310, 4],
    ])}</${n}>`;
  // Two main tags: ZeissTIFFHandler reuses the last Tag object when the next Tags block starts at the same index.
  return `<?xml version="1.0" encoding="UTF-8"?><ROOT>${tags([
    [1553, file],
    [2309, 4],
  ])}${planes.map((p, i) => plane(p, i)).join("")}</ROOT>`;
};
const tcs = (stamp: string) => tiff({ software: "TCS SP2", ascii: { 306: stamp } });
const slidebook = (stamp: string) =>
  tiff({ software: "SlideBook", description: "", ascii: { 306: stamp }, shorts: { 65000: 1 } });
const metaData = (n: number) =>
  tiff({
    description: `<MetaData><prop id="Description" type="string" value="plane ${n}"/><prop id="stage-label" type="string" value="A01 : Site 1"/><prop id="image-name" type="string" value="DAPI"/><PlaneInfo><prop id="z-position" type="float" value="${n}.0"/><prop id="_IllumSetting_" type="string" value="DAPI"/><prop id="wavelength" type="int" value="460"/><prop id="stage-position-x" type="float" value="100"/><prop id="stage-position-y" type="float" value="200"/></PlaneInfo></MetaData>`,
    shorts: { 254: 2 },
  });

export const layouts: GoldenLayout[] = [
  { name: "hitachi-tif", files: { "grid3.txt": sem("grid3.tif"), "grid3.tif": tiff() } },
  { name: "hitachi-bmp", files: { "grid4.txt": sem("grid4.bmp"), "grid4.bmp": bmp() } },
  { name: "hitachi-text-without-image", files: { "grid5.txt": sem("grid5.tif") } },
  {
    name: "hitachi-two-in-folder",
    files: { "a.txt": sem("a.tif"), "a.tif": tiff(), "b.txt": sem("b.tif"), "b.tif": tiff() },
  },
  {
    name: "tcs-series",
    files: {
      "scan001.tif": tcs("2003:05:06 10:00:00"),
      "scan002.tif": tcs("2003:05:06 10:01:00"),
      "scan003.tif": tcs("2003:05:06 10:02:00"),
      "scan.xml": "<Data><Image/></Data>",
    },
  },
  {
    name: "tcs-two-sessions",
    files: {
      "a001.tif": tcs("2003:05:06 10:00:00"),
      "a002.tif": tcs("2003:05:06 10:01:00"),
      "b001.tif": tcs("2003:05:06 14:00:00"),
    },
  },
  {
    name: "trestle-slide",
    files: {
      "slide.tif": tiff({ description: "Objective=20x;OverlapsXY=0 0", ascii: { 33432: "(c) Trestle Corp." } }),
      "slide.sld": "x",
      "slide.ROI": "r",
    },
  },
  {
    name: "slidebook-tiffs",
    files: {
      "cells_C0.tif": slidebook("2015:02:03 10:00:00"),
      "cells_C1.tif": slidebook("2015:02:03 10:00:00"),
      "other_C0.tif": slidebook("2015:02:04 11:00:00"),
    },
  },
  { name: "metamorph-tiff-numbered", files: { "1.tif": metaData(1), "2.tif": metaData(2), "3.tif": metaData(3) } },
  { name: "metamorph-tiff-single", files: { "scan.tif": metaData(1) } },
  { name: "zeiss-tiff-single", files: { "cells.tif": tiff(), "cells.tif_meta.xml": zeissMeta("cells.tif", ["p0"]) } },
  {
    name: "zeiss-tiff-planes",
    files: {
      "cells.tif": tiff(),
      "cells.tif_files/_meta.xml": zeissMeta("cells.tif", ["p0", "p1"]),
      "cells.tif_files/cells_p0.tif": tiff(),
      "cells.tif_files/cells_p1.tif": tiff(),
    },
  },
  {
    name: "zeiss-tiff-planes-stray",
    files: {
      "cells.tif": tiff(),
      "cells.tif_files/_meta.xml": zeissMeta("cells.tif", ["p0", "p1"]),
      "cells.tif_files/cells_p0.tif": tiff(),
      "cells.tif_files/cells_p1.tif": tiff(),
      "cells.tif_files/cells_extra.tif": tiff(),
      "cells.tif_files/notes.txt": "n",
    },
  },
  {
    name: "bruker-study",
    files: {
      "study/1/acqp": acqp("FLASH"),
      "study/1/fid": Buffer.alloc(32),
      "study/1/method": "##$Method=FLASH\n",
      "study/1/pdata/1/2dseq": Buffer.alloc(32),
      "study/1/pdata/1/reco":
        "##$RECO_size=( 2 )\n4 4\n##$RECO_wordtype=_16BIT_SGN_INT\n##$RECO_byte_order=littleEndian\n",
      "study/1/pdata/1/d3proc": "##$IM_SIX=4\n##$IM_SIY=4\n##$IM_SIZ=1\n##$IM_SIT=1\n",
      "study/subject": "##$SUBJECT_name=mouse\n",
    },
  },
  {
    name: "bruker-two-scans",
    files: { ...brukerScan("mouse/1", "FLASH"), ...brukerScan("mouse/2", "RARE"), "mouse/AdjStatePerStudy": "x" },
  },
  {
    name: "bruker-raw-only",
    note: "no pdata/1/2dseq yet",
    files: { "rat/5/acqp": acqp("EPI"), "rat/5/fid": Buffer.alloc(32) },
  },
];
