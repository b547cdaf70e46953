/**
 * The fast path (fs.watch, no debounce) publishes new files before the watcher's batch. To show
 * that without timing assertions, the server holds every @parcel/watcher batch for HOLD_MS
 * (test hook nativeDelayMs): an event that arrives well inside the hold can only have come from
 * the fast path. The final sync (its cookie goes through the held watcher) then checks that the
 * watcher's later report of the same files publishes nothing twice.
 *
 * Run for both watchers: with parcel (its inotify backend here; macOS and Windows in production)
 * the fast path is what publishes; with one fs.watch per directory (Linux: no debounce, no
 * separate fast path) the same assertions show that those watches publish within the fast
 * path's window, once, filtered and coalesced.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Cleanups,
  countBy,
  creates,
  type Server,
  settle,
  startServer,
  TEST_TIMINGS,
  WATCHERS,
  waitFor,
  watch,
} from "./harness";

// Each test starts real processes and writes real trees: seconds under load (jest's default is 5 s).
jest.setTimeout(60_000);

const HOLD_MS = 5000;
/** Well inside the hold: a Create seen by then did not come through the watcher. */
const BEFORE_HOLD_MS = HOLD_MS - 1500;

describe.each(WATCHERS)("watcher %s", (watcher) => {
  let server: Server;
  const cleanups = new Cleanups();
  const tree = () => cleanups.tree("omero-fs-mon-fast-");

  beforeAll(async () => {
    server = await startServer({
      watcher,
      env: { OMERO_FS_TEST_MONITOR_TIMINGS: JSON.stringify({ ...TEST_TIMINGS, nativeDelayMs: HOLD_MS }) },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    cleanups.run();
  });

  test("new files in a quiet tree are published by the fast path, once, filtered and coalesced", async () => {
    const dir = tree();
    fs.mkdirSync(path.join(dir, "sub", "deep"), { recursive: true });
    fs.mkdirSync(path.join(dir, ".hidden"));
    const id = await watch(server, { watchDir: dir, blockSize: 2 });

    const want = [
      path.join(dir, "a.tif"),
      path.join(dir, "sub", "b.tif"),
      path.join(dir, "sub", "deep", "c.tif"),
      path.join(dir, "d.tif"),
      path.join(dir, "e.tif"),
    ];
    for (const p of want) fs.writeFileSync(p, "x");
    // Never published: system files (ignoreSysFiles) and a file deleted inside the block window.
    fs.writeFileSync(path.join(dir, ".DS_Store"), "x");
    fs.writeFileSync(path.join(dir, "x.tmp"), "x");
    fs.writeFileSync(path.join(dir, ".hidden", "h.tif"), "x");
    // The server is stopped meanwhile, so both events wait in the kernel's queue and are read
    // together, well inside one block window, however busy the machine is (under two CPU burners
    // the window once closed between the two calls, and the Create went out).
    const pid = server.child.pid!;
    process.kill(pid, "SIGSTOP");
    try {
      fs.writeFileSync(path.join(dir, "gone.tif"), "x");
      fs.rmSync(path.join(dir, "gone.tif"));
    } finally {
      process.kill(pid, "SIGCONT");
    }

    await waitFor(
      () => want.every((p) => creates(server.sub.events(id)).includes(p)),
      "every new file through the fast path, while the watcher's batch is held",
      { timeoutMs: BEFORE_HOLD_MS },
    );

    // Now let the held watcher batches through: nothing is published twice, nothing filtered.
    const events = await settle(server, id);
    const got = countBy(creates(events));
    expect([...got.keys()].sort()).toEqual([...want].sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(events.some((e) => e.path.endsWith("gone.tif"))).toBe(false);
    const blocks = server.sub.of(id);
    expect(blocks.map((b) => b.seq)).toEqual(blocks.map((_, i) => i + 1));
    expect(blocks.every((b) => b.events.length >= 1 && b.events.length <= 2)).toBe(true);
  }, 30_000);

  test("a deleted file is published by the fast path; a file replaced by a rename is a new Create", async () => {
    const dir = tree();
    const old = path.join(dir, "old.tif");
    fs.writeFileSync(old, "x");
    const id = await watch(server, { watchDir: dir, eventTypes: ["Creation", "Modification", "Deletion"] });
    const swap = path.join(dir, "swap.tif");
    const swapCreates = () => server.sub.events(id).filter((e) => e.path === swap && e.type === "Create").length;

    fs.rmSync(old);
    fs.writeFileSync(swap, "1");
    await waitFor(
      () => swapCreates() === 1 && server.sub.events(id).some((e) => e.path === old && e.type === "Delete"),
      "the Delete and the Create through the fast path",
      { timeoutMs: BEFORE_HOLD_MS },
    );
    // Replace swap.tif by renaming a new file over it (a new inode, as editors and rsync do).
    const tmp = path.join(dir, "swap.new");
    fs.writeFileSync(tmp, "2");
    fs.renameSync(tmp, swap);
    await waitFor(() => swapCreates() === 2, "the replacement's Create through the fast path", {
      timeoutMs: BEFORE_HOLD_MS,
    });

    const events = await settle(server, id);
    expect(events.filter((e) => e.path === old).map((e) => e.type)).toEqual(["Delete"]);
    // The watcher's later report of the same inode adds no Create (a Modify is allowed).
    expect(swapCreates()).toBe(2);
  }, 30_000);
});
