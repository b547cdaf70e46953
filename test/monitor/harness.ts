/** End-to-end harness: a real MonitorServer process, a control client and a subscriber. */
import { type ChildProcess, fork } from "node:child_process";
import * as zmq from "zeromq";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ControlClient,
  type CreateMonitorParams,
  decodeEventBlock,
  defaultEndpoints,
  type EventBlock,
  type FsEvent,
  MonitorMethodResults,
  type MonitorState,
} from "./deps";
import { REPO_ROOT, tempDir, waitFor } from "../helpers/wait";

export const SERVER_MAIN = path.join(REPO_ROOT, "packages", "monitor", "dist", "main.js");

export interface Server {
  home: string;
  child: ChildProcess;
  client: ControlClient;
  sub: Subscriber;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  create(params: CreateMonitorParams): Promise<string>;
  start(id: string): Promise<MonitorState>;
  stop(id: string): Promise<MonitorState>;
  state(id: string): Promise<MonitorState>;
  sync(id: string): Promise<number>;
  /** Stop the process with SIGTERM and wait for its exit. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  close(): Promise<void>;
}

/** omero.fs.monitorRoots of the test servers: the temporary folder every test tree is made in. */
export const TEST_ROOTS = fs.realpathSync(os.tmpdir());

/** Fast settle/snapshot timings for tests (the pipeline is the same). */
export const TEST_TIMINGS = { settleQuietMs: 100, settleMaxMs: 500, snapshotEveryMs: 1000 };

export class Subscriber {
  readonly blocks: EventBlock[] = [];
  private readonly sock: zmq.Subscriber;
  private readonly loop: Promise<void>;
  bad = 0;
  constructor(endpoint: string) {
    this.sock = new zmq.Subscriber({ receiveHighWaterMark: 0 });
    this.sock.connect(endpoint);
    this.sock.subscribe();
    this.loop = (async () => {
      try {
        for await (const frames of this.sock) {
          const d = decodeEventBlock(frames);
          if (d.ok) this.blocks.push(d.value);
          else this.bad++;
        }
      } catch {
        // closed
      }
    })();
  }
  of(monitorId: string): EventBlock[] {
    return this.blocks.filter((b) => b.monitorId === monitorId);
  }
  events(monitorId: string): FsEvent[] {
    return this.of(monitorId).flatMap((b) => b.events);
  }
  close(): void {
    this.sock.close();
    void this.loop;
  }
}

/** Start a monitor on `dir` and return its id. */
export async function watch(server: Server, params: CreateMonitorParams): Promise<string> {
  const id = await server.create(params);
  await server.start(id);
  return id;
}

/** sync, then wait until the subscriber holds every block up to the returned seq. */
export async function settle(server: Server, id: string): Promise<FsEvent[]> {
  const seq = await server.sync(id);
  await waitFor(() => server.sub.of(id).length >= seq, `blocks of ${id} up to seq ${seq}`);
  return server.sub.events(id);
}

/** The two native watchers (packages/monitor/src/sources/watcher.ts): each is tested on Linux. */
export const WATCHERS = ["dirs", "parcel"] as const;
export type WatcherKind = (typeof WATCHERS)[number];

export async function startServer(
  opts: {
    home?: string;
    env?: Record<string, string>;
    config?: Record<string, unknown>;
    /** Which native watcher the server runs (default: the platform's, fs.watch per directory on Linux). */
    watcher?: WatcherKind;
  } = {},
): Promise<Server> {
  const home = opts.home ?? tempDir("omero-fs-mon-home-").dir;
  // The tests' trees are temporary folders: the server serves them (omero.fs.monitorRoots).
  const config = { "omero.fs.monitorRoots": TEST_ROOTS, ...opts.config };
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify(config));
  let err = "";
  const child = fork(SERVER_MAIN, ["--home", home], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, OMERO_FS_TEST_MONITOR_TIMINGS: JSON.stringify(TEST_TIMINGS), ...withWatcher(opts) },
  });
  child.stderr?.on("data", (d) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let readyTimer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve, reject) => {
    child.on("message", (m: { type?: string }) => {
      if (m?.type === "ready") resolve();
    });
    void exited.then(({ code }) => reject(new Error(`MonitorServer exited (${code}) before ready: ${err}`)));
    readyTimer = setTimeout(() => reject(new Error(`MonitorServer not ready within 15 s: ${err}`)), 15000);
  }).finally(() => clearTimeout(readyTimer));
  const ep = defaultEndpoints(home);
  const client = new ControlClient(ep.monitorControl, { timeoutMs: 15000 });
  const sub = new Subscriber(ep.monitorEvents);
  const server: Server = {
    home,
    child,
    client,
    sub,
    stderr: () => err,
    exited,
    create: async (params) =>
      (await client.call("createMonitor", params, MonitorMethodResults.createMonitor)).monitorId,
    start: (id) => client.call("startMonitor", { monitorId: id }, MonitorMethodResults.startMonitor),
    stop: (id) => client.call("stopMonitor", { monitorId: id }, MonitorMethodResults.stopMonitor),
    state: (id) => client.call("getMonitorState", { monitorId: id }, MonitorMethodResults.getMonitorState),
    sync: async (id) => (await client.call("sync", { monitorId: id }, MonitorMethodResults.sync)).seq,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    close: async () => {
      client.close();
      sub.close();
      await server.kill();
    },
  };
  // The warm-up's folder must be served: in the first root, or the home's DropBox folder (no roots).
  const roots = String(config["omero.fs.monitorRoots"] ?? "");
  await warmUp(server, roots ? roots.split(",")[0]!.trim() : path.join(home, "data", "DropBox"));
  return server;
}

