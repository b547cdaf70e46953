import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The home directory: --home, else $OMERO_FS_HOME, else ~/.omero-fs (docs/ARCHITECTURE.md, "Processes"). */
export function resolveHome(flag?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flag || env.OMERO_FS_HOME || path.join(os.homedir(), ".omero-fs");
  return path.resolve(raw);
}

/** A Unix socket path holds at most 107 bytes (sun_path is 108 with the NUL). */
export const MAX_SOCKET_PATH = 107;

export interface HomePaths {
  home: string;
  etc: string;
  templatesXml: string;
  configJson: string;
  log: string;
  run: string;
  /** Where ipc:// sockets live: run/, or a short per-home fallback when run/ is too deep. */
  sockets: string;
  /** True when `sockets` is the short fallback (say so in logs and status). */
  socketsFallback: boolean;
  db: string;
  ledger: string;
  monitorSnapshots: string;
  data: string;
}

/** Layout of a home (docs/ARCHITECTURE.md, "Processes"). Pure: creates nothing. */
export function homePaths(home: string): HomePaths {
  const run = path.join(home, "var", "run");
  // The longest socket name we bind is "monitor-events.sock" (19 bytes) + "/".
  const longest = path.join(run, "monitor-control.sock");
  const fallback = Buffer.byteLength(longest) > MAX_SOCKET_PATH;
  const sockets = fallback
    ? path.join(os.tmpdir(), `omero-fs-${createHash("sha1").update(home).digest("hex").slice(0, 12)}`)
    : run;
  return {
    home,
    etc: path.join(home, "etc"),
    templatesXml: path.join(home, "etc", "grid", "templates.xml"),
    configJson: path.join(home, "etc", "config.json"),
    log: path.join(home, "var", "log"),
    run,
    sockets,
    socketsFallback: fallback,
    db: path.join(home, "var", "db"),
    ledger: path.join(home, "var", "db", "dropbox.sqlite"),
    monitorSnapshots: path.join(home, "var", "monitor"),
    data: path.join(home, "data"),
  };
}

/** Default ipc:// endpoints for a home. */
export function defaultEndpoints(home: string): {
  monitorControl: string;
  monitorEvents: string;
  dropboxControl: string;
  nodeControl: string;
} {
  const s = homePaths(home).sockets;
  return {
    monitorControl: `ipc://${path.join(s, "monitor-control.sock")}`,
    monitorEvents: `ipc://${path.join(s, "monitor-events.sock")}`,
    dropboxControl: `ipc://${path.join(s, "dropbox-control.sock")}`,
    nodeControl: `ipc://${path.join(s, "node-control.sock")}`,
  };
}

/** Create var/run (and the socket dir) with mode 0700, and the other var/ folders. */
export function ensureHomeDirs(home: string): HomePaths {
  const p = homePaths(home);
  for (const d of [p.log, p.db, p.monitorSnapshots, p.etc]) fs.mkdirSync(d, { recursive: true });
  for (const d of [p.run, p.sockets]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(d, 0o700);
  }
  return p;
}
