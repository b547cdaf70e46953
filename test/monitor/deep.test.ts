/**
 * A user's folder 2,000 levels deep (issue 19: it overflowed the MonitorServer's stack in the
 * listing, and every later startMonitor failed the same way, so nobody's files were seen). Real
 * folders, a real MonitorServer, each native watcher: the monitor starts, watches everyone else
 * and the first MAX_FOLDER_DEPTH levels of the deep folder, and refuses what is below with the
 * reason (logged once, a rescan notice, getMonitorState's `refused`); `list` reports the refused
 * folder as unreadable (its files are unknown, not gone); a restart works the same.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { logShows, readLog } from "../cli/harness";
import { MAX_FOLDER_DEPTH, MonitorMethodResults } from "./deps";
import { Cleanups, creates, type Server, settle, startServer, WATCHERS, watch, write } from "./harness";

jest.setTimeout(60_000);

const LEVELS = 2000;
const cleanups = new Cleanups();
afterAll(() => cleanups.run());

/** watchDir/amy/d/d/... : `levels` levels below the watch directory. */
function deepTree(root: string, levels: number): string[] {
  const at = [root];
  let p = path.join(root, "amy");
  at.push(p);
  for (let i = 2; i <= levels; i++) {
    p = `${p}/d`;
    at.push(p);
  }
  fs.mkdirSync(p, { recursive: true });
  return at;
}

describe.each(WATCHERS)("watcher %s", (watcher) => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ watcher });
  });
  afterAll(async () => {
    await server?.close();
  });

  test(`a ${LEVELS}-level deep folder is refused below level ${MAX_FOLDER_DEPTH}, with the reason; everyone else is watched`, async () => {
    const dir = cleanups.tree();
    const at = deepTree(dir, LEVELS);
    const limit = at[MAX_FOLDER_DEPTH]!;
    write(path.join(at[10]!, "shallow-old.tif"));
    write(path.join(at[300]!, "too-deep-old.tif"));
    const id = await watch(server, { watchDir: dir, blockSize: 0 });

    // Live: another user, and amy's own folder above the limit, are published; below it nothing.
    const bob = write(path.join(dir, "bob", "b.tif"));
    const shallow = write(path.join(at[10]!, "shallow-new.tif"));
    const inLimit = write(path.join(at[MAX_FOLDER_DEPTH - 1]!, "last-level.tif"));
    write(path.join(at[300]!, "too-deep-new.tif"));
    const events = await settle(server, id);
    expect(creates(events).sort()).toEqual([bob, inLimit, shallow].sort());

    const reason = `folder ${limit} is ${MAX_FOLDER_DEPTH} levels below the watch directory: what is inside it is not watched, listed or imported (at most ${MAX_FOLDER_DEPTH} levels are; move the data higher up)`;
    const st = await server.state(id);
    expect(st).toMatchObject({ state: "started", refused: [{ path: limit, reason }] });
    const notices = server.sub.of(id).flatMap((b) => (b.rescan ? [b.rescan] : []));
    expect(notices).toEqual([{ reason, path: limit }]);
    await logShows(server.home, "MonitorServer", `folder ${limit} is ${MAX_FOLDER_DEPTH} levels`);
    const warned = readLog(server.home, "MonitorServer")
      .split("\n")
      .filter((l) => l.includes(" WARN ") && l.includes(`folder ${limit} is ${MAX_FOLDER_DEPTH} levels`));
    expect(warned).toHaveLength(1);

    // list: the refused folder is unreadable (its files unknown, not gone), the rest is listed.
    let cursor: string | undefined;
    const listed: string[] = [];
    const unreadable: string[] = [];
    do {
      const page = await server.client.call(
        "list",
        { monitorId: id, ...(cursor ? { cursor } : {}) },
        MonitorMethodResults.list,
      );
      for (const d of page.dirs) for (const f of d.files) listed.push(path.join(d.dir, f.name));
      unreadable.push(...page.unreadable);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(listed.sort()).toEqual([bob, inLimit, shallow, path.join(at[10]!, "shallow-old.tif")].sort());
    expect(unreadable).toEqual([limit]);

    // Stopped and started again (the start that failed every time before): the same, no new events.
    await server.stop(id);
    const again = await server.start(id);
    expect(again).toMatchObject({ state: "started", refused: [{ path: limit, reason }] });
    const later = write(path.join(dir, "carl", "c.tif"));
    expect(creates(await settle(server, id)).filter((p) => p === later)).toEqual([later]);
  });
});
