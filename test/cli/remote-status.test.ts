/**
 * `admin status` on the OMERO host shows each remote MonitorServer (issue 13). Two nodes on one
 * machine: home A, the storage host, runs only its MonitorServer (DropBox disabled) on loopback
 * TCP; home B runs the DropBox with its watch on A. B's status page and /metrics show it too.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { AdminStatusJsonSchema } from "@omero-fs/protocol";
import { tiff, write } from "../dropbox/harness";
import { homeImports, homeStatus } from "../helpers/home";
import { tempDir, waitFor } from "../helpers/wait";
import { baseUrl, parseMetrics } from "../http/helpers";
import { jsonOf, logShows, makeHome, type TestHome } from "./harness";

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
  for (const u of ["zak", "amy"]) fs.mkdirSync(path.join(storage.dir, u));
  control = `tcp://127.0.0.1:${await freePort()}`;
  events = `tcp://127.0.0.1:${await freePort()}`;
  a = makeHome({
    prefix: "omero-fs-hostA-",
    config: {
      "omero.fs.monitorBindControl": control,
      "omero.fs.monitorBindEvents": events,
      "omero.fs.monitorRoots": storage.dir,
      "omero.fs.insecureTcp": "true",
    },
  });
  b = makeHome({
    prefix: "omero-fs-hostB-",
    config: {
      // Watch 1: this node's MonitorServer (empty slots); watches 2 and 3 share host A's.
      "omero.fs.importUsers": "default;zak;amy",
      "omero.fs.watchDir": `;${path.join(storage.dir, "zak")};${path.join(storage.dir, "amy")}`,
      "omero.fs.monitorControl": `;${control};${control}`,
      "omero.fs.monitorEvents": `;${events};${events}`,
      "omero.fs.insecureTcp": "true",
      "omero.fs.dirImportWait": "0.5;0.5;0.5",
      "omero.fs.settleTime": "0.5;0.5;0.5",
      "omero.fs.throttleImport": "0;0;0",
      "omero.fs.rescanInterval": "0",
      "omero.fs.httpAddress": "127.0.0.1:0",
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
    { control, events, state: "connected", lastContact: expect.any(String), watches: [2, 3] },
  ]);
  const text = await b.cli(["admin", "status"]);
  expect(text.stdout).toContain("remote MonitorServers:");
  expect(text.stdout).toMatch(new RegExp(`${control.replace(/[.]/g, "\\.")}\\s+connected\\s+\\d{4}-`));
  // The storage host's own status has no such section: its watches are its own MonitorServer's.
  expect((await statusJson(a)).status.remoteMonitors).toBeUndefined();
  // Files written on the storage host are imported on B for each remote watch's user, and a file
  // in B's own DropBox folder through B's own MonitorServer.
  fs.writeFileSync(path.join(storage.dir, "zak", "z.tif"), tiff());
  fs.writeFileSync(path.join(storage.dir, "amy", "a.tif"), tiff());
  write(path.join(b.dir, "data", "DropBox", "bob", "b.tif"), tiff());
  await importedFor(["amy", "bob", "zak"]);
  await logShows(b.dir, "DropBox", "connected to the MonitorServer at ipc://");
  // The status page and the metrics show it.
  const page = await (await fetch(`${baseUrl(b)}/`)).text();
  expect(page).toMatch(/<h2 id="h-remotes">Storage hosts<\/h2>/);
  expect(page).toContain(`data-key="remote:${control}" data-level="ok"`);
  expect(page).toContain(`<li class="remote connected" data-control="${control}">`);
  const m = parseMetrics(await (await fetch(`${baseUrl(b)}/metrics`)).text());
  expect(m.get(`omerofs_remote_monitor_up{control="${control}"}`)).toBe(1);
  expect(m.get(`omerofs_remote_monitor_last_contact_timestamp_seconds{control="${control}"}`)).toBeGreaterThan(
    Date.now() / 1000 - 60,
  );
});

/** Wait until B imported a fileset for each of these users. */
async function importedFor(users: string[]): Promise<void> {
  await waitFor(
    () => {
      const list = homeImports(b.dir, { state: "imported" });
      return users.every((u) => list.some((i) => i.user === u));
    },
    `imports on host B for ${users.join(", ")}`,
    { timeoutMs: 60_000 },
  );
}

test("the remote MonitorServer stopped: the DropBox is degraded (exit 2) and the remote one unreachable", async () => {
  expect((await a.cli(["admin", "stop"])).code).toBe(0);
  await waitFor(
    async () => (await homeStatus(b.dir)).remoteMonitors?.[0]?.state === "unreachable",
    "B's status showing the remote MonitorServer unreachable",
    { timeoutMs: 30_000 },
  );
  const { code, status } = await statusJson(b);
  expect(code).toBe(2);
  const db = status.servers.find((s) => s.name === "DropBox")!;
  expect(db.state).toBe("degraded");
  expect(db.reason).toContain(`remote MonitorServer ${control} unreachable`);
  expect((await b.cli(["admin", "status"])).stdout).toMatch(/unreachable/);
  const page = await (await fetch(`${baseUrl(b)}/`)).text();
  expect(page).toContain(`<li class="remote unreachable" data-control="${control}">`);
  expect(page).toContain("found by rescans, so their imports may be late");
  const m = parseMetrics(await (await fetch(`${baseUrl(b)}/metrics`)).text());
  expect(m.get(`omerofs_remote_monitor_up{control="${control}"}`)).toBe(0);
  // The local watch goes on while the remote MonitorServer is away.
  write(path.join(b.dir, "data", "DropBox", "carol", "c.tif"), tiff());
  await importedFor(["carol"]);
});

test("admin reload with the remote MonitorServer down: at once, what it could apply applied, what it could not said", async () => {
  // (After the test above: host A's MonitorServer is stopped.)
  const cfg = path.join(b.dir, "etc", "config.json");
  const c = JSON.parse(fs.readFileSync(cfg, "utf8")) as Record<string, string>;
  fs.writeFileSync(
    cfg,
    JSON.stringify({ ...c, "omero.fs.dirImportWait": "0.7;0.5;0.5", "omero.fs.blockSize": "0;100;0" }, null, 2),
  );
  const t0 = Date.now();
  const r = await b.cli(["admin", "reload", "--json"]);
  // Before: 45 s waiting behind the health check of the silent MonitorServer, then "no configuration change".
  expect(Date.now() - t0).toBeLessThan(15_000);
  expect(r.code).toBe(0);
  const j = jsonOf(r) as { applied: string[]; notApplied: string[]; problems: string[] };
  expect(j.applied).toEqual(
    expect.arrayContaining(["omero.fs.dirImportWait (watch 1)", "omero.fs.blockSize (watch 2)"]),
  );
  expect(j.problems).toEqual([]);
  expect(j.notApplied.join("\n")).toMatch(/watch 2 \(zak\).*does not answer.*its monitor starts by itself then/);
  // Again: nothing new to apply; what keeps watch 2 from its job is still said.
  const text = await b.cli(["admin", "reload"]);
  expect(text.stdout).toMatch(
    /^no configuration change\nwarning: DropBox is degraded: .*watch 2 \(zak\): cannot watch .* does not answer/m,
  );
});
