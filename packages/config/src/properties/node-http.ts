import type { PropertyDef } from "./def";

/** Global: the node's HTTP server and notifications (packages/cli/README.md). */
export const NODE_HTTP_PROPERTIES: readonly PropertyDef[] = [
  {
    name: "omero.fs.httpAddress",
    short: "httpAddress",
    scope: "global",
    kind: "listen",
    default: "127.0.0.1:4095",
    description:
      "host:port of the node's read-only HTTP server (status page, /api, /metrics); `off` disables it. Anything but loopback needs httpToken",
  },
  {
    name: "omero.fs.httpToken",
    short: "httpToken",
    scope: "global",
    kind: "string",
    default: "",
    description:
      "Bearer token the HTTP server requires (Authorization: Bearer <token>); required unless httpAddress is loopback. Prefer $OMERO_FS_HTTP_TOKEN",
  },
  {
    name: "omero.fs.notifyOn",
    short: "notifyOn",
    scope: "global",
    kind: "enum",
    default: "failed",
    allowed: ["failed", "all"],
    description: "Notify when a fileset ends failed (after its retries), or also when one is imported (all)",
  },
  {
    name: "omero.fs.notifyUsers",
    short: "notifyUsers",
    scope: "global",
    kind: "enum",
    default: "off",
    allowed: ["off", "failed", "all"],
    description:
      "omero importer: also mail the OMERO user who dropped the files (their address in OMERO) when their import fails or is incomplete (failed), or also when it is imported (all); needs omero.fs.notifySmtp",
  },
  {
    name: "omero.fs.webUrl",
    short: "webUrl",
    scope: "global",
    kind: "string",
    default: "",
    description:
      "OMERO.web's webclient URL (e.g. https://omero.example.org/webclient/): every imported fileset links to its images there (page, imports show, mails, the API)",
  },
  {
    name: "omero.fs.notifyWebhook",
    short: "notifyWebhook",
    scope: "global",
    kind: "string",
    default: "",
    description: 'http(s) URL that gets a POST {"event", "fileset"} per notification; empty = none',
  },
  {
    name: "omero.fs.notifySmtp",
    short: "notifySmtp",
    scope: "global",
    kind: "string",
    default: "",
    description:
      "Mail server for notifications: smtp://host:port (STARTTLS when offered) or smtps://host:port; empty = no e-mail",
  },
  {
    name: "omero.fs.notifyEmail",
    short: "notifyEmail",
    scope: "global",
    kind: "list",
    default: "",
    description: "`,` list of addresses notification e-mails go to (the facility's)",
  },
  {
    name: "omero.fs.notifyEmailFrom",
    short: "notifyEmailFrom",
    scope: "global",
    kind: "string",
    default: "",
    description: "From: address of notification e-mails; empty = omero-fs@<host name>",
  },
  {
    name: "omero.fs.notifySmtpUser",
    short: "notifySmtpUser",
    scope: "global",
    kind: "string",
    default: "",
    description: "User for SMTP authentication; empty = none",
  },
  {
    name: "omero.fs.notifySmtpPasswordFile",
    short: "notifySmtpPasswordFile",
    scope: "global",
    kind: "file",
    default: "",
    description: "Absolute path of a file holding the SMTP password (never in config.json)",
  },
];
