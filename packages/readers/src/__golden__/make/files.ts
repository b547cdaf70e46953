/** Turns a readers fixture (`FormatFixture` / `PlateFixture`: a list of files) into a layout's file map. */
import type { FixtureFile } from "../../__fixtures__/hcs/plate";
import { tiff } from "./tiff";

/** The fixtures' TIFFs (tinyTiff: no strips, which Bio-Formats refuses) become `tiff()`s Bio-Formats opens. */
export function filesOf(list: readonly FixtureFile[], under = ""): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const f of list) out[under ? `${under}/${f.path}` : f.path] = isTinyTiff(f.content) ? tiff() : f.content;
  return out;
}

function isTinyTiff(b: Buffer): boolean {
  return b.length < 200 && b.toString("latin1", 0, 4) === "II*\0";
}

/** `files` without the named paths. */
export function without(files: Record<string, Buffer | string>, ...paths: string[]): Record<string, Buffer | string> {
  const out = { ...files };
  for (const p of paths) {
    if (!(p in out)) throw new Error(`layout has no ${p}`);
    delete out[p];
  }
  return out;
}

/** `files` moved under the folder `dir`. */
export function under(dir: string, files: Record<string, Buffer | string>): Record<string, Buffer | string> {
  return Object.fromEntries(Object.entries(files).map(([p, c]) => [`${dir}/${p}`, c]));
}
