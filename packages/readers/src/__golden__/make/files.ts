/** Turns a readers fixture (`FormatFixture` / `PlateFixture`: a list of files) into a layout's file map. */
import type { FixtureFile } from "../../__fixtures__/hcs/plate";
import { tiff } from "./tiff";

/** The fixtures' TIFFs (tinyTiff: no strips, which Bio-Formats refuses) become `tiff()`s Bio-Formats opens. */
export function filesOf(list: readonly FixtureFile[], under = ""): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const f of list)
    out[under ? `${under}/${f.path}` : f.path] = isTinyTiff(f.content) ? realTiff(f.content) : f.content;
  return out;
}

function isTinyTiff(b: Buffer): boolean {
  return b.length < 2048 && b.toString("latin1", 0, 4) === "II*\0" && !tagOf(b, 273);
}

/** A little-endian TIFF's first-IFD tag value: ASCII as text, else true when present (the fixtures' TIFFs). */
function tagOf(b: Buffer, tag: number): string | boolean | undefined {
  const ifd = b.readUInt32LE(4);
  const n = b.readUInt16LE(ifd);
  for (let i = 0; i < n; i++) {
    const at = ifd + 2 + i * 12;
    if (b.readUInt16LE(at) !== tag) continue;
    if (b.readUInt16LE(at + 2) !== 2) return true;
    const count = b.readUInt32LE(at + 4);
    const off = count <= 4 ? at + 8 : b.readUInt32LE(at + 8);
    return b.toString("utf8", off, off + count).replace(/\0+$/, "");
  }
  return undefined;
}

/** The fixture TIFF as one Bio-Formats opens, with its ImageDescription and Software kept. */
function realTiff(b: Buffer): Buffer {
  const description = tagOf(b, 270);
  const software = tagOf(b, 305);
  return tiff({
    ...(typeof description === "string" ? { description } : {}),
    ...(typeof software === "string" ? { software } : {}),
  });
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
