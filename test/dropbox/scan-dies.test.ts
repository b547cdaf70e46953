/**
 * A CLI call that waits on a server fails with a clear error when that server dies (issue 19):
 * `omero-fs dropbox scan` while the DropBox is killed mid-walk exits at once with the reason
 * instead of waiting for its ten-minute timeout. e2e: real processes, a real kill -9.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { CLI_BIN } from "../helpers/wait";
import {
  dropboxLog,
  type Home,
  kill9,
  makeHome,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  waitFor,
  write,
} from "./harness";

jest.setTimeout(60_000);

let h: Home;
let monitor: Proc | null = null;
let dropbox: Proc | null = null;
afterAll(async () => {
  await stop(dropbox);
  await stop(monitor);
  h?.cleanup();
});

test("dropbox scan: the DropBox dies during the walk; the CLI says so at once, exit 1", async () => {
  h = makeHome({ "omero.fs.logLevel": "debug", "omero.fs.dirImportWait": "3600" });
  monitor = await startMonitor(h.home);
  // Each directory of a walk takes 2 s: with the folders written after the start, a scan lasts
  // twenty seconds and more.
  dropbox = await startDropBox(h.home, { OMERO_FS_TEST_DROPBOX_WALK_DIR_MS: "2000" });
  for (let i = 0; i < 10; i++) write(path.join(h.dropbox, "amy", `d${i}`, "a.fake"), "x");
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  const cli = spawn(process.execPath, [CLI_BIN, "--home", h.home, "dropbox", "scan"], { env });
  let stderr = "";
  cli.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => cli.on("exit", (code) => r(code)));
  await waitFor(() => /control: scan/.test(dropboxLog(h)) || null, "the DropBox got the scan");
  const killedAt = Date.now();
  await kill9(dropbox);
  dropbox = null;
  expect(await exited).toBe(1);
  expect(Date.now() - killedAt).toBeLessThan(10_000);
  expect(stderr).toMatch(
    /^omero-fs: dropbox scan: .*dropbox-control\.sock closed the connection before answering scan \(the server stopped or died\)/,
  );
});
