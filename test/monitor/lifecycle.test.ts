import * as fs from "node:fs";
import * as path from "node:path";
import { ControlCallError, MonitorMethodResults } from "./deps";
import {
  countBy,
  creates,
  type Server,
  settle,
  startServer,
  tempDir,
  waitFor,
  watch,
  Cleanups,
  write,
} from "./harness";

// Each test starts real processes and writes real trees: seconds under load (jest's default is 5 s).
jest.setTimeout(60_000);

const cleanups = new Cleanups();
const tree = () => cleanups.tree();
afterAll(() => {
  cleanups.run();
});

describe("one server", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test.each([
    [0, [100]],
    [7, [...Array(14).fill(7), 2]],
  ])("blockSize %d on a burst of 100 files", async (blockSize, sizes) => {
    // Written while stopped, so the whole burst is one flush (catch-up) and block sizes are exact.
    const dir = tree();
    const id = await watch(server, { watchDir: dir, blockSize });
    await server.stop(id);
    const want: string[] = [];
    for (let i = 0; i < 100; i++) want.push(write(path.join(dir, `f${String(i).padStart(3, "0")}.tif`)));
    await server.start(id);
    await settle(server, id);
    const blocks = server.sub.of(id);
    expect(blocks.map((b) => b.events.length)).toEqual(sizes);
    expect(blocks.map((b) => b.seq)).toEqual(sizes.map((_, i) => i + 1));
    expect(creates(server.sub.events(id)).sort()).toEqual(want);
    expect(server.sub.events(id).every((e) => e.catchUp)).toBe(true);
    // Live burst too: every block at most blockSize, seq consecutive.
    for (let i = 0; i < 100; i++) write(path.join(dir, "live", `g${i}.tif`));
    await settle(server, id);
    const all = server.sub.of(id);
    expect(all.map((b) => b.seq)).toEqual(all.map((_, i) => i + 1));
    if (blockSize > 0) expect(all.every((b) => b.events.length >= 1 && b.events.length <= blockSize)).toBe(true);
    expect(creates(server.sub.events(id)).length).toBe(200);
  });

  test("timeout: a one-shot monitor stops by itself", async () => {
    const dir = tree();
    const id = await watch(server, { watchDir: dir, timeout: 0.5 });
    await waitFor(async () => (await server.state(id)).state === "stopped", "the monitor to time out", {
      timeoutMs: 5000,
    });
  });

  test("catch-up of files created, modified and deleted while stopped", async () => {
    const dir = tree();
    const keep = write(path.join(dir, "keep.tif"));
    const mod = write(path.join(dir, "mod.tif"));
    const del = write(path.join(dir, "del.tif"));
    const id = await watch(server, { watchDir: dir, eventTypes: ["Creation", "Modification", "Deletion"] });
    await server.stop(id);
    fs.appendFileSync(mod, "changed");
    const t = new Date(Date.now() + 5000);
    fs.utimesSync(mod, t, t);
    fs.rmSync(del);
    const added = write(path.join(dir, "new", "added.tif"));
    await server.start(id);
    const ev = await settle(server, id);
    const byPath = new Map(ev.map((e) => [e.path, e]));
    expect(byPath.get(added)).toMatchObject({ type: "Create", catchUp: true, isDir: false });
    expect(byPath.get(mod)).toMatchObject({ type: "Modify", catchUp: true });
    expect(byPath.get(del)).toMatchObject({ type: "Delete", catchUp: true });
    expect(byPath.has(keep)).toBe(false);
  });

  test("catch-up of a new nested tree and a deleted directory (snapshot compared with the tree)", async () => {
    const dir = tree();
    const a = write(path.join(dir, "old", "a.tif"));
    write(path.join(dir, "keep", "k.tif"));
    const id = await watch(server, {
      watchDir: dir,
      eventTypes: ["Creation", "Modification", "Deletion"],
      ignoreDirEvents: false,
    });
    await settle(server, id);
    await server.stop(id);
    const before = server.sub.events(id).length;
    fs.rmSync(path.join(dir, "old"), { recursive: true });
    const f = write(path.join(dir, "n1", "n2", "f.tif"));
    const g = write(path.join(dir, "keep", "g.tif"));
    await server.start(id);
    const ev = (await settle(server, id)).slice(before);
    const got = ev.map((e) => [e.type, e.path, e.isDir, e.catchUp]).sort();
    expect(got).toEqual(
      [
        ["Create", path.join(dir, "n1"), true, true],
        ["Create", path.join(dir, "n1", "n2"), true, true],
        ["Create", f, false, true],
        ["Create", g, false, true],
        ["Delete", path.join(dir, "old"), true, true],
        ["Delete", a, false, true],
      ].sort(),
    );
    // A directory's Create comes before its files'.
    const order = ev.map((e) => e.path);
    expect(order.indexOf(path.join(dir, "n1"))).toBeLessThan(order.indexOf(f));
  });

  test("catch-up of a directory replaced by a file while stopped: the file is a Create", async () => {
    const dir = tree();
    write(path.join(dir, "x", "inner.tif"));
    const id = await watch(server, { watchDir: dir, eventTypes: ["Creation", "Modification", "Deletion"] });
    await settle(server, id);
    await server.stop(id);
    const before = server.sub.events(id).length;
    fs.rmSync(path.join(dir, "x"), { recursive: true });
    const x = write(path.join(dir, "x"));
    await server.start(id);
    const ev = (await settle(server, id)).slice(before);
    // The old directory's file is deleted; the new file under the directory's name is new.
    expect(ev.filter((e) => e.path === x).map((e) => [e.type, e.isDir, e.catchUp])).toEqual([["Create", false, true]]);
    expect(ev.find((e) => e.path === path.join(dir, "x", "inner.tif"))).toMatchObject({ type: "Delete" });
  });

  test("counters: eventsPublished and rescansPublished count what went out, across stop/start", async () => {
    const parent = tree();
    const dir = path.join(parent, "w");
    fs.mkdirSync(dir);
    const id = await watch(server, { watchDir: dir });
    for (const n of ["a", "b", "c"]) write(path.join(dir, `${n}.tif`));
    await settle(server, id);
    const count = () => {
      const blocks = server.sub.of(id);
      return {
        eventsPublished: blocks.reduce((n, b) => n + b.events.length, 0),
        rescansPublished: blocks.filter((b) => b.rescan !== null).length,
      };
    };
    // Three files: a Create each, and under load a Modify too when a write is seen in two parts.
    expect(count().eventsPublished).toBeGreaterThanOrEqual(3);
    expect(await server.state(id)).toMatchObject({ ...count(), rescansPublished: 0 });
    fs.rmSync(dir, { recursive: true });
    await waitFor(() => server.sub.of(id).some((b) => b.rescan !== null), "a rescan notice");
    fs.mkdirSync(dir);
    write(path.join(dir, "d.tif"));
    await waitFor(() => server.sub.events(id).length >= 4, "d.tif after the directory came back");
    await server.stop(id);
    await server.start(id);
    await settle(server, id);
    const st = await server.state(id);
    expect(st).toMatchObject(count());
    expect(st.rescansPublished).toBe(1);
    expect(st.eventsPublished).toBeGreaterThanOrEqual(4);
  });

  test("the watch directory deleted and recreated: rescan notice, then watched again", async () => {
    const parent = tree();
    const dir = path.join(parent, "w");
    fs.mkdirSync(dir);
    const id = await watch(server, { watchDir: dir });
    write(path.join(dir, "a.tif"));
    await settle(server, id);
    fs.rmSync(dir, { recursive: true });
    await waitFor(() => server.sub.of(id).some((b) => b.rescan !== null), "a rescan notice");
    expect(server.sub.of(id).find((b) => b.rescan)?.rescan?.path).toBe(dir);
    fs.mkdirSync(dir);
    const b = write(path.join(dir, "b.tif"));
    await waitFor(() => creates(server.sub.events(id)).includes(b), "b.tif after the directory came back");
    const c = write(path.join(dir, "c.tif"));
    expect(creates(await settle(server, id))).toContain(c);
    expect((await server.state(id)).state).toBe("started");
  });

  test("a subdirectory deleted and recreated: its new files are published", async () => {
    const dir = tree();
    const id = await watch(server, { watchDir: dir });
    write(path.join(dir, "s", "a.tif"));
    await settle(server, id);
    const before = server.sub.events(id).length;
    fs.rmSync(path.join(dir, "s"), { recursive: true });
    const again = write(path.join(dir, "s", "a.tif"));
    const other = write(path.join(dir, "s", "b.tif"));
    const after = (await settle(server, id)).slice(before);
    // Same name again: a Create, or a Modify when the watcher saw one batch and ext4 reused the inode.
    expect(after.some((e) => e.path === again && (e.type === "Create" || e.type === "Modify"))).toBe(true);
    expect(creates(after)).toContain(other);
  });

  test("bad control requests get typed errors and the server keeps serving", async () => {
    const zmq = require("zeromq") as typeof import("zeromq");
    const ep = server.client.endpoint;
    const req = new zmq.Request({ linger: 0, receiveTimeout: 5000 });
    req.connect(ep);
    const ask = async (frame: string) => {
      await req.send(frame);
      const [reply] = await req.receive();
      return JSON.parse(reply.toString());
    };
    expect(await ask("not json")).toMatchObject({ v: 1, id: null, ok: false, error: { code: "BAD_FRAME" } });
    expect(await ask(JSON.stringify({ v: 2, id: "a", method: "ping" }))).toMatchObject({
      id: "a",
      error: { code: "BAD_VERSION" },
    });
    expect(await ask(JSON.stringify({ v: 1, id: "b", method: "fly" }))).toMatchObject({
      id: "b",
      error: { code: "UNKNOWN_METHOD" },
    });
    expect(
      await ask(JSON.stringify({ v: 1, id: "c", method: "createMonitor", params: { watchDir: "/x", blockSize: -1 } })),
    ).toMatchObject({ id: "c", error: { code: "BAD_PARAMS" } });
    expect(
      await ask(JSON.stringify({ v: 1, id: "d", method: "startMonitor", params: { monitorId: "nope" } })),
    ).toMatchObject({ id: "d", error: { code: "UNKNOWN_MONITOR" } });
    expect(
      await ask(JSON.stringify({ v: 1, id: "e", method: "createMonitor", params: { watchDir: "/does/not/exist" } })),
    ).toMatchObject({ id: "e", error: { code: "BAD_DIRECTORY" } });
    const file = write(path.join(tree(), "f"));
    expect(
      await ask(JSON.stringify({ v: 1, id: "f", method: "createMonitor", params: { watchDir: file } })),
    ).toMatchObject({ id: "f", error: { code: "BAD_DIRECTORY" } });
    expect(await ask(JSON.stringify({ v: 1, id: "g", method: "ping" }))).toMatchObject({ id: "g", ok: true });
    req.close();
    // A DEALER sending two payload frames: BAD_FRAME, in DEALER framing.
    const dealer = new zmq.Dealer({ linger: 0, receiveTimeout: 5000 });
    dealer.connect(ep);
    await dealer.send(["one", "two"]);
    const [reply] = await dealer.receive();
    expect(JSON.parse(reply.toString())).toMatchObject({ id: null, error: { code: "BAD_FRAME" } });
    dealer.close();
    await expect(server.client.call("getMonitorState", { monitorId: "zzz" })).rejects.toBeInstanceOf(ControlCallError);
    const list = await server.client.call("listMonitors", {}, MonitorMethodResults.listMonitors);
    expect(Array.isArray(list)).toBe(true);
  });

  test("a stalled server (SIGSTOP, 20,000 files, SIGCONT) still publishes every file", async () => {
    const dir = tree();
    const id = await watch(server, { watchDir: dir, ignoreDirEvents: true });
    server.child.kill("SIGSTOP");
    const want: string[] = [];
    try {
      for (let i = 0; i < 20000; i++) want.push(write(path.join(dir, `o${i}.dat`), "0123456789"));
    } finally {
      server.child.kill("SIGCONT");
    }
    const got = countBy(creates(await settle(server, id)));
    expect(got.size).toBe(20000);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  }, 60000);
});

