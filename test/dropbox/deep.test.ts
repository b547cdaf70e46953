/**
 * One user's folder 2,000 levels deep (issue 19: the MonitorServer's listing overflowed its stack,
 * every later startMonitor failed the same way, and nobody's new files were seen until a rescan).
 * End to end with real MonitorServer and DropBox processes, a real 2,000-level tree and the real
 * ledger: the other users' files and amy's files above the limit are imported (those there at
 * the first walk recorded as existing); what is below MAX_FOLDER_DEPTH is refused with the
 * reason, said once by each server, and never imported.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_FOLDER_DEPTH } from "@omero-fs/protocol";
import { logShows, readLog } from "../cli/harness";
import { dropboxLog, dropboxLogShows, files, type Home, importedFiles, makeHome, up, waitFor, write } from "./harness";

jest.setTimeout(90_000);

const LEVELS = 2000;
let h: Home;
let down: () => Promise<void> = async () => undefined;
afterEach(async () => {
  await down();
  h?.cleanup();
});

test(`a ${LEVELS}-level deep folder of one user: everyone else is imported, below level ${MAX_FOLDER_DEPTH} is refused with the reason`, async () => {
  h = makeHome();
  const at = [h.dropbox, path.join(h.dropbox, "amy")];
  for (let i = 2; i <= LEVELS; i++) at.push(`${at[i - 1]}/d`);
  fs.mkdirSync(at[LEVELS]!, { recursive: true });
  const limit = at[MAX_FOLDER_DEPTH]!;
  const before = [write(path.join(at[1]!, "top.fake"), "t"), write(path.join(at[10]!, "ten.fake"), "10")];
  const deep = write(path.join(at[300]!, "deep.fake"), "300");
  ({ down } = await up(h));

  // After the start (and its reconciliation walk through the deep folder): live files of others and of amy.
  const live = [
    write(path.join(h.dropbox, "bob", "b.fake"), "b"),
    write(path.join(at[MAX_FOLDER_DEPTH - 1]!, "last.fake"), "last"),
  ];
  write(path.join(at[400]!, "deeper.fake"), "400");
  await waitFor(() => live.every((p) => importedFiles(h).has(p)), "every new file above the limit imported", {
    timeoutMs: 30_000,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\nfiles: ${JSON.stringify(files(h), null, 1)}\n${dropboxLog(h)}`);
  });
  // What was there at the first walk was found through the deep folder (existingFiles=skip).
  const state = new Map(files(h).map((f) => [f.path, f.state]));
  expect(before.map((p) => state.get(p))).toEqual(["existing", "existing"]);
  expect(files(h).filter((f) => f.path.startsWith(`${limit}/`))).toEqual([]);
  expect(importedFiles(h).has(deep)).toBe(false);

  const reason = `folder ${limit} is ${MAX_FOLDER_DEPTH} levels below the watch directory: what is inside it is not watched, listed or imported (at most ${MAX_FOLDER_DEPTH} levels are; move the data higher up)`;
  // files list says why nothing below is imported: the folder itself is listed refused (the soak
  // found files there listed nowhere).
  expect(files(h).filter((f) => f.path === limit)).toEqual([
    expect.objectContaining({ path: limit, user: "amy", state: "refused", reason: reason.replace(limit, "d") }),
  ]);
  const warned = (log: string, line: string) => log.split("\n").filter((l) => l.includes(" WARN ") && l.includes(line));
  // The DropBox's own walk says why once (besides the MonitorServer's rescan notice it logs).
  await dropboxLogShows(h, `watch 1: ${reason}`);
  expect(warned(dropboxLog(h), `watch 1: ${reason}`)).toHaveLength(1);
  await logShows(h.home, "MonitorServer", reason);
  const monitorLog = readLog(h.home, "MonitorServer");
  expect(warned(monitorLog, reason)).toHaveLength(1);
  expect(monitorLog).not.toMatch(/Maximum call stack/);
});
