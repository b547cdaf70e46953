/**
 * The native backend on Linux: one fs.watch per directory (packages/monitor/src/sources/dirs-watcher.ts),
 * with a real MonitorServer and real directories. A file is waited for without a sync (sync lists
 * the touched directories, which would hide a directory left without a watch): one published
 * that way was seen by the watch of its directory, or by the settle listing its events caused.
 * The settle timings are long here (10 s), so only a watch can publish within the wait.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { logShows, readLog } from "../cli/harness";
import { Cleanups, creates, type Server, settle, startServer, waitFor, watch, write } from "./harness";

jest.setTimeout(60_000);

let server: Server;
const cleanups = new Cleanups();
const tree = () => cleanups.tree();
/** Seen by a watch: well before any settle listing (settleQuietMs 10 s) could find it. */
const BY_A_WATCH = { timeoutMs: 5000 };
const ALL = ["Creation" as const, "Modification" as const, "Deletion" as const];

beforeAll(async () => {
  server = await startServer({
    env: { OMERO_FS_TEST_MONITOR_TIMINGS: JSON.stringify({ settleQuietMs: 10_000, settleMaxMs: 20_000 }) },
  });
});
afterAll(async () => {
  await server?.close();
  cleanups.run();
});

test("a directory moved within the tree: files written in it later are published under the new path only", async () => {
  const dir = tree();
  write(path.join(dir, "a", "sub", "old.tif"));
  const id = await watch(server, { watchDir: dir, ignoreDirEvents: false, eventTypes: ALL });
  fs.renameSync(path.join(dir, "a"), path.join(dir, "b"));
  await waitFor(
    () => server.sub.events(id).some((e) => e.path === path.join(dir, "b") && e.type === "Create"),
    "the moved directory's Create",
    BY_A_WATCH,
  );
  const top = write(path.join(dir, "b", "new.tif"));
  const deep = write(path.join(dir, "b", "sub", "new2.tif"));
  await waitFor(
    () => [top, deep].every((p) => creates(server.sub.events(id)).includes(p)),
    "files in the moved directory, by their watches",
    BY_A_WATCH,
  );
  // Made again under the old name: watched anew, not through the moved directory's watch.
  const again = write(path.join(dir, "a", "again.tif"));
  await waitFor(() => creates(server.sub.events(id)).includes(again), "a file in the new a/", BY_A_WATCH);
  const events = await settle(server, id);
  const underA = events.filter((e) => e.path.startsWith(`${path.join(dir, "a")}/`) && e.type !== "Delete");
  expect(underA.map((e) => e.path)).toEqual([again]);
  expect(creates(events)).toEqual(expect.arrayContaining([path.join(dir, "b", "sub", "old.tif"), top, deep]));
});

test("mkdir -p a/b/c and a file at once: published, and a/b/c is watched from then on", async () => {
  const dir = tree();
  const id = await watch(server, { watchDir: dir, ignoreDirEvents: false, eventTypes: ALL });
  const f = write(path.join(dir, "a", "b", "c", "f.tif"));
  await waitFor(() => creates(server.sub.events(id)).includes(f), "a/b/c/f.tif", BY_A_WATCH);
  const g = write(path.join(dir, "a", "b", "c", "g.tif"));
  const h = write(path.join(dir, "a", "b", "h.tif"));
  await waitFor(() => [g, h].every((p) => creates(server.sub.events(id)).includes(p)), "later files", BY_A_WATCH);
  const events = await settle(server, id);
  expect(creates(events).filter((p) => p === f || p === g || p === h)).toHaveLength(3);
});

test("a subdirectory deleted and made again (ext4 reuses the inode): the new one is watched", async () => {
  const dir = tree();
  write(path.join(dir, "s", "a.tif"));
  const id = await watch(server, { watchDir: dir, ignoreDirEvents: false, eventTypes: ALL });
  fs.rmSync(path.join(dir, "s"), { recursive: true });
  fs.mkdirSync(path.join(dir, "s"));
  await waitFor(
    () => server.sub.events(id).some((e) => e.path === path.join(dir, "s") && e.type === "Create"),
    "the new s/ (Delete + Create coalesce to Create)",
    BY_A_WATCH,
  );
  const later = write(path.join(dir, "s", "later.tif"));
  await waitFor(() => creates(server.sub.events(id)).includes(later), "a file in the new s/", BY_A_WATCH);
});

test("a directory moved out of the tree: nothing is published for what is written in it afterwards", async () => {
  const dir = tree();
  const outside = tree();
  write(path.join(dir, "x", "one.tif"));
  const id = await watch(server, { watchDir: dir, ignoreDirEvents: false, eventTypes: ALL });
  fs.renameSync(path.join(dir, "x"), path.join(outside, "x"));
  await waitFor(
    () => server.sub.events(id).some((e) => e.path === path.join(dir, "x") && e.type === "Delete"),
    "x/ gone",
    BY_A_WATCH,
  );
  write(path.join(outside, "x", "two.tif"));
  const marker = write(path.join(dir, "marker.tif"));
  await waitFor(() => creates(server.sub.events(id)).includes(marker), "the marker", BY_A_WATCH);
  const events = await settle(server, id);
  expect(events.filter((e) => e.path.includes("two.tif") || e.path.startsWith(outside))).toEqual([]);
});

describe("out of inotify watches (the kernel's refusal simulated: test hook maxDirWatches)", () => {
  let small: Server;
  beforeAll(async () => {
    small = await startServer({
      env: {
        OMERO_FS_TEST_MONITOR_TIMINGS: JSON.stringify({ settleQuietMs: 10_000, settleMaxMs: 20_000, maxDirWatches: 3 }),
        OMERO_FS_TEST_MONITOR_OVERRIDES: JSON.stringify({ pollInterval: 0.3 }),
      },
    });
  });
  afterAll(async () => {
    await small?.close();
  });

  test("said once, naming max_user_watches and the fix; folders without a watch are listed, nothing is lost", async () => {
    const dir = tree();
    for (let i = 0; i < 6; i++) write(path.join(dir, `d${i}`, "old.tif"));
    const id = await watch(small, { watchDir: dir, eventTypes: ALL });
    const added = [
      ...Array.from({ length: 6 }, (_, i) => path.join(dir, `d${i}`, "new.tif")),
      path.join(dir, "d6", "x.tif"),
    ];
    for (const p of added) write(p);
    fs.rmSync(path.join(dir, "d5", "old.tif"));
    await waitFor(
      () => added.every((p) => creates(small.sub.events(id)).includes(p)),
      "every new file, the unwatched folders' by their listing",
      BY_A_WATCH,
    );
    await waitFor(
      () => small.sub.events(id).some((e) => e.path === path.join(dir, "d5", "old.tif") && e.type === "Delete"),
      "the delete in a folder without a watch",
      BY_A_WATCH,
    );
    await logShows(small.home, "MonitorServer", "OUT OF INOTIFY WATCHES");
    const log = readLog(small.home, "MonitorServer");
    expect(log.match(/OUT OF INOTIFY WATCHES/g)).toHaveLength(1);
    expect(log).toContain("/proc/sys/fs/inotify/max_user_watches");
    expect(log).toContain("sysctl -w fs.inotify.max_user_watches=");
    const events = await settle(small, id);
    expect(
      creates(events)
        .filter((p) => added.includes(p))
        .sort(),
    ).toEqual([...added].sort());
  });
});
