/**
 * A MonitorServer serves only folders under omero.fs.monitorRoots (issue 19: an authorised remote
 * client could create monitors on, and list, any folder of the storage host). Real MonitorServer,
 * real folders and links: createMonitor, startMonitor and list elsewhere are refused with
 * BAD_DIRECTORY naming the roots and the property; a link inside a root that leads outside too.
 * With the property empty, the home's watch folders are the roots.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ControlCallError, MonitorMethodResults } from "./deps";
import { Cleanups, type Server, startServer, write } from "./harness";

jest.setTimeout(60_000);

const cleanups = new Cleanups();
let root: string;
let outside: string;
let server: Server;

beforeAll(async () => {
  root = cleanups.tree("omero-fs-roots-");
  outside = cleanups.tree("omero-fs-outside-");
  write(path.join(root, "amy", "a.tif"));
  write(path.join(outside, "secret", "s.tif"));
  fs.symlinkSync(path.join(outside, "secret"), path.join(root, "escape"));
  server = await startServer({ config: { "omero.fs.monitorRoots": root } });
});
afterAll(async () => {
  await server?.close();
  cleanups.run();
});

const refusal = (dir: string) =>
  `watchDir ${dir} is not under omero.fs.monitorRoots (${root}): this MonitorServer watches and lists only folders there; add the folder to omero.fs.monitorRoots on the MonitorServer's host (omero-fs config set monitorRoots ...)`;

async function createError(watchDir: string): Promise<ControlCallError> {
  return server.client.call("createMonitor", { watchDir }, MonitorMethodResults.createMonitor).then(
    () => {
      throw new Error(`createMonitor on ${watchDir} was accepted`);
    },
    (e: ControlCallError) => e,
  );
}

test("createMonitor under a root is served, and its list works", async () => {
  const id = await server.create({ watchDir: path.join(root, "amy") });
  const page = await server.client.call("list", { monitorId: id }, MonitorMethodResults.list);
  expect(page.dirs.flatMap((d) => d.files.map((f) => path.join(d.dir, f.name)))).toEqual([
    path.join(root, "amy", "a.tif"),
  ]);
});

test("anything else is BAD_DIRECTORY naming the roots and the property: another folder, /, a link leading out", async () => {
  for (const dir of [outside, path.join(outside, "secret"), "/", path.dirname(root)])
    expect(await createError(dir)).toMatchObject({ code: "BAD_DIRECTORY", message: refusal(dir) });
  const link = path.join(root, "escape");
  expect(await createError(link)).toMatchObject({
    code: "BAD_DIRECTORY",
    message: `watchDir ${link} is ${path.join(outside, "secret")} once its links are resolved, which is not under omero.fs.monitorRoots (${root}); add the folder to omero.fs.monitorRoots on the MonitorServer's host (omero-fs config set monitorRoots ...)`,
  });
  expect(
    (await server.client.call("listMonitors", {}, MonitorMethodResults.listMonitors)).map((m) => m.params.watchDir),
  ).not.toContain(outside);
});

describe("omero.fs.monitorRoots empty", () => {
  let local: Server;
  beforeAll(async () => {
    local = await startServer({ config: { "omero.fs.monitorRoots": "" } });
  });
  afterAll(async () => {
    await local?.close();
  });

  test("the home's watch folders are the roots (its DropBox folder), and the refusal says so", async () => {
    const dropbox = path.join(local.home, "data", "DropBox");
    fs.mkdirSync(path.join(dropbox, "amy"), { recursive: true });
    await local.create({ watchDir: dropbox });
    await local.create({ watchDir: path.join(dropbox, "amy") });
    const e = await local.client
      .call("createMonitor", { watchDir: root }, MonitorMethodResults.createMonitor)
      .catch((x: ControlCallError) => x);
    expect(e).toMatchObject({
      code: "BAD_DIRECTORY",
      message: `watchDir ${root} is not under this home's watch folders (${dropbox}), which a MonitorServer serves while omero.fs.monitorRoots is empty: this MonitorServer watches and lists only folders there; add the folder to omero.fs.monitorRoots on the MonitorServer's host (omero-fs config set monitorRoots ...)`,
    });
  });
});
