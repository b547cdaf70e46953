/**
 * The one table of configuration properties. The loader, `config list|get|set|check`, the
 * did-you-mean suggestions and the README reference are all generated from it. Pure. The
 * definitions live in properties/, one file per subject; add a property to the file of its subject.
 */
import { IMPORTER_PROPERTIES } from "./properties/importers";
import { IMPORT_PROPERTIES } from "./properties/imports";
import { NODE_HTTP_PROPERTIES } from "./properties/node-http";
import { REMOTE_MONITOR_PROPERTIES } from "./properties/remote-monitor";
import { SERVER_PROPERTIES } from "./properties/servers";
import { WAITING_PROPERTIES } from "./properties/waiting";
import { WATCH_PROPERTIES } from "./properties/watch";
import type { PropertyDef } from "./properties/def";

export {
  EVENT_TYPES,
  MAX_TIMER_MS,
  MAX_TIMER_SECONDS,
  PATH_MODES,
  type PropertyDef,
  type PropertyKind,
  type PropertyScope,
} from "./properties/def";

/** Every property omero-fs reads, in the order `config list` and the README show them. */
export const PROPERTIES: readonly PropertyDef[] = [
  ...WATCH_PROPERTIES,
  ...WAITING_PROPERTIES,
  ...REMOTE_MONITOR_PROPERTIES,
  ...IMPORT_PROPERTIES,
  ...SERVER_PROPERTIES,
  ...IMPORTER_PROPERTIES,
  ...NODE_HTTP_PROPERTIES,
];

/**
 * OMERO properties that exist in its templates.xml but mean nothing to omero-fs (Ice wiring, the
 * root session, the per-import session). Accepted so a whole OMERO file loads; listed as notes.
 */
export const OMERO_UNUSED_PROPERTIES: readonly string[] = [
  "omero.fs.host",
  "omero.fs.port",
  "omero.fs.maxRetries",
  "omero.fs.retryInterval",
  "omero.fs.timeToLive",
  "omero.fs.timeToIdle",
  "omero.fs.platformCheck",
  "omero.fs.serverIdString",
  "omero.fs.clientIdString",
  "omero.fs.clientAdapterName",
  "omero.fs.monitorServerIdString",
  "omero.fs.monitorServerAdapterName",
  "omero.fs.fileServerIdString",
  "omero.fs.fileServerAdapterName",
];

/** Never a property: the password is read from omeroPasswordFile or $OMERO_FS_OMERO_PASSWORD only. */
export const PASSWORD_PROPERTY = "omero.fs.omeroPassword";
