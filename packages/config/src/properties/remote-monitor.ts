import type { PropertyDef } from "./def";

/** Per watch: which MonitorServer watches the folder (docs/ARCHITECTURE.md, "Processes"). */
export const REMOTE_MONITOR_PROPERTIES: readonly PropertyDef[] = [
  {
    name: "omero.fs.monitorControl",
    short: "monitorControl",
    scope: "watch",
    kind: "endpoint",
    default: "",
    description:
      "`;` list: the control endpoint of the MonitorServer that watches this watchDir (tcp://storagehost:PORT); empty = the MonitorServer this node runs (omero.fs.monitorBindControl)",
  },
  {
    name: "omero.fs.monitorEvents",
    short: "monitorEvents",
    scope: "watch",
    kind: "endpoint",
    default: "",
    description:
      "`;` list: the event endpoint of that MonitorServer; set in the same slots as omero.fs.monitorControl (empty = the local one)",
  },
  {
    name: "omero.fs.monitorServerKey",
    short: "monitorServerKey",
    scope: "watch",
    kind: "curveKey",
    default: "",
    description:
      "`;` list: the remote MonitorServer's CURVE public key (40 Z85 characters, or the path of its server.pub from `omero-fs curve keygen server`: absolute, or relative to etc/curve); needed for a tcp:// monitorControl unless omero.fs.insecureTcp=true",
  },
  {
    name: "omero.fs.monitorPathMap",
    short: "monitorPathMap",
    scope: "watch",
    kind: "pathMap",
    default: "",
    description:
      "`;` list of REMOTE=LOCAL: the remote MonitorServer sees LOCAL (this host's path, where watchDir is) as REMOTE; monitors are created on REMOTE paths and event paths are mapped back; empty = same paths",
  },
];
