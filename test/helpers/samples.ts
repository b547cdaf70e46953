/**
 * Minimal files that Bio-Formats (and so the DropBox's content checks) opens, for tests that need "an
 * image" of some name: a real TIFF, a real DeltaVision file. Other names get the given text.
 */
import { dv } from "../../packages/readers/src/__golden__/make/dv";
import { tiff } from "../../packages/readers/src/__golden__/make/tiff";

/** Content for `p` by its suffix; `variant` makes different bytes (and sizes) for the same name. */
export function sample(p: string, variant = ""): Buffer | string {
  const ln = p.toLowerCase();
  if (/\.(tif|tiff|tf2|tf8|btf)$/.test(ln)) return tiff(variant ? { description: variant } : {});
  if (/\.(dv|r3d|rcpnl)$/.test(ln)) return dv(variant ? { planes: 1 + variant.length } : {});
  return variant || "x";
}
