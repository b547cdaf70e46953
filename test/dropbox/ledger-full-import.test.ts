/**
 * An import that ends while the ledger cannot be written (disk full) is recorded with its outcome
 * once the ledger takes writes again, never run a second time (found by scripts/soak, seed 3: the
 * exec importer's run finished during a disk-full window, the DropBox "recovered" it as interrupted
 * and imported it again). e2e: real processes, the exec importer, the ledger-full test hook.
 */
import * as fs from "node:fs";
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
  tiff,
  waitFor,
  write,
  writeConfig,
  readLines,
} from "./harness";

jest.setTimeout(90_000);

let h: Home;
let monitor: Proc | null = null;
let dropbox: Proc | null = null;
afterEach(async () => {
  await stop(dropbox);
  await stop(monitor);
  h?.cleanup();
});

test("the ledger fills up as an import ends: its outcome is recorded once writes succeed, and it runs once", async () => {
  h = makeHome({});
  const runs = path.join(h.root, "runs.log");
  const flag = path.join(h.root, "ledger-full");
  // The run fills the disk at its very end, as another program's write could: its outcome cannot be written.
  writeConfig(h, {
    "omero.fs.dirImportWait": "0.3",
    "omero.fs.importer": "exec",
    "omero.fs.execCommand": `/bin/sh -c 'echo "run $$" >> ${runs}; sleep 0.5; echo SQLITE_FULL > ${flag}; echo Image:7' sh {entry}`,
  });
  monitor = await startMonitor(h.home);
  dropbox = await startDropBox(h.home, {
    OMERO_FS_TEST_LEDGER_FULL_WHILE: JSON.stringify(flag),
    OMERO_FS_TEST_LEDGER_PROBE_MS: "200",
  });
  const entry = write(path.join(h.dropbox, "amy", "a.tif"), tiff());
  await waitFor(
    () => /exec import completed/.test(dropboxLog(h)) && /cannot be written \(disk full\)/.test(dropboxLog(h)),
    "the run ended while the ledger is full",
  );
  fs.rmSync(flag);
  await waitFor(() => imports(h, { state: "imported" }).length === 1, "the fileset recorded imported", {
    timeoutMs: 30_000,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\nruns: ${readLines(runs).join(", ")}\n${dropboxLog(h)}`);
  });
  const [imp] = imports(h, { state: "imported" });
  expect({ files: imp!.files, target: imp!.target }).toEqual({ files: [entry], target: "Image:7" });
  // The DropBox's rescan after the full disk finds nothing to do; the importer ran exactly once.
  await waitFor(() => /ledger writable again/.test(dropboxLog(h)), "the rescan after the full disk");
  expect(readLines(runs)).toHaveLength(1);
});
