export { buildBlocks, MAX_BLOCK_EVENTS, splitBlocks } from "./blocking";
export { coalesceTypes, PendingEvents } from "./coalesce";
export { ControlError, StartupError } from "./errors";
export * from "./filters";
export { KnownTree } from "./known";
export { Monitor, type MonitorHost } from "./monitor";
export * from "./policy";
export { type MonitorServerHandle, type RunOptions, runMonitorServer } from "./server";
