/**
 * Paths after the fact (issue 11), end to end with real MonitorServer and DropBox processes, real
 * files and the real ledger: a folder renamed after its import keeps being watched live.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { dropboxLog, files, type Home, imports, makeHome, up, waitFor, write } from "./harness";

jest.setTimeout(90_000);

let h: Home;
let down: () => Promise<void> = async () => undefined;
afterEach(async () => {
  await down();
  down = async () => undefined;
  h?.cleanup();
});

const monitorLog = () => {
  try {
    return fs.readFileSync(path.join(h.home, "var", "log", "MonitorServer.log"), "utf8");
  } catch {
    return "";
  }
};
const dump = (what: string) => (e: Error) => {
  throw new Error(
    `${e.message} (${what})\nfiles: ${JSON.stringify(files(h), null, 1)}\nimports: ${JSON.stringify(imports(h), null, 1)}\n${dropboxLog(h)}\n${monitorLog()}`,
  );
};

test("dir renamed after import: a new file and an atomic replace in it are seen live; the ledger follows the new path, no row for the temp file", async () => {
  h = makeHome();
  ({ down } = await up(h));
  const amy = path.join(h.dropbox, "amy");
  write(path.join(amy, "dir", "a.fake"), "a");
  await waitFor(() => files(h).find((f) => f.path.endsWith("/dir/a.fake"))?.state === "imported", "a.fake imported", {
    timeoutMs: 20_000,
  }).catch(dump("first import"));

  fs.renameSync(path.join(amy, "dir"), path.join(amy, "dir2"));
  const dir2 = path.join(amy, "dir2");
  await waitFor(
    () => files(h).find((f) => f.path === path.join(dir2, "a.fake"))?.state === "imported",
    "the ledger follows the rename",
    { timeoutMs: 20_000 },
  ).catch(dump("rename"));

  // A new file in the renamed folder: imported live (the quiet period is 0.5 s; no scan).
  write(path.join(dir2, "new.fake"), "n");
  // An atomic replace of the imported file: write a temporary file, rename it over.
  write(path.join(dir2, "a.fake.tmp"), "changed content");
  fs.renameSync(path.join(dir2, "a.fake.tmp"), path.join(dir2, "a.fake"));

  await waitFor(
    () => files(h).find((f) => f.path === path.join(dir2, "new.fake"))?.state === "imported",
    "new.fake in the renamed folder imported live",
    { timeoutMs: 15_000 },
  ).catch(dump("new file"));
  const a = await waitFor(
    () => {
      const r = files(h).find((f) => f.path === path.join(dir2, "a.fake"));
      return r && /changed after import of fileset \d+/.test(r.reason ?? "") ? r : null;
    },
    "the replace of a.fake listed as changed after import (changedAfterImport=log)",
    { timeoutMs: 15_000 },
  ).catch(dump("replace"));
  expect(a.state).toBe("imported");
  expect(a.reason).toMatch(/not reimported \(omero\.fs\.changedAfterImport=log/);
  // No stale rows: nothing for the temporary name, nothing left under the old folder name.
  const paths = files(h).map((f) => f.path);
  expect(paths.filter((p) => p.includes("a.fake.tmp"))).toEqual([]);
  expect(paths.filter((p) => p.startsWith(`${path.join(amy, "dir")}/`))).toEqual([]);
  expect(imports(h).filter((i) => i.state === "imported")).toHaveLength(2);

  // A slower replace: the temporary file is in the ledger before it is renamed over new.fake.
  write(path.join(dir2, "new.fake.uploading"), "replaced new");
  await waitFor(
    () => files(h).some((f) => f.path === path.join(dir2, "new.fake.uploading")),
    "the temporary file listed",
    { timeoutMs: 15_000 },
  ).catch(dump("temp listed"));
  fs.renameSync(path.join(dir2, "new.fake.uploading"), path.join(dir2, "new.fake"));
  await waitFor(
    () => {
      const rows = files(h);
      const n = rows.find((f) => f.path === path.join(dir2, "new.fake"));
      return !rows.some((f) => f.path.endsWith(".uploading")) && /changed after import/.test(n?.reason ?? "")
        ? rows
        : null;
    },
    "new.fake listed as changed and no row left for the temporary file",
    { timeoutMs: 15_000 },
  ).catch(dump("temp gone"));
});
