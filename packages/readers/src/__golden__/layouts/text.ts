/** Text tables (TextReader): what is an image and what is only a table. */
import { imagejResults, xyTable } from "../make/text";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "text-imagej-results",
    note: "issue 18 (not images): ImageJ Results.csv",
    files: { "Results.csv": imagejResults(20).replace(/\t/g, ",") },
  },
  { name: "text-imagej-results-large", files: { "Results.txt": imagejResults(400) } },
  { name: "text-xy-table", note: "x, y columns, over 8192 bytes", files: { "map.txt": xyTable({ minBytes: 9000 }) } },
  { name: "text-xy-table-csv", files: { "map.csv": xyTable({ minBytes: 9000, separator: "," }) } },
  { name: "text-xy-table-small", note: "under 8192 bytes", files: { "tiny.txt": xyTable() } },
  {
    name: "text-xy-table-no-title",
    note: "the header is the first line, which TextReader.isThisType skips",
    files: { "bare.txt": xyTable({ minBytes: 9000, title: null }) },
  },
  {
    name: "text-table-no-xy",
    note: "a numeric table without x and y columns",
    files: { "values.txt": xyTable({ minBytes: 9000 }).replace("x\ty\t", "a\tb\t") },
  },
  { name: "text-notes", files: { "notes.txt": "Sample prepared on Monday.\nStained with DAPI.\n" } },
];
