/** PerkinElmerReader: `.htm` + `.tim/.csv/.zpo/.cfg...` + TIFF or raw hex-suffixed planes with the name prefix. */
import { perkinElmerSet } from "../make/perkinelmer";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const under = (dir: string, files: Record<string, Buffer | string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));

export const layouts: GoldenLayout[] = [
  {
    name: "perkinelmer-tif",
    note: "an UltraVIEW set with TIFF planes, .tim, .csv, .zpo",
    files: under("uv", perkinElmerSet({ base: "cells", planes: 3 })),
  },
  {
    name: "perkinelmer-raw",
    note: "raw planes with hex suffixes (.2, .3 ...) and a .cfg",
    files: under("raw", perkinElmerSet({ base: "embryo", kind: "raw", planes: 3, extras: ["tim", "cfg"] })),
  },
  {
    name: "perkinelmer-stray",
    note: "a stray TIFF and a text file that do not share the name",
    files: under("st", { ...perkinElmerSet({ base: "cells", planes: 2 }), "other.tif": tiff(), "notes.txt": "n\n" }),
  },
  {
    name: "perkinelmer-upper",
    note: "upper-case .HTM and suffixes",
    files: {
      "UP/CELLS.HTM": perkinElmerSet({ base: "x" })["x.htm"]!,
      "UP/CELLS_001.TIF": tiff({ width: 8, height: 8 }),
      "UP/CELLS_002.TIF": tiff({ width: 8, height: 8 }),
    },
  },
  {
    name: "perkinelmer-spaces",
    note: "names with spaces and Unicode",
    files: under("Zellen ä", perkinElmerSet({ base: "Probe 1", planes: 2 })),
  },
  {
    name: "perkinelmer-htm-only",
    note: "the .htm and .tim before any plane: PerkinElmerReader fails (no plane files)",
    files: under("h", perkinElmerSet({ base: "early", planes: 0 })),
  },
];
