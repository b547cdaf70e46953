/**
 * Independent corpus (readers-d): the formats a core facility sees most, dropped as users drop them:
 * Zeiss CZI (split parts "x (1).czi"), Leica LIF, Nikon ND2, Olympus cellSens VSI with ETS frames,
 * plain TIFF series, a mixed drop with office and system files, trees deeper than OMERO walks, and
 * broken files (empty, cut, wrong content).
 */
import { makeNd2 } from "../../complete/__fixtures__/make";
import { ets, vsiSet } from "../make/cellsens";
import { czi } from "../make/czi";
import { under } from "../make/files";
import { jpeg } from "../make/jpeg";
import { lif } from "../make/lif";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const xlsx = () => Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(300, 1)]);

export const layouts: GoldenLayout[] = [
  {
    name: "c-czi-split-parts",
    note: "ZEN's split acquisition: scan.czi, scan (1).czi, scan (2).czi",
    files: { "scan.czi": czi({ planes: 2 }), "scan (1).czi": czi({ planes: 2 }), "scan (2).czi": czi() },
  },
  {
    name: "c-czi-parts-no-space-and-others",
    note: "parts named tile(1).czi beside a lone z.czi and a tile_2.czi that is no part",
    files: { "tile.czi": czi(), "tile(1).czi": czi(), "tile_2.czi": czi(), "z.czi": czi({ planes: 3 }) },
  },
  {
    name: "c-czi-part-without-master",
    note: "only the parts of a split acquisition were copied",
    files: { "exp (1).czi": czi(), "exp (2).czi": czi() },
  },
  {
    name: "c-czi-upper-unicode",
    note: "upper-case .CZI, spaces and Unicode, one broken (empty) and one cut CZI",
    files: {
      "Zellen 1 µm.CZI": czi(),
      "Zellen 2 µm.czi": czi({ planes: 2 }),
      "empty.czi": Buffer.alloc(0),
      "cut.czi": czi({ planes: 3 }).subarray(0, 700),
    },
  },
  {
    name: "c-lif-projects",
    note: "two LAS X projects with a .lifext-less export folder of TIFFs and a .xlsx",
    files: {
      "Project 1.lif": lif(["Series001", "Series002"]),
      "Project 2.lif": lif(["TileScan 1"]),
      "Project 1 exports/Series001_z0_ch00.tif": tiff(),
      "Project 1 exports/Series001_z0_ch01.tif": tiff(),
      "analysis.xlsx": xlsx(),
    },
  },
  {
    name: "c-nd2-folder",
    note: "NIS-Elements: several .nd2, one with a .bfoptions, a Thumbs.db, a wrong .nd2 (a text file)",
    files: {
      "well_A1.nd2": makeNd2(),
      "well_A2.nd2": makeNd2(),
      "well_A2.nd2.bfoptions": "nativend2.chunkmap=false\n",
      "Thumbs.db": Buffer.alloc(256, 2),
      "readme.nd2": "this is not an image\n",
    },
  },
  {
    name: "c-vsi-slide",
    note: "cellSens: slide.vsi with two stacks of .ets frames",
    files: vsiSet("Slide 01", [1, 10001]),
  },
  {
    name: "c-vsi-two-slides-and-orphan",
    note: "two .vsi slides in one folder and a _y_/ folder whose .vsi was not copied",
    files: {
      ...vsiSet("a", [1]),
      ...vsiSet("b", [1, 2]),
      "_y_/stack1/frame_t.ets": ets(),
    },
  },
  {
    name: "c-vsi-no-ets-folder",
    note: "a .vsi copied without its _x_/ folder",
    files: { "overview.vsi": tiff() },
  },
  {
    name: "c-tiff-series-numbered",
    note: "a plain TIFF series img_0001.tif ... (each its own image in Bio-Formats)",
    files: Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`img_${String(i + 1).padStart(4, "0")}.tif`, tiff()]),
    ),
  },
  {
    name: "c-facility-mixed-drop",
    note: "a user's drop: images of several formats, office files, macOS and Windows system files, an untitled folder",
    files: {
      "exp 12/cells.czi": czi(),
      "exp 12/cells.nd2": makeNd2(),
      "exp 12/cells.tif": tiff(),
      "exp 12/cells.jpg": jpeg(16, 16),
      "exp 12/protocol.pdf": "%PDF-1.4\n%%EOF\n",
      "exp 12/analysis.xlsx": xlsx(),
      "exp 12/.DS_Store": Buffer.alloc(64, 0),
      "exp 12/._cells.tif": Buffer.alloc(82, 0),
      "exp 12/desktop.ini": "[.ShellClassInfo]\r\n",
      "exp 12/untitled folder/more.tif": tiff(),
      "exp 12/cells.tif~": tiff(),
      "exp 12/macro.ijm": 'run("Measure");\n',
    },
  },
  {
    name: "c-depth-four-and-five",
    note: "images at depth 4 (walked) and 5 (beyond OMERO's depth limit)",
    files: {
      "a/b/c/d4.tif": tiff(),
      "a/b/c/d/d5.tif": tiff(),
      ...under("x/y/z", { "w.czi": czi() }),
      ...under("x/y/z/v", { "deep.czi": czi() }),
    },
  },
  {
    name: "c-broken-files",
    note: "files broken in ways copies break: empty TIFF, cut TIFF, TIFF that is HTML, ND2 cut to its header",
    files: {
      "empty.tif": Buffer.alloc(0),
      "cut.tif": tiff({ width: 64, height: 64 }).subarray(0, 300),
      "page.tif": "<html><body>404 Not Found</body></html>\n",
      "cut.nd2": makeNd2().subarray(0, 64),
      "good.tif": tiff(),
    },
  },
];
