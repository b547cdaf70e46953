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

/** A home folder that cannot be used (it cannot be created, or is not a writable folder). */
export class HomeError extends Error {
  readonly code = "HOME_UNUSABLE";
}

/**
 * mkdir -p, one level at a time. Node's recursive mkdirSync never returns on some trees (under
 * /proc it retries ENOENT for ever): an unusable home must fail at once, naming the folder.
 */
export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  for (;;) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw homeError(d, e);
    }
    if (st) {
      if (!st.isDirectory()) throw new HomeError(`${d} is not a folder; choose another home (--home or OMERO_FS_HOME)`);
      break;
    }
    missing.unshift(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing) {
    try {
      fs.mkdirSync(m, mode === undefined ? undefined : { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw homeError(m, e);
    }
  }
}

function homeError(dir: string, e: unknown, verb = "create"): HomeError {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "EROFS"
        ? "read-only file system"
        : code === "ENOSPC"
          ? "no space left on the device"
          : code === "ENOENT" || code === "ENOTDIR"
            ? "this file system does not hold folders (e.g. /proc)"
            : code;
  return new HomeError(`cannot ${verb} ${dir}: ${why}; choose another home (--home or OMERO_FS_HOME)`);
}

/** Create var/run (and the socket dir) with mode 0700, and the other var/ folders. */
export function ensureHomeDirs(home: string): HomePaths {
  const p = homePaths(home);
  makeDirs(p.etc);
  // What omero-fs writes about users (ledger, notifications, logs, snapshots) is not for everyone.
  for (const d of [p.log, p.db, p.monitorSnapshots]) {
    makeDirs(d, HOME_MODES.dir);
    restrictMode(d, HOME_MODES.dir);
  }
  for (const d of [p.run, p.sockets]) {
    makeDirs(d, 0o700);
    fs.chmodSync(d, 0o700);
  }
  // A folder we may not write (a read-only mount, another user's home) fails here, not later.
  try {
    fs.accessSync(p.log, fs.constants.W_OK);
    fs.accessSync(p.run, fs.constants.W_OK);
  } catch (e) {
    throw homeError(home, e, "write in");
  }
  return p;
}
