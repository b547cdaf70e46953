/** Bio-Rad (BioRadReader): .pic files, with lse.xml the folder's .pic files form one dataset. */
import { LSE_XML, pic } from "../make/biorad-pic";
import type { GoldenLayout } from "../types";

export const layouts: GoldenLayout[] = [
  {
    name: "biorad-lse-two-pics",
    note: "issue 18 (split): .pic files and lse.xml",
    files: { "lse.xml": LSE_XML, "cells01.pic": pic(), "cells02.pic": pic() },
  },
  { name: "biorad-pic-alone", files: { "single.pic": pic({ planes: 2 }) } },
];
