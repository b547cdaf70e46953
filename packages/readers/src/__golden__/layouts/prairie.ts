/** PrairieReader: `<PVScan>` XML + `.env`/`Config.cfg` + the TIFFs the XML lists. */
import type { GoldenLayout } from "../types";
import { prairieSet, prairieTiffName } from "../make/prairie";
import { tiff as goldenTiff } from "../make/tiff";

const under = (dir: string, files: Record<string, Buffer | string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));

export const layouts: GoldenLayout[] = [
  {
    name: "prairie-tseries",
    note: "a 5.4 T-series: XML, .env and two channels x two frames",
    files: under("TSeries-001", prairieSet({ base: "TSeries-001", channels: 2 })),
  },
  {
    name: "prairie-cfg",
    note: "a pre-5.2 Z-series with its <base>Config.cfg",
    files: under("ZSeries-004", prairieSet({ base: "ZSeries-004", config: "cfg", frames: 3 })),
  },
  {
    name: "prairie-stray",
    note: "an unlisted TIFF with the dataset's prefix (PrairieReader takes it and leaves it out) and an unrelated TIFF",
    files: under("ts", {
      ...prairieSet({ base: "TSeries-002" }),
      "TSeries-002_reference.tif": goldenTiff(),
      "overview.tif": goldenTiff(),
    }),
  },
  {
    name: "prairie-missing",
    note: "a listed TIFF not there (still copying)",
    files: under("m", prairieSet({ base: "TSeries-003", frames: 3, omit: [prairieTiffName("TSeries-003", 3, 1)] })),
    missingOnPurpose: [`m/${prairieTiffName("TSeries-003", 3, 1)}`],
  },
  {
    name: "prairie-upper",
    note: "upper-case .XML: PrairieReader looks for <prefix>.xml and does not find it",
    files: {
      "up/TSERIES-005.XML": prairieSet({ base: "TSERIES-005", frames: 1 })["TSERIES-005.xml"]!,
      [`up/${prairieTiffName("TSERIES-005", 1, 1)}`]: goldenTiff(),
    },
  },
  {
    name: "prairie-spaces",
    note: "names with spaces and Unicode",
    files: under("Maus Ü 1", prairieSet({ base: "Série 1", frames: 2 })),
  },
  {
    name: "prairie-noconfig",
    note: "XML and TIFFs only",
    files: under("nc", prairieSet({ base: "SingleImage-001", frames: 1, config: "none" })),
  },
  {
    name: "prairie-long-xml",
    note: "an XML of 100 KiB whose File list lies beyond the 64 KiB probe head (the probe reads it whole)",
    files: under("long", prairieSet({ base: "TSeries-010", frames: 2, padding: 100_000 })),
  },
];
