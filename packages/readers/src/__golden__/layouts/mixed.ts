/** Mixed folders (several layouts side by side), Unicode folders, broken and partial files, nesting, multi-plane TIFFs. */
import { dv, dvLog } from "../make/dv";
import { icsPair } from "../make/ics";
import { mmAcquisition } from "../make/mm-acquisition";
import { imagejResults } from "../make/text";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "plain-mixed-folder",
    note: "several layouts in one folder and a sub-folder",
    files: {
      "a.tif": tiff(),
      ...icsPair("stain"),
      "cells.dv": dv(),
      "cells.dv.log": dvLog("cells.dv"),
      "Results.csv": imagejResults(5).replace(/\t/g, ","),
      "notes.txt": "slide 3\n",
      ...mmAcquisition("mm/"),
    },
  },
  {
    name: "plain-mixed-unicode",
    files: { "Probe 1 – Färbung/a b.tif": tiff(), ...icsPair("Probe 1 – Färbung/zelle ü") },
  },
  {
    name: "plain-broken",
    note: "broken files: a truncated TIFF header, an empty .tif, random bytes named .tif",
    files: {
      "cut.tif": tiff().subarray(0, 12),
      "empty.tif": Buffer.alloc(0),
      "noise.tif": Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256)),
      "good.tif": tiff(),
    },
  },
  {
    name: "plain-dot-and-partial",
    files: { ".DS_Store": Buffer.alloc(64), "._a.tif": Buffer.alloc(64), "a.tif": tiff(), "b.tif.filepart": tiff() },
  },
  {
    name: "plain-nested",
    note: "four levels deep (omero.import.depth); the DropBox imports files one fileset at a time, so depth is no limit there",
    files: { "a/b/c/nested.tif": tiff(), "a/top.tif": tiff() },
  },
  {
    name: "plain-multi-plane",
    files: { "stack.tif": tiff({ planes: 3 }), "stack16.TIF": tiff({ bits: 16, bigEndian: true }) },
  },
];
