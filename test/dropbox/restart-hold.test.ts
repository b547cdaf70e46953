/**
 * A hold survives a restart: Micro-Manager planes waiting for their metadata.txt (omero.fs.companionWait)
 * are not imported one by one by a DropBox restarted after a kill -9, whose grouping has not run on
 * their folder yet (found by scripts/soak, seed 1919: a Micro-Manager folder imported as single TIFFs
 * right after a kill -9 of the DropBox, its metadata.txt then "late"). e2e: real processes.
 */
import * as path from "node:path";
import {
  dropboxLog,
  type Home,
  imports,
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

let h: Home;
let monitor: Proc | null = null;
let dropbox: Proc | null = null;
afterEach(async () => {
  await stop(dropbox);
  await stop(monitor);
  h?.cleanup();
});

const importedOf = (p: string) => {
  const i = imports(h, { state: "imported" }).find((x) => x.files.includes(p));
  return i ?? null;
};

test("Micro-Manager planes held for their metadata.txt stay held after a kill -9 of the DropBox, then import as one fileset", async () => {
  h = makeHome({ "omero.fs.dirImportWait": "0.5" });
  monitor = await startMonitor(h.home);
  dropbox = await startDropBox(h.home);
  const dir = path.join(h.dropbox, "amy", "mm");
  const planes = [write(path.join(dir, "img_000.tif"), tiff(4, 4, undefined, [51123]))];
  planes.push(write(path.join(dir, "img_001.tif"), tiff(4, 4, undefined, [51123])));
  await sync(h.home);
  await waitFor(
    () => {
      const w = imports(h, { state: "waiting" });
      return w.length === 2 && w.every((i) => /Micro-Manager TIFF/.test(i.waitingFor ?? ""));
    },
    "both planes waiting for a metadata.txt",
    { timeoutMs: 20_000 },
  );
  await kill9(dropbox);
  dropbox = await startDropBox(h.home);
  // Barrier: a file dropped after the restart is imported, so the planes (due long before) were judged.
  const other = write(path.join(h.dropbox, "bob", "x", "cells.dv"));
  await waitFor(() => importedOf(other), "bob's file imported after the restart", { timeoutMs: 30_000 });
  expect(planes.map((p) => importedOf(p)?.id ?? null)).toEqual([null, null]);
  const meta = JSON.stringify({
    Summary: { MicroManagerVersion: "2.0" },
    "FrameKey-0-0-0": { FileName: "img_000.tif" },
    "FrameKey-1-0-0": { FileName: "img_001.tif" },
  });
  const metadata = write(path.join(dir, "metadata.txt"), meta);
  const done = await waitFor(() => importedOf(metadata), "the Micro-Manager fileset imported", {
    timeoutMs: 30_000,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\n${JSON.stringify(imports(h), null, 1)}\n${dropboxLog(h)}`);
  });
  expect(done.reader).toBe("loci.formats.in.MicromanagerReader");
  expect([...done.files].sort()).toEqual([...planes, metadata].sort());
  expect(imports(h, { state: "imported" })).toHaveLength(2);
});
