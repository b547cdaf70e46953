/**
 * `admin status` on the OMERO host shows each remote MonitorServer (issue 13). Two nodes on one
 * machine: home A, the storage host, runs only its MonitorServer (DropBox disabled) on loopback
 * TCP; home B runs the DropBox with its watch on A.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { AdminStatusJsonSchema } from "@omero-fs/protocol";
import { tiff } from "../dropbox/harness";
import { tempDir, waitFor } from "../helpers/wait";
import { jsonOf, makeHome, type TestHome } from "./harness";

jest.setTimeout(180_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

let a: TestHome;
let b: TestHome;
let storage: { dir: string; cleanup: () => void };
let control: string;
let events: string;

beforeAll(async () => {
  storage = tempDir("omero-fs-storage-");
  control = `tcp://127.0.0.1:${await freePort()}`;
  events = `tcp://127.0.0.1:${await freePort()}`;
  a = makeHome({
    prefix: "omero-fs-hostA-",
    config: {
      "omero.fs.monitorBindControl": control,
      "omero.fs.monitorBindEvents": events,
      "omero.fs.insecureTcp": "true",
    },
  });
  b = makeHome({
    prefix: "omero-fs-hostB-",
    config: {
      "omero.fs.watchDir": storage.dir,
      "omero.fs.monitorControl": control,
      "omero.fs.monitorEvents": events,
      "omero.fs.insecureTcp": "true",
      "omero.fs.dirImportWait": "0.5",
      "omero.fs.throttleImport": "0",
      "omero.fs.rescanInterval": "0",
    },
  });
  expect((await a.cli(["admin", "ice", "server", "disable", "DropBox"])).code).toBe(0);
  const sa = await a.cli(["admin", "start"]);
  expect(sa).toMatchObject({ code: 0 });
  const sb = await b.cli(["admin", "start"]);
  expect(sb).toMatchObject({ code: 0 });
});

afterAll(() => {
  b?.cleanup();
  a?.cleanup();
  storage?.cleanup();
});

const statusJson = async (h: TestHome) => {
  const r = await h.cli(["admin", "status", "--json"]);
  return { code: r.code, status: AdminStatusJsonSchema.parse(jsonOf(r)) };
};

test("admin status lists the remote MonitorServer: connected, with its last contact", async () => {
  const { code, status } = await statusJson(b);
  expect(code).toBe(0);
  expect(status.remoteMonitors).toEqual([
    { control, events, state: "connected", lastContact: expect.any(String), watches: [1] },
  ]);
  const text = await b.cli(["admin", "status"]);
  expect(text.stdout).toContain("remote MonitorServers:");
  expect(text.stdout).toMatch(new RegExp(`${control.replace(/[.]/g, "\\.")}\\s+connected\\s+\\d{4}-`));
  // The storage host's own status has no such section: its watches are its own MonitorServer's.
  expect((await statusJson(a)).status.remoteMonitors).toBeUndefined();
  // A file written on the storage host is imported on B.
  fs.mkdirSync(path.join(storage.dir, "alice"));
  fs.writeFileSync(path.join(storage.dir, "alice", "a.tif"), tiff());
  await waitFor(
    async () => {
      const r = await b.cli(["imports", "list", "--json"]);
      const list = jsonOf(r) as { state: string; user: string }[];
      return list.some((i) => i.state === "imported" && i.user === "alice");
    },
    "alice's file imported on host B",
    { timeoutMs: 60_000, intervalMs: 300 },
  );
});

test("the remote MonitorServer stopped: the DropBox is degraded (exit 2) and the remote one unreachable", async () => {
  expect((await a.cli(["admin", "stop"])).code).toBe(0);
  const { code, status } = await waitFor(
    async () => {
      const s = await statusJson(b);
      return s.status.remoteMonitors?.[0]?.state === "unreachable" && s.code === 2 ? s : null;
    },
    "B's status showing the remote MonitorServer unreachable",
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  expect(code).toBe(2);
  const db = status.servers.find((s) => s.name === "DropBox")!;
  expect(db.state).toBe("degraded");
  expect(db.reason).toContain(`remote MonitorServer ${control} unreachable`);
  expect((await b.cli(["admin", "status"])).stdout).toMatch(/unreachable/);
});
