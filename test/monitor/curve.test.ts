/**
 * A MonitorServer on loopback TCP with CURVE and ZAP (real processes, random free ports): keys
 * written by `omero-fs curve keygen`, clients let in only when their public key is in
 * etc/curve/authorized_keys.
 */
import { type ChildProcess, execFile, fork, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as zmq from "zeromq";
import { CLI_BIN } from "../helpers/wait";
import { Cleanups, SERVER_MAIN, TEST_ROOTS, TEST_TIMINGS, tempDir, waitFor, write } from "./harness";
import {
  type CurveClientKeys,
  ControlClient,
  decodeEventBlock,
  type EventBlock,
  loadClientCurve,
  MonitorMethodResults,
  setCurveClient,
} from "./deps";

jest.setTimeout(60_000);

const cleanups = new Cleanups();
afterAll(() => cleanups.run());

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function cli(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI_BIN, "--home", home, ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

function newHome(config: Record<string, string | boolean>): string {
  const t = tempDir("omero-fs-curve-");
  cleanups.add(t.cleanup);
  fs.mkdirSync(path.join(t.dir, "etc"), { recursive: true });
  fs.writeFileSync(
    path.join(t.dir, "etc", "config.json"),
    JSON.stringify({ "omero.fs.monitorRoots": TEST_ROOTS, ...config }),
  );
  return t.dir;
}

interface Tcp {
  home: string;
  control: string;
  events: string;
  child: ChildProcess;
  log: () => string;
  close: () => Promise<void>;
}

/** A MonitorServer process with control and events on loopback TCP; resolves once it is ready. */
async function startTcp(home: string, insecure = false, env: Record<string, string> = {}): Promise<Tcp> {
  const [cp, ep] = [await freePort(), await freePort()];
  const control = `tcp://127.0.0.1:${cp}`;
  const events = `tcp://127.0.0.1:${ep}`;
  const child = fork(SERVER_MAIN, ["--home", home], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: {
      ...process.env,
      OMERO_FS_TEST_MONITOR_TIMINGS: JSON.stringify(TEST_TIMINGS),
      OMERO_FS_TEST_MONITOR_OVERRIDES: JSON.stringify({
        monitorBindControl: control,
        monitorBindEvents: events,
        insecureTcp: insecure,
      }),
      ...env,
    },
  });
  let err = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  await new Promise<void>((resolve, reject) => {
    child.on("message", (m: { type?: string }) => m?.type === "ready" && resolve());
    void exited.then(() => reject(new Error(`MonitorServer exited before ready: ${err}`)));
  });
  const logFile = path.join(home, "var", "log", "MonitorServer.log");
  return {
    home,
    control,
    events,
    child,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

class Sub {
  readonly blocks: EventBlock[] = [];
  private readonly sock = new zmq.Subscriber({ linger: 0 });
  constructor(endpoint: string, curve?: CurveClientKeys) {
    if (curve) setCurveClient(this.sock, curve);
    this.sock.connect(endpoint);
    this.sock.subscribe();
    void (async () => {
      try {
        for await (const frames of this.sock) {
          const d = decodeEventBlock(frames);
          if (d.ok) this.blocks.push(d.value);
        }
      } catch {
        // closed
      }
    })();
  }
  close(): void {
    this.sock.close();
  }
}

describe("CURVE with authorized_keys", () => {
  let server: Tcp;
  let good: CurveClientKeys;
  let bad: CurveClientKeys;
  let serverPub: string;

  beforeAll(async () => {
    const home = newHome({});
    // Two client pairs made by the CLI; only "client" is authorised.
    for (const name of ["server", "client", "intruder"]) {
      const r = await cli(home, ["curve", "keygen", name]);
      expect(r).toMatchObject({ code: 0 });
    }
    const dir = path.join(home, "etc", "curve");
    expect(fs.statSync(path.join(dir, "client.key")).mode & 0o777).toBe(0o600);
    serverPub = fs.readFileSync(path.join(dir, "server.pub"), "utf8").trim();
    const clientPub = fs.readFileSync(path.join(dir, "client.pub"), "utf8").trim();
    fs.writeFileSync(path.join(dir, "authorized_keys"), `# DropBox hosts\n${clientPub} dropbox@omero\n\nnot-a-key\n`);
    fs.chmodSync(path.join(dir, "authorized_keys"), 0o666);
    good = loadClientCurve(dir, "server.pub");
    bad = loadClientCurve(dir, serverPub, "intruder");
    server = await startTcp(home);
  });
  afterAll(async () => {
    await server?.close();
  });

  test("an authorised client gets answers and events", async () => {
    const client = new ControlClient(server.control, { timeoutMs: 10_000, curve: good });
    const sub = new Sub(server.events, good);
    try {
      expect(await client.call("ping", {}, MonitorMethodResults.ping)).toMatchObject({ pid: server.child.pid });
      const dir = tempDir("omero-fs-curve-tree-");
      cleanups.add(dir.cleanup);
      const { monitorId } = await client.call(
        "createMonitor",
        { watchDir: dir.dir },
        MonitorMethodResults.createMonitor,
      );
      await client.call("startMonitor", { monitorId }, MonitorMethodResults.startMonitor);
      // PUB/SUB joins asynchronously: write until a block arrives (a condition, not a sleep).
      let i = 0;
      await waitFor(
        async () => {
          write(path.join(dir.dir, `f${i++}.tif`));
          await client.call("sync", { monitorId }, MonitorMethodResults.sync);
          return sub.blocks.some((b) => b.monitorId === monitorId && b.events.length > 0);
        },
        "an event block over CURVE",
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      expect(server.log()).toMatch(/authorised client key\(s\): dropbox@omero/);
      expect(server.log()).toMatch(/not-a-key' is not a Z85 public key/);
      expect(server.log()).toMatch(/WARN .*authorized_keys can be changed by other users \(mode 666\): chmod go-w/);
      await waitFor(() => /CURVE client dropbox@omero \(.{40}\) accepted/.test(server.log()), "the accept log line");
    } finally {
      client.close();
      sub.close();
    }
  });

  test("an unauthorised client key gets no answer and no events; the refusal is logged once", async () => {
    const intruder = new ControlClient(server.control, { timeoutMs: 700, curve: bad });
    const sub = new Sub(server.events, bad);
    try {
      // Several attempts (each a reconnect and a ZAP request): none answered.
      for (let k = 0; k < 3; k++)
        await expect(intruder.call("ping", {}, MonitorMethodResults.ping)).rejects.toMatchObject({ code: "TIMEOUT" });
      await waitFor(() => server.log().includes(`REFUSED CURVE client ${bad.publicKey}`), "the refusal in the log");
      const refusals = server
        .log()
        .split("\n")
        .filter((l) => l.includes(`REFUSED CURVE client ${bad.publicKey}`));
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatch(/on monitor-control|on monitor-events/);
      expect(sub.blocks).toEqual([]);
      // A client without CURVE at all gets nothing either.
      const plain = new ControlClient(server.control, { timeoutMs: 700 });
      await expect(plain.call("ping", {})).rejects.toMatchObject({ code: "TIMEOUT" });
      plain.close();
    } finally {
      intruder.close();
      sub.close();
    }
  });

  test("authorized_keys is read again when it changes: an added key gets in", async () => {
    const file = path.join(server.home, "etc", "curve", "authorized_keys");
    fs.appendFileSync(file, `${bad.publicKey} intruder-now-welcome\n`);
    const client = new ControlClient(server.control, { timeoutMs: 700, curve: bad });
    try {
      await waitFor(
        () => client.call("ping", {}, MonitorMethodResults.ping).then(() => true),
        "the newly authorised key to get an answer",
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      // Logged when the key was let in; the log file may be written a little after the answer.
      await waitFor(() => /changed, read again: 2 authorised client key\(s\)/.test(server.log()), "the re-read logged");
    } finally {
      client.close();
    }
  });

  test("the server's own key pair is always let in (tools on the storage host)", async () => {
    const dir = path.join(server.home, "etc", "curve");
    const local = loadClientCurve(dir, "server.pub", "server");
    const client = new ControlClient(server.control, { timeoutMs: 10_000, curve: local });
    try {
      expect(await client.call("ping", {}, MonitorMethodResults.ping)).toMatchObject({ pid: server.child.pid });
    } finally {
      client.close();
    }
  });
});

describe("TCP start-up rules", () => {
  test("plain TCP is refused without omero.fs.insecureTcp; served with it", async () => {
    const home = newHome({});
    await expect(startTcp(home)).rejects.toThrow(/refusing plain TCP endpoint.*omero\.fs\.insecureTcp=true/);
    const server = await startTcp(home, true);
    const client = new ControlClient(server.control, { timeoutMs: 10_000 });
    try {
      expect(await client.call("ping", {}, MonitorMethodResults.ping)).toMatchObject({ pid: server.child.pid });
      await waitFor(() => /PLAIN TCP without encryption/.test(server.log()), "the plain-TCP warning in the log");
    } finally {
      client.close();
      await server.close();
    }
  });

  test("CURVE without authorized_keys does not start, and says how to fix it", async () => {
    const home = newHome({});
    expect((await cli(home, ["curve", "keygen", "server"])).code).toBe(0);
    await expect(startTcp(home)).rejects.toThrow(/authorized_keys does not exist.*curve keygen client/);
  });

  test("a malformed server.key is named", async () => {
    const home = newHome({});
    fs.mkdirSync(path.join(home, "etc", "curve"), { recursive: true });
    fs.writeFileSync(path.join(home, "etc", "curve", "server.key"), "not a key\n");
    await expect(startTcp(home)).rejects.toThrow(/server\.key holds no Z85 CURVE secret key/);
  });
});

/** TCP connections (this host) from a local port to `remotePort`, with their state (01 established, 08 close-wait). */
function tcpStates(remotePort: number): string[] {
  const out: string[] = [];
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(f)) continue;
    for (const line of fs.readFileSync(f, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      if (Number.parseInt(cols[2]!.split(":")[1]!, 16) === remotePort) out.push(cols[3]!);
    }
  }
  return out;
}

test("heartbeats: the server drops a subscriber that stopped answering (no unbounded buffering)", async () => {
  const home = newHome({});
  const server = await startTcp(home, true, { OMERO_FS_TEST_MONITOR_HEARTBEAT_MS: "200" });
  const port = Number(server.events.split(":").pop());
  // A subscriber in its own process, without heartbeats of its own: SIGSTOP makes it a dead peer.
  const zmqPath = require.resolve("zeromq");
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const zmq = require(${JSON.stringify(zmqPath)}); const s = new zmq.Subscriber(); s.connect(${JSON.stringify(server.events)}); s.subscribe(); (async () => { for await (const m of s) {} })();`,
    ],
    { stdio: "ignore" },
  );
  try {
    await waitFor(() => tcpStates(port).includes("01"), "the subscriber's connection");
    process.kill(child.pid!, "SIGSTOP");
    // The server's PINGs go unanswered: it closes the connection, the stopped peer's end is left in CLOSE_WAIT.
    // 3 beats of 200 ms; the production default (15 s) would miss this deadline.
    await waitFor(() => tcpStates(port).includes("08"), "the server to drop the silent subscriber", {
      timeoutMs: 8000,
    });
  } finally {
    process.kill(child.pid!, "SIGKILL");
    await server.close();
  }
});
