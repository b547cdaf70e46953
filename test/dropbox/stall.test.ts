/**
 * A stalled MonitorServer (SIGSTOP: swapped out, a hung mount, a debugger) sends no events, so a
 * quiet period proves nothing: a fileset is not queued until its MonitorServer confirms the time
 * since it became ready (found by scripts/soak, seed 2: a Micro-Manager folder imported as one TIFF
 * while the MonitorServer was stopped with the other files' events). e2e: real processes, a real
 * SIGSTOP/SIGCONT.
 */
import * as path from "node:path";
import {
  dropboxLog,
  type Home,
  imports,
  makeHome,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  sync,
  waitFor,
  write,
} from "./harness";

jest.setTimeout(90_000);

let h: Home;
let monitor: Proc | null = null;
let dropbox: Proc | null = null;
afterEach(async () => {
  if (monitor?.child.pid) monitor.child.kill("SIGCONT");
  await stop(dropbox);
  await stop(monitor);
  h?.cleanup();
});

test("a member copied while the MonitorServer is stopped: the fileset waits for it to answer, then is imported whole", async () => {
  h = makeHome({ "omero.fs.dirImportWait": "1" });
  monitor = await startMonitor(h.home);
  dropbox = await startDropBox(h.home, { OMERO_FS_TEST_DROPBOX_HEALTH_MS: "200" });
  const dv = write(path.join(h.dropbox, "amy", "run", "cells.dv"));
  await sync(h.home);
  monitor.child.kill("SIGSTOP");
  // Its log is copied while nobody listens; the .dv's quiet period ends during the stall.
  const log = write(path.join(h.dropbox, "amy", "run", "cells.dv.log"), "softWoRx log\n");
  const during = await waitFor(
    () => {
      const i = imports(h)[0];
      return i && (i.state !== "waiting" || /MonitorServer has not answered since/.test(i.waitingFor ?? "")) ? i : null;
    },
    "the fileset imported, or waiting for the MonitorServer",
    { timeoutMs: 20_000 },
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${JSON.stringify(imports(h), null, 1)}\n${dropboxLog(h)}`);
  });
  expect({ state: during.state, files: during.files }).toEqual({ state: "waiting", files: [dv] });
  monitor.child.kill("SIGCONT");
  await waitFor(() => imports(h, { state: "imported" }).length === 1, "imported once the MonitorServer answers", {
    timeoutMs: 30_000,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\n${JSON.stringify(imports(h), null, 1)}\n${dropboxLog(h)}`);
  });
  expect(imports(h).map((i) => [i.state, i.files])).toEqual([["imported", [dv, log]]]);
});
