import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir, waitFor } from "../../../../test/helpers/wait";
import { DirsWatcher } from "./dirs-watcher";
import type { RawEvent, WatcherHooks } from "./watcher";

function hooks(events: RawEvent[]): WatcherHooks {
  return {
    events: (evs) => events.push(...evs),
    fastSighting: () => undefined,
    lost: () => undefined,
    selfChanged: () => undefined,
    unwatchable: () => undefined,
    relist: () => undefined,
    error: () => undefined,
    log: () => undefined,
  };
}

/** Waits for an event for `p` (the kernel's queue is read in order: a barrier). */
const seen = (events: RawEvent[], p: string) =>
  waitFor(() => events.some((e) => e.path === p), `an event for ${p}`, { timeoutMs: 10_000 });

test("a close and reopen made from inside an event's callback: the new watch gets nothing of what happened while closed", async () => {
  // Seen in CI: test/monitor/lifecycle.test.ts had a live Modify after a restart (DirsWatcher.close).
  const { dir: root, cleanup } = tempDir("dirsw-");
  const events: RawEvent[] = [];
  const w = new DirsWatcher(root, hooks(events), 60_000);
  try {
    await w.open([]);
    let restarted: Promise<void> | null = null;
    const onEvents = w["reports"].events;
    w["reports"].events = (evs, origin) => {
      onEvents(evs, origin);
      restarted ??= (async () => {
        await w.close();
        fs.writeFileSync(path.join(root, "while-closed.tif"), "x");
        await w.open([]);
      })();
    };
    fs.writeFileSync(path.join(root, "first.tif"), "x");
    await seen(events, path.join(root, "first.tif"));
    await restarted;
    fs.writeFileSync(path.join(root, "after.tif"), "x");
    await seen(events, path.join(root, "after.tif"));
    expect(events.filter((e) => e.path.endsWith("while-closed.tif"))).toEqual([]);
  } finally {
    await w.close();
    cleanup();
  }
});
