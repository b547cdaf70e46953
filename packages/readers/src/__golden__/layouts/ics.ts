/** ICS (ICSReader): ICS 1.0 pairs and ICS 2.0 single files. */
import { ics2, icsPair } from "../make/ics";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "ics-pair", files: icsPair("cells") },
  { name: "ics-pair-upper", files: icsPair("CELLS", { upper: true }) },
  { name: "ics-v2", files: { "single.ics": ics2("single") } },
  {
    name: "ics-ids-alone",
    files: { "orphan.ids": icsPair("orphan")["orphan.ids"]! },
  },
];
