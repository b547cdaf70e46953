/**
 * The ledger's invariant (issue 19): each file on disk is in a fileset, ignored, refused, or
 * pending with what it waits for; nothing "seen, not grouped" survives a restart or a scan. Checked
 * by `omero-fs dropbox check-ledger` and by the DropBox after every start. e2e: real processes, a
 * real kill -9.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { CLI_BIN } from "../helpers/wait";
import {
  dropboxLog,
  files,
  type Home,
  kill9,
  makeHome,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  sync,
  tiff,
  waitFor,
  write,
} from "./harness";

jest.setTimeout(90_000);
const run = promisify(execFile);

const NOT_GROUPED = "seen; not grouped yet";
const notGrouped = (h: Home) => files(h).filter((f) => f.state === "pending" && f.reason === NOT_GROUPED);

interface CheckJson {
  ok: boolean;
  invariant: { ok: boolean; problems: { kind: string; count: number }[]; notes: string[] };
}

async function checkLedger(h: Home): Promise<CheckJson> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  const r = await run(process.execPath, [CLI_BIN, "--home", h.home, "dropbox", "check-ledger", "--json"], {
    env,
  }).catch((e: { stdout: string }) => e);
  return JSON.parse(r.stdout) as CheckJson;
}

describe("the ledger invariant", () => {
  let h: Home;
  let monitor: Proc | null = null;
  let dropbox: Proc | null = null;

  afterAll(async () => {
    await stop(dropbox);
    await stop(monitor);
    h?.cleanup();
  });

  test("kill -9 while 200 files are seen and not yet grouped: the restart groups every one, check-ledger agrees", async () => {
    // A grouping run waits its debounce (1 s with this dirImportWait) unless fileBatch paths wait:
    // the window a kill -9 right after a burst hits, held open so the test can aim at it.
    h = makeHome({ "omero.fs.dirImportWait": "60", "omero.fs.fileBatch": "100000" });
    monitor = await startMonitor(h.home);
    dropbox = await startDropBox(h.home);
    // Moved in with one rename: the 200 arrive in one block, so the debounce starts with all of them
    // seen (written one by one under load, grouping ran before 100 were seen and the window never came).
    const staging = path.join(h.root, "staging", "run");
    for (let i = 0; i < 200; i++) write(path.join(staging, `f${String(i).padStart(3, "0")}.tif`), tiff());
    fs.mkdirSync(path.join(h.dropbox, "amy"), { recursive: true });
    fs.renameSync(staging, path.join(h.dropbox, "amy", "run"));
    await waitFor(() => notGrouped(h).length >= 100 || null, "files seen and not grouped yet", {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    await kill9(dropbox);
    const left = notGrouped(h).length;
    expect(left).toBeGreaterThan(0);
    // Stopped: the check names them as what the next start groups.
    const offline = await checkLedger(h);
    expect(offline.ok).toBe(true);
    expect(offline.invariant.notes.join("\n")).toMatch(new RegExp(`${left} file\\(s\\) seen and not grouped`));

    dropbox = await startDropBox(h.home);
    await sync(h.home);
    await waitFor(() => notGrouped(h).length === 0 || null, "no file left seen and not grouped after the restart", {
      timeoutMs: 20_000,
    }).catch((e: Error) => {
      throw new Error(`${e.message}: ${notGrouped(h).length} left\n${dropboxLog(h).slice(-3000)}`);
    });
    expect(files(h).filter((f) => f.state === "grouped")).toHaveLength(200);
    const online = await checkLedger(h);
    expect(online).toMatchObject({ ok: true, invariant: { ok: true, problems: [] } });
    await waitFor(() => /ledger invariant holds/.test(dropboxLog(h)) || null, "the start's own check in the log");
  });
});
