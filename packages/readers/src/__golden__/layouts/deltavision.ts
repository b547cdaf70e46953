/** DeltaVision (DeltavisionReader, RCPNLReader): the image and its optional logs (findLogFiles). */
import { dv as dvOf, dvLog } from "../make/dv";

const dv = (planes = 1) => dvOf({ planes });
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "dv-with-logs", files: { "cells.dv": dv(), "cells.dv.log": dvLog("raw"), "cells_log.txt": dvLog("deconv") } },
  {
    name: "dv-deconvolved-uses-raw-log",
    note: "cells_D3D.dv takes cells.dv.log (findLogFiles), not cells_D3D.dv.log",
    files: {
      "cells_D3D.dv": dv(),
      "cells.dv.log": dvLog("raw"),
      "cells_D3D.dv.log": dvLog("d3d"),
      "cells_D3D_log.txt": dvLog("deconv"),
    },
  },
  {
    name: "dv-raw-and-deconvolved",
    files: {
      "cells.dv": dv(),
      "cells.dv.log": dvLog("raw"),
      "cells_D3D.dv": dv(),
      "cells_D3D_log.txt": dvLog("deconv"),
    },
  },
  { name: "dv-deconvolved-own-log-only", files: { "cells_D3D.dv": dv(), "cells_D3D.dv.log": dvLog("d3d") } },
  {
    name: "dv-deconvolved-own-log-and-txt",
    files: { "cells_D3D.dv": dv(), "cells_D3D.dv.log": dvLog("d3d"), "cells_D3D_log.txt": dvLog("deconv") },
  },
  { name: "dv-plain-log", files: { "img.dv": dv(2), "img.log": dvLog("plain") } },
  { name: "dv-log-alone", files: { "lost.dv.log": dvLog("raw"), "lost_log.txt": dvLog("deconv") } },
  { name: "dv-upper-case", files: { "CELLS.DV": dv(), "CELLS.DV.LOG": dvLog("raw") } },
  { name: "dv-r3d", files: { "stack.r3d": dv(2), "stack.r3d.log": dvLog("raw") } },
  { name: "dv-rcpnl", files: { "panel.rcpnl": dv(), "panel.rcpnl.log": dvLog("raw"), "panel_log.txt": dvLog("d") } },
  { name: "dv-spaces-unicode", files: { "Zelle ß 1.dv": dv(), "Zelle ß 1.dv.log": dvLog("raw") } },
];
