/** The `list` control method against a real MonitorServer process (ipc). */
import * as fs from "node:fs";
import * as path from "node:path";
import { Cleanups, type Server, startServer, TEST_TIMINGS, write } from "./harness";
import { type ListResult, listMonitor, MAX_BLOCK_EVENTS, MonitorMethodResults } from "./deps";

// Each test starts real processes and writes real trees: seconds under load (jest's default is 5 s).
jest.setTimeout(60_000);

let server: Server;
const cleanups = new Cleanups();
const tree = () => cleanups.tree();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
  cleanups.run();
});

const page = (s: Server, monitorId: string, extra: { cursor?: string; limit?: number } = {}): Promise<ListResult> =>
  s.client.call("list", { monitorId, ...extra }, MonitorMethodResults.list);

/** Every page of a listing, asked one after the other. */
async function pages(s: Server, monitorId: string, limit?: number): Promise<ListResult[]> {
  const out: ListResult[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(s, monitorId, { ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) });
    out.push(p);
    cursor = p.cursor ?? undefined;
  } while (cursor);
  return out;
}

/** Absolute file paths of a listing through the client helper, sorted. */
async function listed(s: Server, monitorId: string, limit?: number): Promise<string[]> {
  const got: string[] = [];
  for await (const d of listMonitor(s.client, monitorId, { limit }))
    for (const f of d.files) got.push(path.join(d.dir, f.name));
  return got.sort();
}

test("pages: every file once, at most `limit` per page, the cursor null on the last", async () => {
  const dir = tree();
  const want: string[] = [];
  for (let d = 0; d < 4; d++)
    for (let f = 0; f < 30; f++) want.push(write(path.join(dir, `d${d}`, `f${f}.tif`), "abc"));
  want.push(write(path.join(dir, "top.tif"), "abcd"));
  fs.mkdirSync(path.join(dir, "empty"));
  const id = await server.create({ watchDir: dir });
  const ps = await pages(server, id, 25);
  expect(ps.length).toBeGreaterThanOrEqual(5);
  for (const p of ps) {
    expect(p.present).toBe(true);
    expect(p.dirs.reduce((n, d) => n + d.files.length, 0)).toBeLessThanOrEqual(25);
  }
  expect(ps.slice(0, -1).every((p) => typeof p.cursor === "string")).toBe(true);
  expect(ps[ps.length - 1]!.cursor).toBeNull();
  const files = ps.flatMap((p) =>
    p.dirs.flatMap((d) => d.files.map((f) => ({ ...f, path: path.join(d.dir, f.name) }))),
  );
  expect(files.map((f) => f.path).sort()).toEqual(want.sort());
  const top = files.find((f) => f.path === path.join(dir, "top.tif"))!;
  const st = fs.statSync(path.join(dir, "top.tif"));
  expect([top.size, top.mtimeMs, top.ino]).toEqual([4, st.mtimeMs, st.ino]);
  // Directories without files are listed too (a reconciliation learns they are empty).
  const dirs = ps.flatMap((p) => p.dirs.map((d) => d.dir));
  expect(dirs).toEqual(expect.arrayContaining([dir, path.join(dir, "empty"), path.join(dir, "d0")]));
  expect(await listed(server, id, 25)).toEqual(want.sort());
  // No limit: one page (MAX_BLOCK_EVENTS files at most).
  const one = await pages(server, id);
  expect(one.length).toBe(1);
});

test("a directory bigger than one page: `more` on each part, merged by listMonitor", async () => {
  const dir = tree();
  const want: string[] = [];
  for (let f = 0; f < 230; f++) want.push(write(path.join(dir, "big", `f${String(f).padStart(3, "0")}.tif`)));
  want.push(write(path.join(dir, "small", "s.tif")));
  const id = await server.create({ watchDir: dir });
  const ps = await pages(server, id, 100);
  const bigParts = ps.flatMap((p) => p.dirs.filter((d) => d.dir === path.join(dir, "big")));
  expect(bigParts.length).toBe(3);
  expect(bigParts.map((d) => d.more)).toEqual([true, true, false]);
  expect(bigParts.map((d) => d.files.length)).toEqual([expect.any(Number), 100, expect.any(Number)]);
  const seen: string[] = [];
  let bigCount = 0;
  const it = listMonitor(server.client, id, { limit: 100 });
  for (;;) {
    const r = await it.next();
    if (r.done) {
      expect(r.value).toMatchObject({ present: true, files: 231, unreadableDirs: [] });
      break;
    }
    seen.push(r.value.dir);
    if (r.value.dir === path.join(dir, "big")) bigCount = r.value.files.length;
  }
  expect(seen.filter((d) => d === path.join(dir, "big")).length).toBe(1);
  expect(bigCount).toBe(230);
  expect(await listed(server, id, 7)).toEqual(want.sort());
});

test("limit is capped at MAX_BLOCK_EVENTS", async () => {
  const dir = tree();
  for (let f = 0; f < MAX_BLOCK_EVENTS + 10; f++) fs.writeFileSync(path.join(dir, `f${f}`), "");
  const id = await server.create({ watchDir: dir });
  const first = await page(server, id, { limit: 1_000_000 });
  expect(first.dirs[0]!.files.length).toBe(MAX_BLOCK_EVENTS);
  expect(first.dirs[0]!.more).toBe(true);
  const second = await page(server, id, { cursor: first.cursor! });
  expect(second.dirs[0]!.files.length).toBe(10);
  expect(second.cursor).toBeNull();
});

