/**
 * Independent corpus (readers-d): multi-file confocal and widefield formats as their software writes
 * them: Bruker/Prairie View (T-series with voltage recordings and References/, two acquisitions under one
 * parent, a frame missing), Vectra QPTIFF slides with inForm exports, Improvision OpenLab sets,
 * PerkinElmer UltraVIEW, Bio-Rad LaserSharp, NRRD from 3D Slicer.
 */
import { pic } from "../make/biorad";
import { improvisionSet } from "../make/improvision";
import { jpeg } from "../make/jpeg";
import { nrrd, nrrdHeader, nrrdRaw } from "../make/nrrd";
import { perkinElmerSet } from "../make/perkinelmer";
import { prairieSet, prairieTiffName } from "../make/prairie";
import { xyTable } from "../make/text";
import { tiff } from "../make/tiff";
import { annotations, qptiff } from "../make/vectra";
import { under } from "../make/files";
import type { GoldenLayout } from "../types";

const TS = "TSeries-03112024-0915-001";
const voltageXml = (base: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<VRecSessionEntry xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n  <DataFile>${base}_VoltageRecording_001.csv</DataFile>\n</VRecSessionEntry>\n`;
const voltageCsv = () => {
  let s = "Time(ms), Input 0, Input 1\n";
  for (let i = 0; s.length < 9000; i++) s += `${i}, ${(Math.sin(i / 10) * 5).toFixed(4)}, ${(i % 7) * 0.1}\n`;
  return s;
};

export const layouts: GoldenLayout[] = [
  {
    name: "c-prairie-tseries-voltage",
    note: "Prairie View 5 T-series: .xml, .env, TIFFs, voltage recording .xml/.csv and a References/ folder",
    files: under(TS, {
      ...prairieSet({ base: TS, frames: 3, channels: 2 }),
      [`${TS}_VoltageRecording_001.xml`]: voltageXml(TS),
      [`${TS}_VoltageRecording_001.csv`]: voltageCsv(),
      [`References/${TS}-Ch1-8bit-Reference.tif`]: tiff(),
      [`References/${TS}-Ch2-8bit-Reference.tif`]: tiff(),
    }),
  },
  {
    name: "c-prairie-two-zseries",
    note: "two Z-series folders side by side under the day's folder",
    files: {
      ...under("2024-03-11/ZSeries-03112024-1001-001", prairieSet({ base: "ZSeries-03112024-1001-001", frames: 2 })),
      ...under("2024-03-11/ZSeries-03112024-1002-002", prairieSet({ base: "ZSeries-03112024-1002-002", frames: 2 })),
    },
  },
  {
    name: "c-prairie-frame-missing",
    note: "a T-series copied without its last frame: held whole",
    files: prairieSet({ base: "TSeries-1", frames: 3, omit: [prairieTiffName("TSeries-1", 3, 1)] }),
    missingOnPurpose: [prairieTiffName("TSeries-1", 3, 1)],
  },
  {
    name: "c-prairie-singleimage-cfg",
    note: "Prairie View 4 single image: .xml, Config.cfg and a stray notes file",
    files: {
      ...prairieSet({ base: "SingleImage-001", frames: 1, channels: 2, config: "cfg" }),
      "notes.txt": "laser 920 nm, 30 mW\n",
    },
  },
  {
    name: "c-vectra-slide-inform",
    note: "a Vectra QPTIFF with its annotations and inForm exports (component data, seg maps, cell table)",
    files: {
      "Slide 12_Scan1.qptiff": qptiff(3),
      "Slide 12_Scan1_annotations.xml": annotations(),
      "Slide 12_[12345,6789]_component_data.tif": tiff({ planes: 3 }),
      "Slide 12_[12345,6789]_binary_seg_maps.tif": tiff({ planes: 2 }),
      "Slide 12_[12345,6789]_cell_seg_data.txt": xyTable({ title: null, channels: ["DAPI"], minBytes: 200 }),
    },
  },
  {
    name: "c-vectra-two-scans",
    note: "two scans of a slide in one folder with the fixed-name masks (each scan takes them all)",
    files: {
      "Slide 3_Scan1.qptiff": qptiff(2),
      "Slide 3_Scan2.qptiff": qptiff(2),
      "Slide 3_Scan1_annotations.xml": annotations(),
      "Label.tif": tiff(),
      "SampleMask.tif": tiff(),
    },
  },
  {
    name: "c-improvision-two-sets",
    note: "two OpenLab multi-file TIFF sets (different SampleUUIDs) in one folder, with a Volocity-less notes.txt",
    files: {
      ...improvisionSet("cellA", { z: 2, c: 2, t: 1 }),
      ...improvisionSet("cellB", { z: 1, c: 2, t: 2 }),
      "notes.txt": "imaged with OpenLab 5\n",
    },
  },
  {
    name: "c-improvision-upper-spaces",
    note: "an OpenLab set with upper-case .TIF names and spaces",
    files: Object.fromEntries(
      Object.entries(improvisionSet("neuron 1", { z: 3, c: 1, t: 1 })).map(([k, v]) => [k.replace(".tif", ".TIF"), v]),
    ),
  },
  {
    name: "c-perkinelmer-ultraview",
    note: "UltraVIEW export: .htm, .tim, .csv, .zpo, .cfg and planes, with a second set in the same folder",
    files: {
      ...perkinElmerSet({ base: "cell1", planes: 3, extras: ["tim", "csv", "zpo", "cfg"] }),
      ...perkinElmerSet({ base: "cell2", planes: 2 }),
    },
  },
  {
    name: "c-perkinelmer-in-folder",
    note: "an UltraVIEW set one folder down, with a Windows Thumbs.db",
    files: under("run 2", { ...perkinElmerSet({ base: "embryo", planes: 2 }), "Thumbs.db": Buffer.alloc(1024, 1) }),
  },
  {
    name: "c-biorad-lasersharp",
    note: "LaserSharp: lse.xml with three .pic files and a .raw it does not know",
    files: {
      "lse.xml": `<?xml version="1.0" encoding="UTF-8"?>\n<Root>\n</Root>\n`,
      "cell01.pic": pic(),
      "cell02.pic": pic(),
      "cell03.pic": pic(),
      "cell03.raw": Buffer.alloc(64),
    },
  },
  {
    name: "c-biorad-upper-companion",
    note: "upper-case LSE.XML and .PIC names (Windows): the companion test is exact-case, LSE.XML opens CELL01.PIC without joining it",
    files: { "LSE.XML": `<?xml version="1.0" encoding="UTF-8"?>\n<Root>\n</Root>\n`, "CELL01.PIC": pic() },
  },
  {
    name: "c-nrrd-slicer-scene",
    note: "a 3D Slicer scene: .mrml, Data/ with a detached .nhdr + .raw and an attached .nrrd, a screenshot",
    files: {
      "Scene.mrml": `<?xml version="1.0" encoding="UTF-8"?>\n<MRML version="Slicer4.4.0">\n</MRML>\n`,
      "Scene-screenshot.png": jpeg(16, 16),
      "Data/volume.nhdr": nrrdHeader("volume.raw"),
      "Data/volume.raw": nrrdRaw(),
      "Data/segmentation.nrrd": nrrd(),
    },
  },
  {
    name: "c-nrrd-raw-renamed",
    note: "a detached header naming a data file that was renamed: the .nhdr alone is refused, the .raw is nothing",
    files: { "ct.nhdr": nrrdHeader("ct.raw"), "ct_old.raw": nrrdRaw() },
    missingOnPurpose: ["ct.raw"],
  },
];
