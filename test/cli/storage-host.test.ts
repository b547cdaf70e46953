/**
 * A storage host: the MonitorServer alone, on loopback TCP with CURVE, both as `omero-fs
 * monitor-server` (systemd's scripts/systemd/omero-fs-monitor.service) and as the node with only
 * the MonitorServer enabled. Keys from `omero-fs curve keygen`; a DropBox-side client lists a tree.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { AdminStatusJsonSchema, MonitorMethodResults } from "@omero-fs/protocol";
import { ControlClient, listMonitor, loadClientCurve } from "@omero-fs/protocol/zmq";
import { CLI_BIN, waitFor } from "../helpers/wait";
import { jsonOf, makeHome, readLog, type TestHome } from "./harness";

jest.setTimeout(120_000);

let home: TestHome;
afterEach(() => home?.cleanup());

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A home whose MonitorServer binds loopback TCP with CURVE; "client" is the authorised key. */
async function storageHome(): Promise<{ control: string; curveDir: string }> {
  const control = `tcp://127.0.0.1:${await freePort()}`;
  const events = `tcp://127.0.0.1:${await freePort()}`;
  home = makeHome({
    config: {
      "omero.fs.monitorBindControl": control,
      "omero.fs.monitorBindEvents": events,
      // A MonitorServer other hosts reach serves only these folders (the test trees are in the temp dir).
      "omero.fs.monitorRoots": fs.realpathSync(os.tmpdir()),
    },
  });
  for (const name of ["server", "client"]) expect((await home.cli(["curve", "keygen", name])).code).toBe(0);
  const curveDir = path.join(home.dir, "etc", "curve");
  fs.copyFileSync(path.join(curveDir, "client.pub"), path.join(curveDir, "authorized_keys"));
  return { control, curveDir };
}

/** What the DropBox host does: ping, create a monitor on `tree`, list it. */
async function remoteClientWorks(control: string, curveDir: string, tree: string): Promise<void> {
  const client = new ControlClient(control, { timeoutMs: 15_000, curve: loadClientCurve(curveDir, "server.pub") });
  try {
    await client.call("ping", {}, MonitorMethodResults.ping);
    const { monitorId } = await client.call("createMonitor", { watchDir: tree }, MonitorMethodResults.createMonitor);
    const files: string[] = [];
    for await (const d of listMonitor(client, monitorId)) for (const f of d.files) files.push(path.join(d.dir, f.name));
    expect(files).toEqual([path.join(tree, "a", "x.tif")]);
  } finally {
    client.close();
  }
}

function treeIn(dir: string): string {
  const tree = path.join(dir, "storage");
  fs.mkdirSync(path.join(tree, "a"), { recursive: true });
  fs.writeFileSync(path.join(tree, "a", "x.tif"), "x");
  return tree;
}

test("omero-fs monitor-server alone on TCP with CURVE serves an authorised client", async () => {
  const { control, curveDir } = await storageHome();
  const child = spawn(process.execPath, [CLI_BIN, "--home", home.dir, "monitor-server", "--quiet"], {
    env: home.env,
    stdio: "ignore",
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  try {
    await waitFor(() => readLog(home.dir, "MonitorServer").includes("MonitorServer ready"), "MonitorServer ready");
    expect(readLog(home.dir, "MonitorServer")).toMatch(/CURVE server public key .*: .{40}/);
    await remoteClientWorks(control, curveDir, treeIn(home.dir));
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
});

test("the node with only the MonitorServer enabled, on TCP with CURVE", async () => {
  const { control, curveDir } = await storageHome();
  expect((await home.cli(["admin", "ice", "server", "disable", "DropBox"])).code).toBe(0);
  const start = await home.cli(["admin", "start"]);
  expect(start).toMatchObject({ code: 0 });
  const s = AdminStatusJsonSchema.parse(jsonOf(await home.cli(["admin", "status", "--json"])));
  expect(s.servers.find((x) => x.name === "MonitorServer")).toMatchObject({ enabled: true, state: "running" });
  expect(s.servers.find((x) => x.name === "DropBox")).toMatchObject({ enabled: false, state: "stopped" });
  await remoteClientWorks(control, curveDir, treeIn(home.dir));
  // The node's own calls (metrics: listMonitors) go over CURVE as the server itself.
  const client = new ControlClient(control, { timeoutMs: 15_000, curve: loadClientCurve(curveDir, "server.pub") });
  try {
    const dir = path.join(home.dir, "watched");
    fs.mkdirSync(dir);
    const { monitorId } = await client.call("createMonitor", { watchDir: dir }, MonitorMethodResults.createMonitor);
    await client.call("startMonitor", { monitorId }, MonitorMethodResults.startMonitor);
    fs.writeFileSync(path.join(dir, "a.tif"), "x");
    await client.call("sync", { monitorId }, MonitorMethodResults.sync);
  } finally {
    client.close();
  }
  const info = JSON.parse(fs.readFileSync(path.join(home.dir, "var", "run", "node.json"), "utf8")) as { http: string };
  await waitFor(async () => {
    const text = await (await fetch(`http://${info.http}/metrics`)).text();
    return Number(/^omerofs_monitor_events_total (\d+)/m.exec(text)?.[1] ?? 0) >= 1;
  }, "the node's metrics to count the MonitorServer's events");
});
