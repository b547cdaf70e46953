/** DeltaVision (DeltavisionReader): .dv/.r3d with optional logs. */
import { dv, dvLog } from "../make/dv";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "dv-single", files: { "cells.dv": dv() } },
  { name: "dv-with-log", files: { "cells.dv": dv({ planes: 2 }), "cells.dv.log": dvLog("cells.dv") } },
  {
    name: "dv-d3d-log",
    note: "issue 18 (elsewhere): a deconvolved cells_D3D.dv and the raw image's cells.dv.log",
    files: { "cells.dv": dv(), "cells.dv.log": dvLog("cells.dv"), "cells_D3D.dv": dv() },
  },
  {
    name: "dv-d3d-own-log",
    files: { "a_D3D.dv": dv(), "a_D3D.dv.log": dvLog("a_D3D.dv"), "a_D3D_log.txt": "decon log\n" },
  },
  { name: "dv-r3d-log-txt", files: { "scan.r3d": dv(), "scan_log.txt": "r3d log\n" } },
  { name: "dv-log-without-image", files: { "lonely.dv.log": dvLog("lonely.dv") } },
  {
    name: "dv-wrong-content",
    note: "issue 18 (not images): a .dv that is not DeltaVision",
    files: { "notes.dv": "this is not a DeltaVision file\n".repeat(40) },
  },
];
