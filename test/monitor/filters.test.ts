import * as fs from "node:fs";
import * as path from "node:path";
import { creates, type Server, settle, startServer, watch, Cleanups, write } from "./harness";

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

describe("pathMode", () => {
  test("Flat: only entries of the directory itself", async () => {
    const dir = tree();
    fs.mkdirSync(path.join(dir, "old"));
    const id = await watch(server, { watchDir: dir, pathMode: "Flat" });
    const top = write(path.join(dir, "top.tif"));
    write(path.join(dir, "old", "inner.tif"));
    write(path.join(dir, "new", "inner.tif"));
    expect(creates(await settle(server, id)).sort()).toEqual([top]);
  });

  test("Recurse: subdirectories existing at start, not new ones", async () => {
    const dir = tree();
    fs.mkdirSync(path.join(dir, "old", "deeper"), { recursive: true });
    const id = await watch(server, { watchDir: dir, pathMode: "Recurse" });
    const want = [
      write(path.join(dir, "top.tif")),
      write(path.join(dir, "old", "a.tif")),
      write(path.join(dir, "old", "deeper", "b.tif")),
    ];
    write(path.join(dir, "new", "c.tif"));
    write(path.join(dir, "old", "new2", "d.tif"));
    expect(creates(await settle(server, id)).sort()).toEqual(want.sort());
  });

  test("Follow: new directories too, including files written before their watch", async () => {
    const dir = tree();
    const id = await watch(server, { watchDir: dir, pathMode: "Follow" });
    const want = [write(path.join(dir, "n1", "n2", "n3", "a.tif")), write(path.join(dir, "n1", "b.tif"))];
    expect(creates(await settle(server, id)).sort()).toEqual(want.sort());
  });

  test("mv of a whole tree into the watch reports every file once", async () => {
    const dir = tree();
    const outside = tree();
    const want: string[] = [];
    for (let d = 0; d < 20; d++)
      for (let f = 0; f < 25; f++) want.push(write(path.join(outside, "t", `d${d}`, `f${f}.tif`)));
    const id = await watch(server, { watchDir: dir });
    fs.renameSync(path.join(outside, "t"), path.join(dir, "t"));
    const got = creates(await settle(server, id));
    expect(got.length).toBe(500);
    expect(got.sort()).toEqual(want.map((p) => p.replace(outside, dir)).sort());
  });
});

test("whitelist: case-insensitive, multi-part suffixes", async () => {
  const dir = tree();
  const id = await watch(server, { watchDir: dir, whitelist: [".ome.tif", "DV"] });
  const want = [
    write(path.join(dir, "a.OME.TIF")),
    write(path.join(dir, "b.dv")),
    write(path.join(dir, "s", "c.ome.tif")),
  ];
  write(path.join(dir, "plain.tif"));
  write(path.join(dir, "x.txt"));
  expect(creates(await settle(server, id)).sort()).toEqual(want.sort());
});

test("blacklist: absolute and watchDir-relative subdirectories", async () => {
  const dir = tree();
  fs.mkdirSync(path.join(dir, "skip1"));
  const id = await watch(server, { watchDir: dir, blacklist: [path.join(dir, "skip1"), "skip2/deep"] });
  write(path.join(dir, "skip1", "a.tif"));
  write(path.join(dir, "skip2", "deep", "b.tif"));
  const want = [write(path.join(dir, "skip2", "c.tif")), write(path.join(dir, "keep", "d.tif"))];
  expect(creates(await settle(server, id)).sort()).toEqual(want.sort());
});

const SYS_NAMES = [
  ".hidden",
  ".DS_Store",
  ".nfs000123",
  ".a.tif.swp",
  "backup.tif~",
  "~$report.docx",
  "#auto#",
  "Thumbs.db",
  "desktop.ini",
  "x.tif.part",
  "x.tif.partial",
  "x.tif.crdownload",
  "x.tif.download",
  "x.tif.filepart",
  "x.tmp",
  "x.temp",
  "x.swp",
];

