/**
 * An import is never run twice at once (issue 19): the DropBox records each import's process
 * group; killed with -9 during an import, the restarted DropBox finds that import still running and
 * waits for it to end before it does anything else with the fileset. e2e: real processes, a real
 * kill -9, the exec importer with a slow command and the fake OMERO CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { CLI_BIN, REPO_ROOT } from "../helpers/wait";
import {
  dropboxLog,
  dropboxLogShows,
  type Home,
  imports,
  kill9,
  makeHome,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  tiff,
  waitFor,
  write,
  writeConfig,
  readLines,
} from "./harness";

jest.setTimeout(90_000);
const run = promisify(execFile);

/**
 * Whether the running import's process group is in the ledger: the child may write its first line
 * before the DropBox has recorded it (a kill -9 in between loses it; the window is microseconds on
 * an idle machine, longer under load), so the test kills only after it is recorded.
 */
const groupRecorded = (h: Home, pgid: number): boolean => {
  const db = new Database(h.ledger, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT 1 FROM attempts WHERE pgid = ? AND finished_at IS NULL").get(pgid) !== undefined;
  } finally {
    db.close();
  }
};

/** The process group of a running process (/proc/PID/stat, field 5): the exec command runs under the runner, its group's leader. */
const pgidOf = (pid: number): number => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
};

/** Process groups that still have members among these pids. */
const alive = (pids: number[]) =>
  pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });

