/** End-to-end harness: a temp home, real MonitorServer and DropBox processes, the real ledger. */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultEndpoints, homePaths } from "@omero-fs/config";
import { type LedgerView, openLedgerView } from "@omero-fs/dropbox/ledger";
import type { FileJson, ImportJson } from "@omero-fs/protocol";
import { ControlClient } from "@omero-fs/protocol/zmq";
import { logShows, readLog } from "../cli/harness";
import { REPO_ROOT, tempDir, waitFor } from "../helpers/wait";
import { sample } from "../helpers/samples";

export const MONITOR_MAIN = path.join(REPO_ROOT, "packages", "monitor", "dist", "main.js");
export const DROPBOX_MAIN = path.join(REPO_ROOT, "packages", "dropbox", "dist", "main.js");

export interface Home {
  home: string;
  root: string;
  dropbox: string;
  ledger: string;
  cleanup: () => void;
}

/** Fast settings for tests: fractional quiet period, no throttle, local importer. */
export const FAST = {
  "omero.fs.dirImportWait": "0.5",
  "omero.fs.settleTime": "0.5",
  "omero.fs.throttleImport": "0",
  "omero.fs.importer": "local",
  "omero.fs.rescanInterval": "0",
};

export function makeHome(config: Record<string, string> = {}): Home {
  const t = tempDir("ofs-db-");
  const home = path.join(t.dir, "h");
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  const dropbox = path.join(home, "data", "DropBox");
  fs.mkdirSync(dropbox, { recursive: true });
  const h = { home, root: t.dir, dropbox, ledger: homePaths(home).ledger, cleanup: t.cleanup };
  writeConfig(h, config);
  return h;
}

/** Rewrite the home's config.json as FAST and `config` (values that name paths under `h.root`, known only after makeHome). */
export function writeConfig(h: Home, config: Record<string, string>): void {
  fs.writeFileSync(path.join(h.home, "etc", "config.json"), JSON.stringify({ ...FAST, ...config }, null, 2));
}

/** A file's lines (none when it does not exist yet). */
export const readLines = (f: string): string[] => {
  try {
    return fs.readFileSync(f, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnServer(main: string, home: string, env: NodeJS.ProcessEnv = {}, readyMs = 20_000): Promise<Proc> {
  const child = spawn(process.execPath, [main, "--home", home], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { ...process.env, ...env },
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`${path.basename(path.dirname(path.dirname(main)))} not ready in ${readyMs} ms: ${out}`)),
      readyMs,
    );
    child.on("message", (m: unknown) => {
      if ((m as { type?: string }).type === "ready") {
        clearTimeout(t);
        resolve({ child, output: () => out, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`${main} exited (${code}) before ready: ${out}`));
    });
  });
}

export const startMonitor = (home: string) => spawnServer(MONITOR_MAIN, home);
/** `readyMs`: how long ready may take (a test that holds the start's walk on purpose gives more). */
export const startDropBox = (home: string, env?: NodeJS.ProcessEnv, readyMs?: number) =>
  spawnServer(DROPBOX_MAIN, home, env, readyMs);

/** SIGTERM and wait for the exit (the DropBox must stop within 10 s). */
export async function stop(p: Proc | null | undefined): Promise<number | null> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return p?.child.exitCode ?? null;
  p.child.kill("SIGTERM");
  return p.exited;
}

export async function kill9(p: Proc): Promise<void> {
  p.child.kill("SIGKILL");
  await p.exited;
}

export async function call<T = unknown>(
  home: string,
  method: string,
  params: unknown = {},
  timeoutMs = 60000,
): Promise<T> {
  const c = new ControlClient(defaultEndpoints(home).dropboxControl);
  try {
    return await c.call<T>(method, params, undefined, timeoutMs);
  } finally {
    c.close();
  }
}

/** Barrier: every file changed before this call is in the ledger. */
export const sync = (home: string) => call<{ files: number }>(home, "sync");

export function withView<T>(ledger: string, fn: (v: LedgerView) => T): T {
  const v = openLedgerView(ledger);
  try {
    return fn(v);
  } finally {
    v.close();
  }
}

export const imports = (h: Home, f?: { user?: string; state?: string }): ImportJson[] =>
  withView(h.ledger, (v) => v.listImports(f));
export const files = (h: Home, f?: { user?: string; state?: string }): FileJson[] =>
  withView(h.ledger, (v) => v.listFiles(f));