test("restart with the same snapshotKey catches up; without a snapshot after kill -9, a rescan notice", async () => {
  const dir = tree();
  const home = tempDir("omero-fs-mon-home-").dir;
  cleanups.add(() => fs.rmSync(home, { recursive: true, force: true }));
  let server = await startServer({ home });
  let id = await watch(server, { watchDir: dir, snapshotKey: "k1" });
  write(path.join(dir, "before.tif"));
  await settle(server, id);
  const t0 = Date.now();
  const exit = await server.kill();
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(exit.code).toBe(0);
  await server.close();
  const during = write(path.join(dir, "during", "x.tif"));
  server = await startServer({ home });
  id = await watch(server, { watchDir: dir, snapshotKey: "k1" });
  const ev = await settle(server, id);
  expect(ev.filter((e) => e.type === "Create").map((e) => [e.path, e.catchUp])).toEqual([[during, true]]);
  // Unclean stop and the snapshot gone: the consumer is told to rescan.
  server.child.kill("SIGKILL");
  await server.exited;
  await server.close();
  fs.rmSync(path.join(home, "var", "monitor", "k1.snapshot"));
  server = await startServer({ home });
  id = await watch(server, { watchDir: dir, snapshotKey: "k1" });
  await settle(server, id);
  await waitFor(() => server.sub.of(id).length > 0, "the rescan block");
  expect(server.sub.of(id)[0].rescan).toEqual({ reason: "no snapshot after unclean stop", path: dir });
  await server.close();
});