test("filters as the monitor's: whitelist, blacklist, ignoreSysFiles, Flat; cookies never", async () => {
  const dir = tree();
  const keep = [write(path.join(dir, "a.OME.TIF")), write(path.join(dir, "sub", "b.dv"))];
  write(path.join(dir, "x.txt"));
  write(path.join(dir, ".DS_Store"));
  write(path.join(dir, "c.tif.part"));
  write(path.join(dir, ".git", "d.dv"));
  write(path.join(dir, "untitled folder", "e.dv"));
  write(path.join(dir, "skip", "f.dv"));
  write(path.join(dir, "sub", "skip2", "g.dv"));
  write(path.join(dir, ".omero-fs-cookie-123"));
  const filtered = await server.create({
    watchDir: dir,
    whitelist: [".ome.tif", "dv"],
    blacklist: ["skip", path.join(dir, "sub", "skip2")],
  });
  expect(await listed(server, filtered)).toEqual(keep.sort());
  const dirs = (await pages(server, filtered)).flatMap((p) => p.dirs.map((d) => d.dir));
  expect(dirs.sort()).toEqual([dir, path.join(dir, "sub")]);

  const all = await server.create({ watchDir: dir, ignoreSysFiles: false });
  const everything = await listed(server, all);
  expect(everything).toContain(path.join(dir, ".DS_Store"));
  expect(everything).toContain(path.join(dir, ".git", "d.dv"));
  expect(everything).not.toContain(path.join(dir, ".omero-fs-cookie-123"));

  const flat = await server.create({ watchDir: dir, pathMode: "Flat" });
  expect(await listed(server, flat)).toEqual([path.join(dir, "a.OME.TIF"), path.join(dir, "x.txt")].sort());
});

test("symlinks: a linked file is listed, a linked directory is not descended", async () => {
  const dir = tree();
  const outside = tree();
  const target = write(path.join(outside, "t.tif"), "12345");
  fs.symlinkSync(target, path.join(dir, "link.tif"));
  fs.symlinkSync(outside, path.join(dir, "linkdir"));
  fs.symlinkSync(path.join(outside, "nothing"), path.join(dir, "dangling.tif"));
  const id = await server.create({ watchDir: dir });
  const it = listMonitor(server.client, id);
  const got: Array<[string, number]> = [];
  for await (const d of it) for (const f of d.files) got.push([path.join(d.dir, f.name), f.size]);
  expect(got).toEqual([[path.join(dir, "link.tif"), 5]]);
});

test("a repeated cursor gets the same page again (a lost reply loses nothing); an older one is refused", async () => {
  const dir = tree();
  for (let f = 0; f < 30; f++) write(path.join(dir, `f${f}.tif`));
  const id = await server.create({ watchDir: dir });
  const p1 = await page(server, id, { limit: 10 });
  const p2 = await page(server, id, { cursor: p1.cursor!, limit: 10 });
  const p2again = await page(server, id, { cursor: p1.cursor!, limit: 10 });
  expect(p2again).toEqual(p2);
  const p3 = await page(server, id, { cursor: p2.cursor!, limit: 10 });
  expect(p3.cursor).toBeNull();
  await expect(page(server, id, { cursor: p1.cursor! })).rejects.toMatchObject({ code: "BAD_PARAMS" });
  const names = [p1, p2, p3].flatMap((p) => p.dirs.flatMap((d) => d.files.map((f) => f.name)));
  expect(new Set(names).size).toBe(30);
});

test("unknown monitor, bad cursor, another monitor's cursor, missing root", async () => {
  await expect(page(server, "no-such-monitor")).rejects.toMatchObject({ code: "UNKNOWN_MONITOR" });
  const dir = tree();
  for (let f = 0; f < 5; f++) write(path.join(dir, `f${f}.tif`));
  const id = await server.create({ watchDir: dir });
  const other = await server.create({ watchDir: dir });
  await expect(page(server, id, { cursor: "nonsense" })).rejects.toMatchObject({
    code: "BAD_PARAMS",
    message: expect.stringContaining("start the listing again"),
  });
  const p1 = await page(server, id, { limit: 2 });
  await expect(page(server, other, { cursor: p1.cursor! })).rejects.toMatchObject({ code: "BAD_PARAMS" });
  await server.client.call("destroyMonitor", { monitorId: id });
  await expect(page(server, id, { cursor: p1.cursor! })).rejects.toMatchObject({ code: "UNKNOWN_MONITOR" });
  fs.rmSync(dir, { recursive: true });
  expect(await page(server, other)).toEqual({ present: false, dirs: [], unreadable: [], cursor: null });
  const it = listMonitor(server.client, other);
  expect(await it.next()).toMatchObject({ done: true, value: { present: false } });
});

test("a cursor not used for listIdleMs expires: BAD_PARAMS naming it", async () => {
  const idleMs = 400;
  const s = await startServer({
    env: { OMERO_FS_TEST_MONITOR_TIMINGS: JSON.stringify({ ...TEST_TIMINGS, listIdleMs: idleMs }) },
  });
  try {
    const dir = tree();
    for (let f = 0; f < 5; f++) write(path.join(dir, `f${f}.tif`));
    const id = await s.create({ watchDir: dir });
    const p1 = await page(s, id, { limit: 2 });
    // Expiry is decided on the next call (and by the server's sweep): past idleMs it is gone.
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, idleMs + 100));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(idleMs);
    await expect(page(s, id, { cursor: p1.cursor! })).rejects.toMatchObject({
      code: "BAD_PARAMS",
      message: expect.stringContaining(p1.cursor!),
    });
    // Starting again works.
    expect((await listed(s, id, 2)).length).toBe(5);
  } finally {
    await s.close();
  }
});
