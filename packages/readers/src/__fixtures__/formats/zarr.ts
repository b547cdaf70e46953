/**
 * OME-Zarr layouts as ome-zarr-py / bioformats2raw write them: v2 (`.zgroup`, `.zattrs` with
 * `multiscales`, per array `.zarray` with `shape`, `chunks`, `dimension_separator` "/"), v3 / OME-Zarr 0.5
 * (`zarr.json` with `attributes.ome.multiscales`, arrays with `chunk_grid` and the default
 * `chunk_key_encoding` `c/...`), and a v2 HCS plate (`plate` -> well `.zattrs` `well.images` -> images).
 * Chunk contents are a few placeholder bytes.
 */
import type { FixtureFile } from "../hcs/plate";
import type { FormatFixture } from "./types";

const j = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2));
const CHUNK = Buffer.from([0, 1, 2, 3]);
export const ZARR_READERS = "ZarrReader[type=external]\nTiffDelegateReader\n";

/** Chunk keys of a grid, row-major, joined by `sep`. */
function keys(grid: number[], sep: string): string[] {
  let out = [""];
  for (const n of grid)
    out = out.flatMap((k) => Array.from({ length: n }, (_, i) => (k === "" ? `${i}` : `${k}${sep}${i}`)));
  return out;
}

const axes = [
  { name: "c", type: "channel" },
  { name: "y", type: "space" },
  { name: "x", type: "space" },
];

/** An image group: 2 resolution levels of a (2, 64, 64) array in (1, 32, 32) chunks -> 2x2x2 and 2x1x1 chunks. */
function imageV2(prefix: string, files: FixtureFile[], expected: string[]): void {
  const p = (s: string) => (prefix ? `${prefix}/${s}` : s);
  files.push({ path: p(".zgroup"), content: j({ zarr_format: 2 }), kind: prefix ? "metadata" : "index" });
  files.push({
    path: p(".zattrs"),
    content: j({ multiscales: [{ version: "0.4", axes, datasets: [{ path: "0" }, { path: "1" }] }] }),
    kind: "metadata",
  });
  expected.push(p(".zattrs"));
  [64, 32].forEach((size, level) => {
    const shape = [2, size, size];
    const chunks = [1, 32, 32];
    files.push({
      path: p(`${level}/.zarray`),
      content: j({
        zarr_format: 2,
        shape,
        chunks,
        dtype: "<u2",
        compressor: null,
        fill_value: 0,
        order: "C",
        filters: null,
        dimension_separator: "/",
      }),
      kind: "metadata",
    });
    expected.push(p(`${level}/.zarray`));
    for (const k of keys(
      shape.map((s, i) => Math.ceil(s / chunks[i]!)),
      "/",
    )) {
      files.push({ path: p(`${level}/${k}`), content: CHUNK, kind: "image" });
      expected.push(p(`${level}/${k}`));
    }
  });
}

export function zarrV2(): FormatFixture {
  const files: FixtureFile[] = [];
  const expected: string[] = [];
  imageV2("", files, expected);
  files.push({ path: "OME/METADATA.ome.xml", content: Buffer.from("<OME/>"), kind: "metadata" });
  return {
    entry: "img.zarr",
    reader: "loci.formats.in.ZarrReader",
    files: files.map((f) => ({ ...f, path: `img.zarr/${f.path}` })),
    expected: expected.map((e) => `img.zarr/${e}`),
    closed: false,
    readers: ZARR_READERS,
  };
}

export function zarrV3(): FormatFixture {
  const files: FixtureFile[] = [];
  const expected: string[] = ["zarr.json"];
  files.push({
    path: "zarr.json",
    content: j({
      zarr_format: 3,
      node_type: "group",
      attributes: { ome: { version: "0.5", multiscales: [{ axes, datasets: [{ path: "0" }] }] } },
    }),
    kind: "index",
  });
  const shape = [2, 50, 50];
  const chunk = [1, 32, 32];
  files.push({
    path: "0/zarr.json",
    content: j({
      zarr_format: 3,
      node_type: "array",
      shape,
      data_type: "uint16",
      chunk_grid: { name: "regular", configuration: { chunk_shape: chunk } },
      chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
      fill_value: 0,
      codecs: [{ name: "bytes", configuration: { endian: "little" } }],
    }),
    kind: "metadata",
  });
  expected.push("0/zarr.json");
  for (const k of keys([2, 2, 2], "/")) {
    files.push({ path: `0/c/${k}`, content: CHUNK, kind: "image" });
    expected.push(`0/c/${k}`);
  }
  return {
    entry: "img.ome.zarr",
    reader: "loci.formats.in.ZarrReader",
    files: files.map((f) => ({ ...f, path: `img.ome.zarr/${f.path}` })),
    expected: expected.map((e) => `img.ome.zarr/${e}`),
    closed: false,
    readers: ZARR_READERS,
  };
}

/** A v2 plate: 2 wells (A/1, B/2), one field each. */
export function zarrPlate(): FormatFixture {
  const files: FixtureFile[] = [];
  const expected: string[] = [".zattrs"];
  files.push({ path: ".zgroup", content: j({ zarr_format: 2 }), kind: "index" });
  const wells = [
    ["A", "1"],
    ["B", "2"],
  ];
  files.push({
    path: ".zattrs",
    content: j({
      plate: {
        version: "0.4",
        name: "plate",
        rows: [{ name: "A" }, { name: "B" }],
        columns: [{ name: "1" }, { name: "2" }],
        wells: wells.map(([r, c], i) => ({ path: `${r}/${c}`, rowIndex: i, columnIndex: i })),
        field_count: 1,
      },
    }),
    kind: "metadata",
  });
  for (const [r, c] of wells) {
    files.push({ path: `${r}/.zgroup`, content: j({ zarr_format: 2 }), kind: "metadata" });
    files.push({ path: `${r}/${c}/.zgroup`, content: j({ zarr_format: 2 }), kind: "metadata" });
    files.push({
      path: `${r}/${c}/.zattrs`,
      content: j({ well: { version: "0.4", images: [{ path: "0" }] } }),
      kind: "metadata",
    });
    expected.push(`${r}/${c}/.zattrs`);
    imageV2(`${r}/${c}/0`, files, expected);
  }
  return {
    entry: "plate.zarr",
    reader: "loci.formats.in.ZarrReader",
    files: files.map((f) => ({ ...f, path: `plate.zarr/${f.path}` })),
    expected: expected.map((e) => `plate.zarr/${e}`),
    closed: false,
    readers: ZARR_READERS,
  };
}