test("ignoreSysFiles: every rule, and files inside dot or new-folder dirs", async () => {
  const dir = tree();
  const id = await watch(server, { watchDir: dir });
  for (const n of SYS_NAMES) write(path.join(dir, n));
  write(path.join(dir, ".git", "obj"));
  write(path.join(dir, "untitled folder", "a.tif"));
  write(path.join(dir, "New Folder (2)", "b.tif"));
  write(path.join(dir, "$RECYCLE.BIN", "c.tif"));
  const keep = write(path.join(dir, "real.tif"));
  expect(creates(await settle(server, id), { dirs: true })).toEqual([keep]);
});

test("ignoreSysFiles false: those names are published", async () => {
  const dir = tree();
  const id = await watch(server, { watchDir: dir, ignoreSysFiles: false });
  const want = SYS_NAMES.map((n) => write(path.join(dir, n)));
  expect(creates(await settle(server, id)).sort()).toEqual(want.sort());
});

test("ignoreDirEvents on (default) and off", async () => {
  const dir1 = tree();
  const dir2 = tree();
  const on = await watch(server, { watchDir: dir1 });
  const off = await watch(server, { watchDir: dir2, ignoreDirEvents: false });
  write(path.join(dir1, "sub", "a.tif"));
  write(path.join(dir2, "sub", "a.tif"));
  const e1 = await settle(server, on);
  const e2 = await settle(server, off);
  expect(e1.filter((e) => e.isDir)).toEqual([]);
  expect(e2.filter((e) => e.isDir).map((e) => [e.type, e.path])).toEqual([["Create", path.join(dir2, "sub")]]);
  expect(creates(e2)).toEqual([path.join(dir2, "sub", "a.tif")]);
});

test("eventTypes: Modification and Deletion published when asked, not by default", async () => {
  const dir1 = tree();
  const dir2 = tree();
  const dflt = await watch(server, { watchDir: dir1 });
  const all = await watch(server, { watchDir: dir2, eventTypes: ["Creation", "Modification", "Deletion"] });
  for (const d of [dir1, dir2]) write(path.join(d, "a.tif"));
  await settle(server, dflt);
  await settle(server, all);
  for (const d of [dir1, dir2]) {
    fs.appendFileSync(path.join(d, "a.tif"), "more");
    fs.rmSync(path.join(d, "a.tif"));
    write(path.join(d, "b.tif"));
  }
  const e1 = await settle(server, dflt);
  const e2 = await settle(server, all);
  expect(e1.filter((e) => e.type === "Delete")).toEqual([]);
  expect(e2.filter((e) => e.type === "Delete").map((e) => e.path)).toEqual([path.join(dir2, "a.tif")]);
  expect(creates(e2)).toEqual([path.join(dir2, "a.tif"), path.join(dir2, "b.tif")]);
});

test("Unicode and odd names", async () => {
  const dir = tree();
  const id = await watch(server, { watchDir: dir });
  const names = ["Übersicht_細胞 (1).tif", "with space.tif", "quote'\"s.tif", "new\nline.tif", "emoji 🧫.tif"];
  const want = names.map((n) => write(path.join(dir, "ü dir", n)));
  expect(creates(await settle(server, id)).sort()).toEqual(want.sort());
});

test("a name that is not valid UTF-8 is skipped and the monitor keeps working", async () => {
  const dir = tree();
  const id = await watch(server, { watchDir: dir });
  const bad = Buffer.concat([Buffer.from(`${dir}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from(".tif")]);
  fs.writeFileSync(bad, "x");
  const ok = write(path.join(dir, "after.tif"));
  const got = creates(await settle(server, id));
  expect(got).toContain(ok);
  expect(got.every((p) => !p.includes("bad-"))).toBe(true);
  expect((await server.state(id)).state).toBe("started");
});
