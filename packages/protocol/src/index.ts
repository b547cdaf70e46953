export * from "./codec";
export * from "./schemas";

/** The package version reported by `ping` and `--version`. */
export const OMERO_FS_VERSION = "0.1.0";
export * from "./client";
export * from "./cli-json";
export * from "./path-rules";
