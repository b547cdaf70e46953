import * as fs from "node:fs";
import * as path from "node:path";
import { countBy, creates, type Server, startServer, tempDir, waitFor, WATCHERS } from "./harness";

// Each test starts real processes and writes real trees: seconds under load (jest's default is 5 s).
jest.setTimeout(60_000);

describe.each(WATCHERS)("watcher %s", (watcher) => {
  let server: Server;
  const dirs: Array<() => void> = [];
  function tree(): string {
    const t = tempDir("omero-fs-mon-tree-");
    dirs.push(t.cleanup);
    return t.dir;
  }

  beforeAll(async () => {
    server = await startServer({ watcher });
  });
  afterAll(async () => {
    await server?.close();
    for (const c of dirs) c();
  });

  test("ping answers pid and version", async () => {
    const r = (await server.client.call("ping")) as { pid: number; version: string };
    expect(r.pid).toBe(server.child.pid);
    expect(typeof r.version).toBe("string");
  });

  test("a created file is published once as Create, with seq 1", async () => {
    const dir = tree();
    const id = await server.create({ watchDir: dir });
    const st = await server.start(id);
    expect(st.state).toBe("started");
    expect(st.backend).toBe("native");
    fs.writeFileSync(path.join(dir, "a.tif"), "x");
    const seq = await server.sync(id);
    expect(seq).toBeGreaterThanOrEqual(1);
    await waitFor(() => server.sub.of(id).length >= seq, "blocks up to seq");
    expect(creates(server.sub.events(id))).toEqual([path.join(dir, "a.tif")]);
    expect(server.sub.of(id)[0].seq).toBe(1);
    const s2 = await server.state(id);
    expect(s2.seq).toBe(seq);
    expect(s2.params.pathMode).toBe("Follow");
  });

  test("cp -r style burst of 500 files in 20 new dirs: every file exactly once", async () => {
    const dir = tree();
    const id = await server.create({ watchDir: dir });
    await server.start(id);
    const want: string[] = [];
    const top = path.join(dir, "batch");
    fs.mkdirSync(top);
    for (let d = 0; d < 20; d++) {
      const sub = path.join(top, `d${d}`, "inner");
      fs.mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 25; f++) {
        const p = path.join(sub, `f${f}.tif`);
        fs.writeFileSync(p, "data");
        want.push(p);
      }
    }
    const seq = await server.sync(id);
    await waitFor(() => server.sub.of(id).length >= seq, "blocks up to seq");
    const got = countBy(creates(server.sub.events(id)));
    expect([...got.keys()].sort()).toEqual([...want].sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });

  test("a slow copy into nested new directories (mkdir -p, then files over time) reports every file", async () => {
    const dir = tree();
    const id = await server.create({ watchDir: dir });
    await server.start(id);
    const want: string[] = [];
    for (let d = 0; d < 5; d++) {
      const sub = path.join(dir, "slow", `g${d}`, `d${d}`, "e");
      fs.mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 20; f++) {
        const p = path.join(sub, `f${f}.tif`);
        fs.writeFileSync(p, "data");
        want.push(p);
        // Spread the writes over time, as a slow copy does (workload pacing, not a wait).
        await new Promise((r) => setTimeout(r, 3));
      }
    }
    const seq = await server.sync(id);
    await waitFor(() => server.sub.of(id).length >= seq, "blocks up to seq");
    const got = countBy(creates(server.sub.events(id)));
    expect([...got.keys()].sort()).toEqual([...want].sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });

  test("files added later inside a moved-in tree's subdirectories are reported", async () => {
    const dir = tree();
    const outside = tree();
    fs.mkdirSync(path.join(outside, "t", "a", "b"), { recursive: true });
    const id = await server.create({ watchDir: dir });
    await server.start(id);
    fs.renameSync(path.join(outside, "t"), path.join(dir, "t"));
    await server.sync(id);
    const late = path.join(dir, "t", "a", "b", "late.tif");
    fs.writeFileSync(late, "x");
    await waitFor(() => creates(server.sub.events(id)).includes(late), "late.tif without a sync");
  });
});
