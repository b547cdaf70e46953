/** Olympus FluoView OIF/OIB (FV1000Reader): `x.oif` + `x.oif.files/`. */
import { bmp, oifSet as oif } from "../make/oif";
import { without } from "../make/files";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

/** As FluoView writes it: UTF-16 INI files, a LUT per channel, the .bmp thumbnail. */
const oifSet = (name: string, dir = "") => oif(name, { utf16: true, luts: true, thumb: true, dir: dir && `${dir}/` });
const set = oifSet("Image0001_01");
const F = "Image0001_01.oif.files";

export const layouts: GoldenLayout[] = [
  { name: "fv-oif-whole", files: set },
  { name: "fv-oif-ascii-bare", files: oif("cells") },
  { name: "fv-oif-stray-tiff", note: "a stray TIFF in x.oif.files/", files: { ...set, [`${F}/notes.tif`]: tiff() } },
  { name: "fv-oif-stray-tiff-underscore", files: { ...set, [`${F}/Image0001_01_copy.tif`]: tiff() } },
  { name: "fv-oif-thumbnail-only-extra", note: "the OIF thumbnail", files: { ...set, [`${F}/s_Thumb2.bmp`]: bmp() } },
  {
    name: "fv-oif-channel-tiff-missing",
    files: without(set, `${F}/s_C002.tif`),
    missingOnPurpose: [`${F}/s_C002.tif`],
  },
  {
    name: "fv-oif-channel-pty-missing",
    files: without(set, `${F}/s_C002.pty`),
    missingOnPurpose: [`${F}/s_C002.pty`],
  },
  {
    name: "fv-oif-odd-files",
    files: {
      ...set,
      [`${F}/s_C003.tif`]: tiff(),
      [`${F}/notes_1.txt`]: "some notes\n",
      [`${F}/readme.txt`]: "some notes\n",
      [`${F}/s_C001.roi`]: "roi",
      [`${F}/extra.pty`]: "[File Info]\r\n",
      [`${F}/sub/s_C009.tif`]: tiff(),
    },
  },
  { name: "fv-oif-two-sets", files: { ...set, ...oifSet("Image0002_01") } },
  { name: "fv-oif-spaces-unicode", files: oifSet("Zelle ä 01") },
  { name: "fv-oif-in-subfolder", files: oifSet("scan", "mouse 3/day 2") },
  { name: "fv-oif-folder-without-entry", files: without(set, "Image0001_01.oif") },
];
