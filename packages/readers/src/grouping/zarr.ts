/**
 * OME-Zarr completeness from its metadata (issue 10). Source for what the reader takes: ome/ZarrReader
 * 31d6d95, src/loci/formats/in/ZarrReader.java: isThisType (any path containing `.zarr`), initFile (the
 * root is the path cut after `.zarr`; the root group's attributes: `multiscales` datasets, `plate` wells,
 * `well` images; bioformats2raw series groups), getUsedFiles (every regular file under the root,
 * `labels/` excluded by default). The chunk files come from the Zarr specs:
 * - v2 (https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html): group `.zattrs`, array `.zarray`
 *   `shape`, `chunks`, `dimension_separator` ("." default, or "/"); chunk key = indices joined by it,
 *   "0" for a 0-d array;
 * - v3 (https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html): `zarr.json` (`attributes.ome`
 *   in OME-Zarr 0.5), `shape`, `chunk_grid.configuration.chunk_shape`, `chunk_key_encoding`: "default"
 *   -> `c/0/0/0` (separator "/" default, or "."), "v2" -> `0.0.0` (separator "." default); with sharding
 *   the grid cells are the shard files, still one file per cell.
 * Expected: every metadata file read on the way (root, plate/well groups, each multiscales array's
 * metadata) and every chunk of every array the multiscales list (not `labels/`: excluded by default).
 * Decision on absent chunks: Zarr allows them (the fill_value; zarr-python 3 skips empty chunks by
 * default), but a file copy cannot tell "never written" from "not copied yet", and half a Zarr is wrong
 * data; so every chunk is expected and a sparse Zarr waits (the DropBox's incompleteWait / `imports
 * release` end that). Never closed: labels/, OME/METADATA.ome.xml and other extra files may still come.
 * OMERO's ZarrReader at 31d6d95 reads v2 only (JZarr); v3 is modelled so its copies wait as well.
 */
import { join } from "../paths";
import type { Ctx, ListingFacts } from "./context";
import { wholeFileRead } from "../head";
import type { FilesetPlan } from "../types";

/** Chunks beyond this many per Zarr are not listed (the plan then keeps the quiet period). */
export const ZARR_EXPECTED_MAX = 100_000;

/** Zarr metadata names (dot files in v2): members of the Zarr, probed whole. */
export const ZARR_METADATA = new Set([".zattrs", ".zarray", ".zgroup", ".zmetadata", "zarr.json"]);

type Json = Record<string, unknown>;
type Read = { state: "absent" } | { state: "partial" } | { state: "ok"; json: Json };

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const ints = (v: unknown): number[] | null =>
  Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0) ? (v as number[]) : null;

/** The chunk keys of one array (relative to the array's folder); null when the metadata is not usable. */
export function chunkKeys(meta: Json, version: 2 | 3, max = ZARR_EXPECTED_MAX): string[] | null {
  const shape = ints(meta.shape);
  let chunks: number[] | null;
  let sep: string;
  let prefix: string;
  if (version === 2) {
    chunks = ints(meta.chunks);
    sep = meta.dimension_separator === "/" ? "/" : ".";
    prefix = "";
  } else {
    const grid = isObj(meta.chunk_grid) && isObj(meta.chunk_grid.configuration) ? meta.chunk_grid.configuration : {};
    chunks = ints(grid.chunk_shape);
    const enc = isObj(meta.chunk_key_encoding) ? meta.chunk_key_encoding : { name: "default" };
    const conf = isObj(enc.configuration) ? enc.configuration : {};
    if (enc.name === "v2") {
      sep = conf.separator === "/" ? "/" : ".";
      prefix = "";
    } else {
      sep = conf.separator === "." ? "." : "/";
      prefix = "c";
    }
  }
  if (!shape || !chunks || shape.length !== chunks.length || chunks.some((c) => c === 0)) return null;
  const grid = shape.map((s, i) => Math.ceil(s / chunks![i]!));
  const total = grid.reduce((a, b) => a * b, 1);
  if (total > max) return null;
  if (grid.length === 0) return [prefix || "0"];
  let keys = [""];
  for (const n of grid) {
    const next: string[] = [];
    for (const k of keys) for (let i = 0; i < n; i++) next.push(k === "" ? String(i) : `${k}${sep}${i}`);
    keys = next;
  }
  return prefix ? keys.map((k) => `${prefix}${sep}${k}`) : keys;
}

