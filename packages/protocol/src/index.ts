/**
 * The protocol's pure entry point: zod schemas, codec, CLI `--json` shapes and path rules. It
 * never loads the ZeroMQ addon; the sockets (control client and server) are in
 * `@omero-fs/protocol/zmq` (docs/ARCHITECTURE.md, "Wire protocol").
 */
export * from "./cli-json";
export * from "./codec";
export * from "./curve-keys";
export * from "./path-rules";
export * from "./schemas";
export * from "./zap";

/** The package version reported by `ping` and `--version`. */
export const OMERO_FS_VERSION = "0.1.0";
