/**
 * A file dropped while a long reconciliation walk runs (issue 13: a million files take a minute
 * to walk) is imported after its quiet period, not after the walk: the partition its event
 * touched is walked ahead (so files dropped there while the DropBox was down are seen with it),
 * while partitions the walk has not read stay held (core/walk-holds.ts; the held side is tested in
 * packages/dropbox/src/pipeline.test.ts). e2e: real processes; the walk is held at a folder count
 * the test sets (OMERO_FS_TEST_DROPBOX_WALK_GATE) until the test lets it go on: what happens "during
 * the walk" is decided by the test, not by how fast the machine walks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { waitShows } from "../helpers/wait";
import {
  dropboxLog,
  files,
  type Home,
  importedFiles,
  imports,
  makeHome,
  managedCopies,
  startDropBox,
  startMonitor,
  stop,
  tiff,
  up,
  waitFor,
  write,
} from "./harness";

jest.setTimeout(120_000);

const stateOf = (h: Home, p: string) => files(h).find((f) => f.path === p)?.state;

/**
 * Both servers started again, the DropBox's reconciliation walk held once it has entered `folders`
 * folders (the root counts): the DropBox's log from now on, whether it is ready, `go` to let the walk
 * finish, and a stop of both.
 */
async function heldRestart(h: Home, folders: number) {
  const mark = dropboxLog(h).length;
  const gate = path.join(h.home, "walk-gate");
  fs.writeFileSync(gate, String(folders));
  const monitor = await startMonitor(h.home);
  let ready = false;
  // Ready comes only after the test opens the gate: the jest timeout bounds it.
  const starting = startDropBox(h.home, { OMERO_FS_TEST_DROPBOX_WALK_GATE: JSON.stringify(gate) }, 110_000).then(
    (p) => {
      ready = true;
      return p;
    },
  );
  const go = () => fs.rmSync(gate, { force: true });
  return {
    log: () => dropboxLog(h).slice(mark),
    ready: () => ready,
    go,
    untilReady: () => starting,
    down: async () => {
      go();
      await stop(await starting.catch(() => null));
      await stop(monitor);
    },
  };
}

describe("a file dropped during a long reconciliation walk", () => {
  let h: Home;
  afterEach(() => h?.cleanup());

  test("is imported before the walk ends, with the files dropped beside it while down, each once", async () => {
    h = makeHome();
    // Folders the restart walk must read; it is held before the first (the root).
    for (let d = 0; d < 10; d++) write(path.join(h.dropbox, "alice", `d${d}`, "notes.txt"), "x");
    let s = await up(h);
    await s.down();

    // While down: files in bob/run1 and bob/run2 (the MonitorServer's catch-up reports them).
    const a = write(path.join(h.dropbox, "bob", "run1", "a.tif"), tiff(4, 4, "a"));
    const c = write(path.join(h.dropbox, "bob", "run2", "c.tif"), tiff(4, 4, "c"));
    const r = await heldRestart(h, 0);
    const log = r.log;
    try {
      await waitFor(() => /monitor \S+ started on/.test(log()), "the DropBox's monitor to start", {
        intervalMs: 20,
      });
      const b = write(path.join(h.dropbox, "bob", "run1", "b.tif"), tiff(4, 4, "b"));
      const top = write(path.join(h.dropbox, "bob", "top.tif"), tiff(4, 4, "top"));
      await waitFor(() => [a, b, c, top].every((p) => importedFiles(h).has(p)), "a, b, c and top imported", {
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      // Still walking: not ready; the partitions the events touched were walked ahead.
      expect(r.ready()).toBe(false);
      expect(log()).not.toMatch(/DropBox ready/);
      await waitShows(
        log,
        /bob\/run1 walked ahead of the reconciliation \(an event came\)/,
        "DropBox.log since the restart",
      );
      await waitShows(log, /bob walked ahead of the reconciliation \(an event came\)/, "DropBox.log since the restart");

      r.go();
      await r.untilReady();
      // The ready message comes over IPC; the log line may reach the file just after it.
      await waitFor(() => /DropBox ready/.test(log()), "'DropBox ready' in the DropBox's log");
      // Each imported once (seen by its event, the partition's walk and the main walk).
      const counts = [...managedCopies(h)].filter(([, n]) => n > 1);
      expect(counts).toEqual([]);
      for (const p of [a, b, c, top])
        expect(imports(h, { state: "imported" }).filter((i) => i.files.includes(p))).toHaveLength(1);
      expect(stateOf(h, a)).toBe("imported");
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${log()}`);
    } finally {
      await r.down();
    }
    s = await up(h);
    await s.down();
  });

  test("files the walk finds (no event: the MonitorServer's snapshot is gone) are imported folder by folder as the walk leaves each one", async () => {
    h = makeHome();
    for (let d = 0; d < 30; d++) write(path.join(h.dropbox, "alice", `d${d}`, "notes.txt"), "x");
    let s = await up(h);
    await s.down();
    // While down, a new file in every folder; no catch-up events for them.
    const dropped = Array.from({ length: 30 }, (_, d) =>
      write(path.join(h.dropbox, "alice", `d${d}`, "new.tif"), tiff(4, 4, `n${d}`)),
    );
    fs.rmSync(path.join(h.home, "var", "monitor"), { recursive: true, force: true });
    // Held after the root, alice and 6 of the 30 folders.
    const r = await heldRestart(h, 8);
    const log = r.log;
    try {
      await waitFor(() => dropped.some((p) => importedFiles(h).has(p)), "a first file imported", {
        timeoutMs: 60_000,
        intervalMs: 50,
      });
      expect(r.ready()).toBe(false);
      expect(log()).not.toMatch(/DropBox ready/);
      expect(log()).not.toMatch(/walked ahead/);
      // Only folders the walk has left: the others wait for it.
      expect(dropped.filter((p) => importedFiles(h).has(p)).length).toBeLessThanOrEqual(6);
      r.go();
      await r.untilReady();
      await waitFor(() => dropped.every((p) => importedFiles(h).has(p)), "every file imported", {
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      for (const p of dropped)
        expect(imports(h, { state: "imported" }).filter((i) => i.files.includes(p))).toHaveLength(1);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${log()}`);
    } finally {
      await r.down();
    }
    s = await up(h);
    await s.down();
  });
});
