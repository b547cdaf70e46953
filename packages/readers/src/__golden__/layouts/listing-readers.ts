/** Entries listing their members: Visitech, L2D, Hamamatsu VMS, Aperio AFI, Image-Pro IPS (listing-readers.ts). */
import { afi, ips, l2d, l2dScan, seqTiff, svs, visitechReport, visitechXys, vms, vmsJpeg } from "../make/slides";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const under = (dir: string, files: Record<string, Buffer | string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));

export const layouts: GoldenLayout[] = [
  {
    name: "visitech-two-channels",
    files: { "vt/exp 1.xys": visitechXys(), "vt/exp 2.xys": visitechXys(), "vt/exp Report.html": visitechReport(2) },
  },
  {
    name: "visitech-stray",
    note: "a note named like the set: VisitechReader takes it (exp 1.xys exists) and leaves it out",
    files: { "vs/run 1.xys": visitechXys(), "vs/run Report.html": visitechReport(1), "vs/run notes.txt": "n\n" },
  },
  {
    name: "l2d-two-scans",
    files: {
      "lc/blot.l2d": l2d(["scan1", "scan2"]),
      ...under("lc", { ...l2dScan("scan1", [700, 800]), ...l2dScan("scan2", [700]) }),
    },
  },
  {
    name: "vms-slide",
    files: {
      "hm/slide.vms": vms("slide"),
      "hm/slide.jpg": vmsJpeg(),
      "hm/slide_map.jpg": vmsJpeg(),
      "hm/slide_macro.jpg": vmsJpeg(),
      "hm/slide.opt": "opt\n",
      "hm/other.jpg": vmsJpeg(),
    },
  },
  {
    name: "afi-channels",
    files: {
      "af/slide.afi": afi(["slide_DAPI.svs", "slide_FITC.svs"]),
      "af/slide_DAPI.svs": svs(),
      "af/slide_FITC.svs": svs(),
    },
  },
  {
    name: "seq-ips",
    files: {
      "ip/stack.ips": ips(["a.seq", "b.seq"], 2),
      "ip/a.seq": seqTiff(),
      "ip/b.seq": seqTiff(),
      "ip/c.tif": tiff(),
    },
  },
  {
    name: "vms-missing-macro",
    note: "the macro JPEG not there yet: held whole (HamamatsuVMSReader fails without it)",
    files: {
      "hm2/slide.vms": vms("slide"),
      "hm2/slide.jpg": vmsJpeg(),
      "hm2/slide_map.jpg": vmsJpeg(),
      "hm2/slide.opt": "o\n",
    },
    missingOnPurpose: ["hm2/slide_macro.jpg"],
  },
  {
    name: "afi-missing",
    note: "one channel .svs not there yet: held whole",
    files: { "af2/s.afi": afi(["s_DAPI.svs", "s_Cy5.svs"]), "af2/s_DAPI.svs": svs() },
    missingOnPurpose: ["af2/s_Cy5.svs"],
  },
];
