/** Workspace imports for the e2e harness (resolved to sources by jest's moduleNameMapper). */
export * from "@omero-fs/protocol";
export * from "@omero-fs/protocol/zmq";
export { defaultEndpoints } from "@omero-fs/config";
