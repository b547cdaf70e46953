/**
 * `@omero-fs/protocol/zmq`: the ZeroMQ side of the wire protocol (loads the zeromq addon). The
 * control client and the one control-server implementation used by the node, the MonitorServer
 * and the DropBox (docs/ARCHITECTURE.md, "Wire protocol").
 */
export * from "./client";
export * from "./curve";
export * from "./list";
export * from "./secure";
export * from "./server";
export * from "./tcp";
