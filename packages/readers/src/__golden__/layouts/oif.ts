/** Olympus OIF (FV1000Reader) and folders named like a layout without their entry (`x.oif.files/`, `_x_/`). */
import { oifSet } from "../make/oif";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  { name: "oif-basic", files: oifSet("cells") },
  {
    name: "oif-stray-tiff",
    note: "issue 18 (swallowed): a stray TIFF in x.oif.files/",
    files: { ...oifSet("cells"), "cells.oif.files/extra.tif": tiff() },
  },
  {
    name: "oif-stray-tiff-underscore",
    note: "a stray s_extra.tif: FV1000Reader maps any <x>_<y>.tif in x.oif.files/ to the .oif",
    files: { ...oifSet("cells"), "cells.oif.files/s_extra.tif": tiff() },
  },
  {
    name: "oif-thumbnail",
    note: "issue 18 (swallowed): the OIF's thumbnail",
    files: oifSet("thumbs", { thumb: true }),
  },
  {
    name: "oif-missing-channel",
    note: "issue 18 (half): a listed channel TIFF is missing; Bio-Formats refuses the .oif",
    files: (() => {
      const f = oifSet("half", { channels: 3 });
      delete f["half.oif.files/s_C003.tif"];
      return f;
    })(),
    missingOnPurpose: ["half.oif.files/s_C003.tif"],
  },
  {
    name: "oif-files-without-entry",
    note: "issue 18 (elsewhere): TIFFs in x.oif.files/ whose .oif never comes",
    files: (() => {
      const f = oifSet("gone");
      delete f["gone.oif"];
      return f;
    })(),
  },
  {
    name: "vsi-ets-without-entry",
    note: "a cellSens stack folder with its .ets frames, the .vsi never comes",
    files: { "_scan_/stack1/frame_t.ets": Buffer.alloc(256), "_scan_/stack1/frame_t_0.ets": Buffer.alloc(256) },
  },
  {
    name: "volocity-data-without-entry",
    note: "a Volocity Data/ folder whose .mvd2 never comes",
    files: { "Data/1.aisf": Buffer.alloc(256), "Data/2.aisf": Buffer.alloc(256), "Data/notes.txt": "x\n" },
  },
  {
    name: "vsi-folder-without-entry",
    note: "issue 18 (elsewhere): TIFFs in a _x_/ folder whose .vsi never comes",
    files: { "_slide_/stack1/a.tif": tiff(), "_slide_/stack1/b.tif": tiff() },
  },
];