export function zarrFacts(ctx: Ctx, plan: FilesetPlan): ListingFacts | null {
  const root = plan.entry;
  const read = (p: string): Read => {
    const f = ctx.files.get(p);
    if (!f) return { state: "absent" };
    if (!f.probe?.head || !wholeFileRead(f)) return { state: "partial" };
    try {
      const j: unknown = JSON.parse(f.probe.head.toString("utf8"));
      return isObj(j) ? { state: "ok", json: j } : { state: "partial" };
    } catch {
      return { state: "partial" };
    }
  };
  const v3 = ctx.files.has(join(root, "zarr.json"));
  const version: 2 | 3 = v3 ? 3 : 2;
  if (!v3 && !ctx.files.has(join(root, ".zattrs")) && !ctx.files.has(join(root, ".zgroup"))) {
    // No root metadata seen. v3 chunks (default encoding `c/...`) prove a v3 Zarr whose root zarr.json is
    // still to come; v2 chunk names alone do not say which arrays exist (copy tools may also write the
    // dot files last), so without root metadata the quiet period decides.
    const v3Chunks = plan.files.some((p) => p.startsWith(`${root}/`) && p.slice(root.length).includes("/c/"));
    if (!v3Chunks) return null;
    return {
      required: [{ path: join(root, "zarr.json"), why: "root metadata of a Zarr v3 (its c/... chunks are here)" }],
    };
  }
  const expected: string[] = [];
  const required: ListingFacts["required"] = [];
  let known = true;
  let chunkCount = 0;
  const need = (p: string, why: string): Read => {
    expected.push(p);
    const r = read(p);
    if (r.state === "absent") required.push({ path: p, why });
    else if (r.state === "partial") known = false;
    return r;
  };
  const attrsOf = (group: string, why: string): Json | null => {
    const r = need(join(group, v3 ? "zarr.json" : ".zattrs"), why);
    if (r.state !== "ok") return null;
    const a = v3 ? r.json.attributes : r.json;
    if (!isObj(a)) return null;
    return isObj(a.ome) ? a.ome : a;
  };
  const array = (path: string, label: string) => {
    const r = need(join(path, v3 ? "zarr.json" : ".zarray"), `array metadata of ${label}`);
    if (r.state !== "ok") return;
    const keys = chunkKeys(r.json, version, ZARR_EXPECTED_MAX - chunkCount);
    if (!keys) {
      known = false;
      return;
    }
    chunkCount += keys.length;
    for (const k of keys) {
      const p = join(path, k);
      expected.push(p);
      if (!ctx.files.has(p)) required.push({ path: p, why: `chunk ${k} of ${label}` });
    }
  };
  const rel = (p: string) => p.slice(root.length + 1) || ".";
  const group = (path: string, depth: number) => {
    if (depth > 4) return;
    const a = attrsOf(path, `group metadata of ${rel(path)}`);
    if (!a) return;
    if (Array.isArray(a.multiscales)) {
      for (const ms of a.multiscales) {
        if (!isObj(ms) || !Array.isArray(ms.datasets)) continue;
        for (const d of ms.datasets)
          if (isObj(d) && typeof d.path === "string") array(join(path, d.path), `array ${rel(join(path, d.path))}`);
      }
    }
    if (isObj(a.plate) && Array.isArray(a.plate.wells)) {
      for (const w of a.plate.wells) if (isObj(w) && typeof w.path === "string") group(join(path, w.path), depth + 1);
    }
    if (isObj(a.well) && Array.isArray(a.well.images)) {
      for (const im of a.well.images)
        if (isObj(im) && typeof im.path === "string") group(join(path, im.path), depth + 1);
    }
  };
  group(root, 0);
  // bioformats2raw layout: series groups 0, 1, ... (their count is in OME/METADATA.ome.xml, not read
  // here): the present ones are expected, and the list is not known to be whole.
  const top = read(join(root, v3 ? "zarr.json" : ".zattrs"));
  const attrs = top.state === "ok" ? (v3 ? top.json.attributes : top.json) : undefined;
  const b2r =
    isObj(attrs) &&
    (attrs["bioformats2raw.layout"] !== undefined ||
      (isObj(attrs.ome) && attrs.ome["bioformats2raw.layout"] !== undefined));
  if (b2r) {
    known = false;
    for (let s = 0; s <= 100_000 && ctx.dirs.has(join(root, String(s))); s++) group(join(root, String(s)), 1);
  }
  if (chunkCount >= ZARR_EXPECTED_MAX) known = false;
  if (!known) return { required };
  return { expected: [...new Set(expected)], required };
}