describe("an import that outlives the DropBox", () => {
  let h: Home;
  let monitor: Proc | null = null;
  let dropbox: Proc | null = null;
  afterEach(async () => {
    await stop(dropbox);
    await stop(monitor);
    h?.cleanup();
  });

  /**
   * An exec import that prints `target` once the test lets it end (the gate file), started and then
   * kill -9'd with the DropBox once its process group is in the ledger. Each run says when it starts
   * and ends, with its pid, in `runs`, so it outlives the DropBox's restart however slow the machine is.
   */
  async function gatedImportThenKill9(target: string) {
    h = makeHome({});
    const runs = path.join(h.root, "runs.log");
    const gate = path.join(h.root, "gate");
    writeConfig(h, {
      "omero.fs.dirImportWait": "0.3",
      "omero.fs.importer": "exec",
      "omero.fs.execCommand": `/bin/sh -c 'echo "start $$" >> ${runs}; while [ ! -e ${gate} ]; do sleep 0.1; done; echo "end $$" >> ${runs}; echo ${target}' sh {entry}`,
    });
    monitor = await startMonitor(h.home);
    dropbox = await startDropBox(h.home);
    write(path.join(h.dropbox, "amy", "slow.tif"), tiff());
    await waitFor(() => readLines(runs).length === 1 || null, "the first run started");
    const first = Number(readLines(runs)[0]!.split(" ")[1]);
    const group = pgidOf(first);
    await waitFor(() => groupRecorded(h, group) || null, "the import's process group recorded");
    await kill9(dropbox);
    return { runs, first, open: () => fs.writeFileSync(gate, "") };
  }

  const imported = () =>
    waitFor(() => imports(h, { state: "imported" }).length === 1 || null, "the fileset imported", {
      timeoutMs: 30_000,
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${dropboxLog(h)}`);
    });

  test("exec importer: kill -9 during a slow import; the restart waits for it and records how it ended, never runs it twice", async () => {
    const { runs, first, open } = await gatedImportThenKill9("done");
    dropbox = await startDropBox(h.home);
    await dropboxLogShows(h, /still runs after the DropBox restarted: waiting for it to end/);
    // While the first run lives, no second one starts.
    await new Promise((r) => setTimeout(r, 500));
    open();
    while (alive([first]).length > 0) {
      expect(readLines(runs).filter((l) => l.startsWith("start"))).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 100));
    }
    await imported();
    // Its outcome was recorded by the runner: imported by that one run, never run a second time
    // (before, the restart knew nothing of how it ended and ran it again: imported twice).
    expect(readLines(runs).map((l) => l.split(" ")[0])).toEqual(["start", "end"]);
    expect(imports(h)[0]).toMatchObject({ state: "imported", target: "done" });
    await dropboxLogShows(h, /its import had ended: imported/);
  });

  test("exec importer: kill -9 during an import that ends while the DropBox is down; the restart records it, never runs it again", async () => {
    const { runs, first, open } = await gatedImportThenKill9("Image:7");
    open();
    await waitFor(() => alive([first]).length === 0 || null, "the import ended with no DropBox to hear it");
    dropbox = await startDropBox(h.home);
    await imported();
    expect(imports(h)[0]).toMatchObject({ state: "imported", target: "Image:7" });
    expect(readLines(runs).map((l) => l.split(" ")[0])).toEqual(["start", "end"]);
    // The run's files are gone once the ledger has the outcome.
    await waitFor(
      () => fs.readdirSync(path.join(h.home, "var", "exec-runs")).length === 0 || null,
      "run files removed",
    );
  });

  test("omero importer (the fake OMERO CLI): kill -9 during a slow import; no second import starts while the first runs", async () => {
    h = makeHome({});
    const log = path.join(h.root, "omero.log");
    writeConfig(h, {
      "omero.fs.dirImportWait": "0.3",
      "omero.fs.importer": "omero",
      "omero.fs.omeroBin": path.join(REPO_ROOT, "test", "fixtures", "fake-omero"),
    });
    const gate = path.join(h.root, "gate");
    const env = {
      FAKE_OMERO_LOG: log,
      FAKE_OMERO_SLEEP: "1",
      FAKE_OMERO_GATE: gate,
      OMERO_FS_OMERO_PASSWORD: "secret",
    };
    monitor = await startMonitor(h.home);
    dropbox = await startDropBox(h.home, env);
    write(path.join(h.dropbox, "amy", "slow.tif"), tiff());
    const importsSeen = () => readLines(log).map((l) => JSON.parse(l) as { cmd: string | null; pid: number });
    await waitFor(() => importsSeen().some((c) => c.cmd === "import-sleeping") || null, "the import started");
    const first = importsSeen().find((c) => c.cmd === "import")!.pid;
    await waitFor(() => groupRecorded(h, first) || null, "the import's process group recorded");
    await kill9(dropbox);
    dropbox = await startDropBox(h.home, env);
    await waitFor(
      () => /still runs after the DropBox restarted: waiting for it to end/.test(dropboxLog(h)) || null,
      "the restart found the running import",
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${dropboxLog(h)}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(importsSeen().filter((c) => c.cmd === "import")).toHaveLength(1);
    fs.writeFileSync(gate, "");
    while (alive([first]).length > 0) {
      expect(importsSeen().filter((c) => c.cmd === "import")).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => imports(h, { state: "imported" }).length === 1 || null, "the fileset imported", {
      timeoutMs: 30_000,
    });
    // The redo after it asks OMERO to skip what it already has.
    const redo = importsSeen().filter((c) => c.cmd === "import");
    expect(redo.length).toBe(2);
    const calls = readLines(log).map((l) => JSON.parse(l) as { cmd: string | null; argv: string[] });
    expect(calls.filter((c) => c.cmd === "import").at(-1)!.argv).toContain("--exclude=clientpath");
  });

  test("imports cancel ID: a running import's process group is ended, the fileset is cancelled; retry queues it again", async () => {
    h = makeHome({});
    const runs = path.join(h.root, "runs.log");
    writeConfig(h, {
      "omero.fs.dirImportWait": "0.3",
      "omero.fs.importer": "exec",
      // A child of its own in the group (like Java under the omero CLI), and a long import.
      "omero.fs.execCommand": `/bin/sh -c 'echo "start $$" >> ${runs}; sleep 60 & wait; echo done' sh {entry}`,
    });
    monitor = await startMonitor(h.home);
    dropbox = await startDropBox(h.home);
    write(path.join(h.dropbox, "amy", "slow.tif"), tiff());
    await waitFor(() => readLines(runs).length === 1 || null, "the run started");
    const first = Number(readLines(runs)[0]!.split(" ")[1]);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
    const cli = (...a: string[]) =>
      run(process.execPath, [CLI_BIN, "--home", h.home, "imports", ...a], { env }).catch(
        (e: { stdout: string; stderr: string }) => e,
      );
    const id = imports(h)[0]!.id;
    expect((await cli("cancel", String(id))).stdout).toBe(
      `import ${id} cancelled: not imported (omero-fs imports retry ${id} queues it again)\n`,
    );
    expect(alive([first])).toEqual([]);
    expect(imports(h)[0]).toMatchObject({ id, state: "cancelled" });
    expect((await cli("cancel", String(id))).stderr).toMatch(new RegExp(`import ${id} is already cancelled`));
    expect((await cli("retry", String(id))).stdout).toBe(`import ${id} queued\n`);
    await waitFor(() => readLines(runs).length === 2 || null, "the retry ran it again");
    // --json: the contract shape (docs/cli-json.md).
    expect(JSON.parse((await cli("cancel", String(id), "--json")).stdout)).toEqual({
      id,
      state: "cancelled",
      via: "DropBox",
    });
  });
});