/** Every path in an imported fileset. */
export const importedFiles = (h: Home): Set<string> =>
  new Set(imports(h, { state: "imported" }).flatMap((i) => i.files));

/** Wait until `n` filesets are imported (and report the ledger when not). */
export function waitImported(h: Home, n: number, timeoutMs = 30000): Promise<ImportJson[]> {
  return waitFor(
    () => {
      const all = imports(h);
      const done = all.filter((i) => i.state === "imported");
      return done.length >= n ? done : null;
    },
    `${n} imported fileset(s) in ${h.ledger}`,
    { timeoutMs, intervalMs: 50 },
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}\nimports: ${JSON.stringify(imports(h), null, 1)}\nfiles: ${JSON.stringify(files(h), null, 1)}`,
    );
  });
}

/** Write `p` (folders made); default content: a minimal valid file for its name (test/helpers/samples.ts). */
export function write(p: string, content: string | Buffer = sample(p)): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

export function dropboxLog(h: Home): string {
  return readLog(h.home, "DropBox");
}

/** Wait until DropBox.log shows `pattern` (logShows: the log file is written behind the ledger). */
export function dropboxLogShows(h: Home, pattern: string | RegExp, timeoutMs?: number): Promise<true> {
  return logShows(h.home, "DropBox", pattern, timeoutMs);
}

/** A minimal valid uncompressed 8-bit greyscale TIFF (little endian), `w`x`h`, with an optional ImageDescription. */
/** `tags`: extra LONG tags (value 0) after the standard ones, e.g. 51123 (MicroManagerMetadata). */
export function tiff(w = 4, h = 4, description?: string, tags: number[] = []): Buffer {
  const desc = description ? Buffer.from(`${description}\0`, "latin1") : null;
  const entries: [number, number, number, number | Buffer][] = [
    [256, 3, 1, w],
    [257, 3, 1, h],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 1],
    ...(desc ? [[270, 2, desc.length, desc] as [number, number, number, Buffer]] : []),
    [273, 4, 1, 0],
    [277, 3, 1, 1],
    [278, 3, 1, h],
    [279, 4, 1, w * h],
    ...tags.map((t) => [t, 4, 1, 0] as [number, number, number, number]),
  ];
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  let extra = ifdOffset + ifdSize;
  const descOffset = extra;
  if (desc) extra += desc.length + (desc.length % 2);
  const pixOffset = extra;
  const buf = Buffer.alloc(pixOffset + w * h);
  buf.write("II", 0, "latin1");
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(ifdOffset, 4);
  buf.writeUInt16LE(entries.length, ifdOffset);
  entries.forEach(([tag, type, count, value], i) => {
    const o = ifdOffset + 2 + i * 12;
    buf.writeUInt16LE(tag, o);
    buf.writeUInt16LE(type, o + 2);
    buf.writeUInt32LE(count, o + 4);
    if (Buffer.isBuffer(value)) buf.writeUInt32LE(descOffset, o + 8);
    else if (tag === 273) buf.writeUInt32LE(pixOffset, o + 8);
    else if (type === 3) buf.writeUInt16LE(value, o + 8);
    else buf.writeUInt32LE(value, o + 8);
  });
  buf.writeUInt32LE(0, ifdOffset + 2 + entries.length * 12);
  if (desc) desc.copy(buf, descOffset);
  for (let i = 0; i < w * h; i++) buf[pixOffset + i] = i % 256;
  return buf;
}

/** Both servers up for a home; `down()` stops them. */
export async function up(
  h: Home,
  env?: NodeJS.ProcessEnv,
): Promise<{ monitor: Proc; dropbox: Proc; down: () => Promise<void> }> {
  const monitor = await startMonitor(h.home);
  const dropbox = await startDropBox(h.home, env);
  return {
    monitor,
    dropbox,
    down: async () => {
      await stop(dropbox);
      await stop(monitor);
    },
  };
}

export { waitFor };

/** Every completed local import (manifests in ManagedRepository leaves), source path -> times imported. */
export function managedCopies(h: Home): Map<string, number> {
  const out = new Map<string, number>();
  const root = path.join(h.home, "data", "ManagedRepository");
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith(".")) walk(path.join(d, e.name));
      else if (e.name === ".omero-fs-import.json") {
        const m = JSON.parse(fs.readFileSync(path.join(d, e.name), "utf8")) as { files: { source: string }[] };
        for (const f of m.files) out.set(f.source, (out.get(f.source) ?? 0) + 1);
      }
    }
  };
  walk(root);
  return out;
}
