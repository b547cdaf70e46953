import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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

/** Resolves when `events` holds an event for `p` (the kernel's queue is read in order: a barrier). */
function seen(events: RawEvent[], p: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (events.some((e) => e.path === p)) resolve();
      else if (Date.now() > deadline) reject(new Error(`no event for ${p} within 10 s`));
      else setTimeout(check, 5);
    };
    check();
  });
}

test("a close and reopen made from inside an event's callback: the new watch gets nothing of what happened while closed", async () => {
  // Seen in CI: test/monitor/lifecycle.test.ts had a live Modify after a restart (DirsWatcher.close).
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "dirsw-")));
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
    fs.rmSync(root, { recursive: true, force: true });
  }
});
