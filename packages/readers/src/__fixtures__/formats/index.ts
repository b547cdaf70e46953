/** Multi-file format fixtures (issue 10): pure generators of the names, folders and metadata each writes. */
export * from "./leica";
export * from "./sets";
export * from "./types";
export * from "./zarr";