test("poll backend (forced) publishes the same events", async () => {
  const dir = tree();
  const server = await startServer({
    env: { OMERO_FS_TEST_MONITOR_OVERRIDES: JSON.stringify({ watchBackend: "poll", pollInterval: 0.3 }) },
  });
  try {
    const id = await watch(server, { watchDir: dir });
    expect((await server.state(id)).backend).toBe("poll");
    const want = [write(path.join(dir, "a.tif")), write(path.join(dir, "n", "m", "b.tif"))];
    expect(creates(await settle(server, id)).sort()).toEqual(want.sort());
    // And without sync: the periodic poll finds a file.
    const c = write(path.join(dir, "c.tif"));
    await waitFor(() => creates(server.sub.events(id)).includes(c), "c.tif via the periodic poll");
  } finally {
    await server.close();
  }
});

test("start-up errors: a second server on the same endpoint; plain TCP refused", async () => {
  const server = await startServer();
  try {
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    const { SERVER_MAIN } = require("./harness") as typeof import("./harness");
    const r = spawnSync(process.execPath, [SERVER_MAIN, "--home", server.home], { encoding: "utf8", timeout: 15000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/another MonitorServer is running on ipc:\/\//);
    const home2 = tempDir("omero-fs-mon-home-").dir;
    cleanups.add(() => fs.rmSync(home2, { recursive: true, force: true }));
    const r2 = spawnSync(process.execPath, [SERVER_MAIN, "--home", home2], {
      encoding: "utf8",
      timeout: 15000,
      env: {
        ...process.env,
        OMERO_FS_TEST_MONITOR_OVERRIDES: JSON.stringify({ monitorBindControl: "tcp://127.0.0.1:0" }),
      },
    });
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toMatch(/omero\.fs\.insecureTcp/);
    expect(r2.stderr.trim().split("\n")).toHaveLength(1);
  } finally {
    await server.close();
  }
});