/** opts.env with the watcher added to OMERO_FS_TEST_MONITOR_OVERRIDES (other overrides kept). */
function withWatcher(opts: { env?: Record<string, string>; watcher?: WatcherKind }): Record<string, string> {
  const env = { ...opts.env };
  if (opts.watcher) {
    const over = JSON.parse(env.OMERO_FS_TEST_MONITOR_OVERRIDES ?? "{}") as Record<string, unknown>;
    env.OMERO_FS_TEST_MONITOR_OVERRIDES = JSON.stringify({ ...over, watcher: opts.watcher });
  }
  return env;
}

/**
 * PUB/SUB joins asynchronously: make sure the subscriber receives before a test starts, by
 * touching files in a scratch monitor until one block arrives (a condition, not a sleep).
 */
async function warmUp(server: Server, parent: string): Promise<void> {
  fs.mkdirSync(parent, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(parent, "omero-fs-warmup-"));
  const id = await server.create({ watchDir: scratch, snapshotKey: "warmup" });
  await server.start(id);
  let i = 0;
  await waitFor(
    async () => {
      fs.writeFileSync(path.join(scratch, `w${i++}`), "x");
      await server.sync(id);
      return server.sub.of(id).length > 0;
    },
    "the subscriber to receive a first block",
    { timeoutMs: 15000, intervalMs: 50 },
  );
  await server.client.call("destroyMonitor", { monitorId: id });
  fs.rmSync(scratch, { recursive: true, force: true });
}

/** Paths of Create events (files unless dirs asked), for exactly-once checks. */
export function creates(events: FsEvent[], opts: { dirs?: boolean } = {}): string[] {
  return events.filter((e) => e.type === "Create" && (opts.dirs || !e.isDir)).map((e) => e.path);
}

export function countBy(paths: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of paths) m.set(p, (m.get(p) ?? 0) + 1);
  return m;
}

/** Check seq numbers of a monitor's blocks are 1..n without gaps. */
export function seqsOf(blocks: EventBlock[]): number[] {
  return blocks.map((b) => b.seq);
}

export { tempDir, waitFor };

/** Temporary trees (and anything else) a test file creates, removed together in its afterAll. */
export class Cleanups {
  private readonly fns: Array<() => void> = [];
  add(fn: () => void): void {
    this.fns.push(fn);
  }
  /** A fresh temporary directory, removed by run(). */
  tree(prefix = "omero-fs-mon-tree-"): string {
    const t = tempDir(prefix);
    this.add(t.cleanup);
    return t.dir;
  }
  run(): void {
    for (const c of this.fns) c();
  }
}

/** Write a file, creating its directories. */
export function write(p: string, data = "x"): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
}
