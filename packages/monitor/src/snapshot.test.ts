import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as parcel from "@parcel/watcher";
import { msOfNs, readSnapshot, SnapshotStore, writeSnapshotFile } from "./snapshot";

test("readSnapshot reads what @parcel/watcher writes (odd names, newlines, Unicode)", async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "snap-")));
  const names = ["a.tif", "with space", "new\nline", "Übersicht_細胞 (1).tif", "123"];
  fs.mkdirSync(path.join(dir, "sub"));
  for (const n of names) fs.writeFileSync(path.join(dir, "sub", n), "x");
  const file = path.join(dir, "..", `${path.basename(dir)}.snapshot`);
  await parcel.writeSnapshot(dir, file);
  const entries = [...readSnapshot(file)];
  const byPath = new Map(entries.map((e) => [e.path, e]));
  expect(byPath.get(path.join(dir, "sub"))?.isDir).toBe(true);
  for (const n of names) {
    const e = byPath.get(path.join(dir, "sub", n));
    expect(e?.isDir).toBe(false);
    const st = fs.lstatSync(path.join(dir, "sub", n), { bigint: true });
    expect(e?.mtime).toBe(String(st.mtimeNs));
  }
  fs.writeFileSync(file, "2\n3/ab12 0\n");
  expect(() => [...readSnapshot(file)]).toThrow(/malformed/);
  fs.writeFileSync(file, "");
  expect([...readSnapshot(file)]).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
});

test("writeSnapshotFile writes the tree as parcel would: readSnapshot reads it back, parcel sees no change", async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "snapw-")));
  const names = ["a.tif", "with space", "new\nline", "Übersicht_細胞 (1).tif", "123"];
  fs.mkdirSync(path.join(dir, "sub", "deep"), { recursive: true });
  fs.mkdirSync(path.join(dir, "skip", "x"), { recursive: true });
  fs.writeFileSync(path.join(dir, "skip", "x", "f"), "x");
  for (const n of names) fs.writeFileSync(path.join(dir, "sub", n), "x");
  fs.writeFileSync(path.join(dir, "sub", "deep", "f.tif"), "x");
  fs.symlinkSync("/etc", path.join(dir, "link"));
  const file = path.join(dir, "..", `${path.basename(dir)}.w.snapshot`);
  const n = await writeSnapshotFile(dir, file, [path.join(dir, "skip")]);
  const entries = [...readSnapshot(file)];
  expect(entries.length).toBe(n);
  // What the tree holds, by lstat (the ignored subtree left out, the link not followed).
  const expected = new Map<string, { mtime: string; isDir: boolean }>();
  const walk = (p: string) => {
    const st = fs.lstatSync(p, { bigint: true });
    expected.set(p, { mtime: String(st.mtimeNs), isDir: st.isDirectory() });
    if (st.isDirectory()) for (const c of fs.readdirSync(p)) if (c !== "skip") walk(path.join(p, c));
  };
  walk(dir);
  expect(new Map(entries.map((e) => [e.path, { mtime: e.mtime, isDir: e.isDir }]))).toEqual(expected);
  // parcel reads the same format (the poll backend diffs against it).
  expect(await parcel.getEventsSince(dir, file, { ignore: [path.join(dir, "skip")] })).toEqual([]);
  fs.writeFileSync(path.join(dir, "sub", "deep", "new.tif"), "x");
  expect(await parcel.getEventsSince(dir, file, { ignore: [path.join(dir, "skip")] })).toEqual([
    { path: path.join(dir, "sub", "deep", "new.tif"), type: "create" },
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
});

test("a snapshot walk is abandoned when asked (a newer write replaces it); SnapshotStore renames only whole ones", async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "snapa-")));
  for (let i = 0; i < 25; i++) fs.writeFileSync(path.join(dir, `f${i}`), "");
  const file = path.join(dir, "..", `${path.basename(dir)}.a.snapshot`);
  // A turn of the event loop every 10 entries: the walk looks at `abandoned` before its end.
  expect(await writeSnapshotFile(dir, file, [], () => true, 10)).toBe(-1);
  expect(await writeSnapshotFile(dir, file, [], () => false, 10)).toBe(26);
  const store = new SnapshotStore(path.dirname(file), `${path.basename(dir)}.s`, (what, e) => {
    throw new Error(`${what}: ${e}`);
  });
  const first = store.writeSnapshot(dir, []);
  const second = store.writeSnapshot(dir, []);
  await Promise.all([first, second]);
  expect([...readSnapshot(store.snapshotFile)]).toHaveLength(26);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
  fs.rmSync(store.snapshotFile, { force: true });
});

test("msOfNs gives exactly the mtimeMs of an ordinary lstat (the catch-up compares with it)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "msns-"));
  const f = path.join(dir, "a");
  fs.writeFileSync(f, "x");
  // Fractions, whole seconds, a time with fewer than ten digits of ns, and now.
  const times = [1_795_874_864.123_456, 1_700_000_000, 1_700_000_000.5, 5.5, Date.now() / 1000];
  for (const t of times) {
    fs.utimesSync(f, t, t);
    const ns = String(fs.lstatSync(f, { bigint: true }).mtimeNs);
    expect(msOfNs(ns)).toBe(fs.lstatSync(f).mtimeMs);
  }
  // The kernel's own timestamps (any nanoseconds) of freshly written files.
  for (let i = 0; i < 200; i++) {
    const g = path.join(dir, `f${i}`);
    fs.writeFileSync(g, "x");
    expect(msOfNs(String(fs.lstatSync(g, { bigint: true }).mtimeNs))).toBe(fs.lstatSync(g).mtimeMs);
  }
  // A different mtime never compares equal.
  expect(msOfNs("1795874864123456789")).not.toBe(msOfNs("1795874864123457789"));
  fs.rmSync(dir, { recursive: true, force: true });
});
