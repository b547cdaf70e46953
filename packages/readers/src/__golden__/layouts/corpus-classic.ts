/**
 * Independent corpus (readers-d): DeltaVision softWoRx folders (raw, deconvolved, projected, their logs),
 * Olympus FluoView OIF sets as FV10-ASW writes them, ImageJ results beside images, Analyze and NIfTI
 * volumes as SPM and FSL leave them.
 */
import { gzipSync } from "node:zlib";
import { analyzeHeader, analyzeImage, nii } from "../make/analyze";
import { dv, dvLog } from "../make/dv";
import { under } from "../make/files";
import { bmp, oifSet } from "../make/oif";
import { imagejResults, xyTable } from "../make/text";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const imagejCsv = (rows: number) => {
  let s = " ,Area,Mean,StdDev,Min,Max,X,Y\n";
  for (let i = 1; i <= rows; i++) s += `${i},${10 + i},${100 + i}.5,3.2,40,220,${2 * i}.25,${3 * i}.75\n`;
  return s;
};

export const layouts: GoldenLayout[] = [
  {
    name: "c-dv-softworx-folder",
    note: "softWoRx: cell_R3D.dv with its log, the deconvolved cell_R3D_D3D.dv with its own and the raw log, a projection",
    files: {
      "cell_R3D.dv": dv({ planes: 2 }),
      "cell_R3D.dv.log": dvLog("cell_R3D.dv"),
      "cell_R3D_D3D.dv": dv({ planes: 2 }),
      "cell_R3D_D3D.dv.log": dvLog("cell_R3D_D3D.dv"),
      "cell_R3D_D3D_log.txt": "Deconvolution: 10 cycles, conservative\n",
      "cell_R3D_D3D_PRJ.dv": dv(),
    },
  },
  {
    name: "c-dv-two-cells-deconvolved",
    note: "two raw/deconvolved pairs in one folder: each raw log is used by its raw and its deconvolved image",
    files: {
      "a.dv": dv(),
      "a.dv.log": dvLog("a.dv"),
      "a_D3D.dv": dv(),
      "b.dv": dv(),
      "b.dv.log": dvLog("b.dv"),
      "b_D3D.dv": dv(),
      "b_D3D_log.txt": "Deconvolution\n",
    },
  },
  {
    name: "c-dv-r3d-upper",
    note: "an OMX .r3d with its log, upper-case names, beside a cut .dv",
    files: {
      "SIM_01.R3D": dv({ planes: 3 }),
      "SIM_01.R3D.LOG": dvLog("SIM_01.R3D"),
      "cut.dv": dv({ planes: 3 }).subarray(0, 600),
    },
  },
  {
    name: "c-oif-fv10-session",
    note: "FV10-ASW: two .oif sets in a session folder (UTF-16 INI, LUTs, thumbnails) and a .roi file",
    files: {
      ...oifSet("Image0001_01", { channels: 2, utf16: true, luts: true, thumb: true, dir: "session 1/" }),
      ...oifSet("Image0002_01", { channels: 1, utf16: true, dir: "session 1/" }),
      "session 1/Image0001_01.oif.files/s_C001.roi": "[ROI]\r\nType=Rect\r\n",
    },
  },
  {
    name: "c-oif-files-folder-renamed",
    note: "the .oif.files folder renamed by the user: the .oif's listed files are missing; held whole",
    files: (() => {
      const set = oifSet("ZStack", { channels: 2 });
      const out: Record<string, Buffer | string> = {};
      for (const [k, v] of Object.entries(set)) out[k.replace("ZStack.oif.files/", "ZStack.oif.files copy/")] = v;
      return out;
    })(),
    missingOnPurpose: [
      "ZStack.oif.files/s_C001.pty",
      "ZStack.oif.files/s_C002.pty",
      "ZStack.oif.files/s_C001.tif",
      "ZStack.oif.files/s_C002.tif",
    ],
  },
  {
    name: "c-oif-bmp-export",
    note: "an .oif set with a BMP exported next to it",
    files: { ...oifSet("Cells", { channels: 1 }), "Cells.bmp": bmp(8, 8) },
  },
  {
    name: "c-imagej-results-beside-images",
    note: "ImageJ Results.csv and Summary.txt next to the TIFFs they were measured on",
    files: {
      "blot_1.tif": tiff(),
      "blot_2.tif": tiff(),
      "Results.csv": imagejCsv(40),
      "Summary.txt": "Slice\tCount\tTotal Area\tAverage Size\n blot_1.tif\t12\t340\t28.3\n",
      "Results.xls": imagejResults(40),
    },
  },
  {
    name: "c-imagej-large-results",
    note: "a large ImageJ results table (over 8 KiB) and a profile plot CSV with X and Y columns",
    files: {
      "Results.csv": imagejCsv(400),
      "Plot Values.csv": (() => {
        let s = "X,Y\n";
        for (let i = 0; i < 900; i++) s += `${i * 0.1},${(i % 13) * 1.5}\n`;
        return s;
      })(),
      "intensity table.txt": xyTable({ minBytes: 9000, title: "Intensity export" }),
    },
  },
  {
    name: "c-analyze-spm-session",
    note: "SPM: three Analyze pairs of a time series with their .mat files, upper-case names in a subject folder",
    files: under("sub-01", {
      "fMRI_0001.hdr": analyzeHeader({ depth: 2 }),
      "fMRI_0001.img": analyzeImage({ depth: 2 }),
      "fMRI_0001.mat": Buffer.alloc(200),
      "fMRI_0002.hdr": analyzeHeader({ depth: 2 }),
      "fMRI_0002.img": analyzeImage({ depth: 2 }),
      "MEAN.HDR": analyzeHeader(),
      "MEAN.IMG": analyzeImage(),
    }),
  },
  {
    name: "c-nifti-fsl-folder",
    note: "FSL: a .nii, a .nii.gz, a NIfTI pair (ni1), a bvals text file",
    files: {
      "T1.nii": nii({ depth: 2 }),
      "dwi.nii.gz": gzipSync(nii({ depth: 3 })),
      "mask.hdr": analyzeHeader({ nifti: "ni1" }),
      "mask.img": analyzeImage(),
      bvals: "0 1000 1000 1000\n",
    },
  },
];
