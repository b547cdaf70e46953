/**
 * Olympus cellSens VSI (CellSensReader): `x.vsi` (a TIFF) and `_x_/stack<n>/frame_t*.ets` frame files.
 * A plain TIFF `.vsi` declares no pyramids, so every `.ets` is an orphan that CellSensReader still lists
 * (its extraFiles); the ETS needs the SIS/ETS headers and a pixel type it knows (UCHAR). Pure.
 */
import { makeEts } from "../../complete/__fixtures__/make";
import { tiff } from "./tiff";

export function ets(): Buffer {
  const b = makeEts(2, 16);
  b.writeInt32LE(2, 64 + 8); // pixel type UCHAR
  b.writeInt32LE(1, 64 + 12); // channels
  b.writeInt32LE(4, 64 + 28); // tile width
  b.writeInt32LE(4, 64 + 32); // tile height
  return b;
}

/** `<name>.vsi` and its `_<name>_/stack<n>/frame_t.ets` files, under `dir`. */
export function vsiSet(name: string, stacks = [1], dir = ""): Record<string, Buffer> {
  const out: Record<string, Buffer> = { [`${dir}${name}.vsi`]: tiff() };
  for (const s of stacks) out[`${dir}_${name}_/stack${s}/frame_t.ets`] = ets();
  return out;
}
