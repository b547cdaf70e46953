import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The home directory: --home, else $OMERO_FS_HOME, else ~/.omero-fs (docs/ARCHITECTURE.md, "Processes"). */
export function resolveHome(flag?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flag || env.OMERO_FS_HOME || path.join(os.homedir(), ".omero-fs");
  return path.resolve(raw);
}

/**
 * Modes of what omero-fs writes in a home: the SQLite stores (the ledger, var/db/notify.sqlite,
 * with their -wal and -shm) are the service user's alone; logs may be read by its group (admins
 * in the service's group read them); var/log, var/db and var/monitor let the group in, nobody else.
 */
export const HOME_MODES = { store: 0o600, log: 0o640, dir: 0o750 } as const;

/** Take away what `mode` does not allow from an existing file or folder (created ones get it at creation). */
export function restrictMode(file: string, mode: number): void {
  try {
    const st = fs.statSync(file);
    if ((st.mode & 0o777 & ~mode) !== 0) fs.chmodSync(file, st.mode & 0o777 & mode);
  } catch {
    // not there (yet): created with the mode
  }
}

/**
 * A SQLite store of the home (the ledger, var/db/notify.sqlite) is the service user's alone
 * (HOME_MODES.store): created so before SQLite opens it, and an older one, with its -wal and -shm,
 * made so. SQLite gives the -wal and -shm it creates the database file's mode.
 */
export function restrictStore(file: string): void {
  if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, "a", HOME_MODES.store));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) restrictMode(f, HOME_MODES.store);
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
  fs.mkdirSync(p.etc, { recursive: true });
  // What omero-fs writes about users (ledger, notifications, logs, snapshots) is not for everyone.
  for (const d of [p.log, p.db, p.monitorSnapshots]) {
    fs.mkdirSync(d, { recursive: true, mode: HOME_MODES.dir });
    restrictMode(d, HOME_MODES.dir);
  }
  for (const d of [p.run, p.sockets]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(d, 0o700);
  }
  return p;
}
