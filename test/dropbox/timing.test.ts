/**
 * The real processes obey the quiet period, and deletes before import cancel or shrink a fileset
 * (e2e). The timing rules themselves (quiet-period restart, throttle, round-robin fairness, retry
 * backoff, fileBatch flush) are tested in milliseconds against the in-process pipeline:
 * packages/dropbox/src/pipeline.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { files, type Home, imports, makeHome, sync, tiff, up, waitFor, write } from "./harness";

jest.setTimeout(60_000);

function helpers(h: () => Home) {
  const importOf = (p: string) => imports(h()).find((i) => i.files.includes(p));
  const imported = (p: string) =>
    waitFor(
      () => {
        const i = importOf(p);
        return i?.state === "imported" ? i : null;
      },
      `${p} imported`,
      { timeoutMs: 20000 },
    );
  return { importOf, imported };
}

describe("quiet period and deletes (dirImportWait=1.5)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  const { importOf, imported } = helpers(() => h);
  const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "1.5", "omero.fs.settleTime": "0.2" });
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("a new member restarts the wait: imported >= dirImportWait after the last file, not the first", async () => {
    const t1 = Date.now();
    write(u("q", "q.dv"));
    await sync(h.home);
    // The stimulus: the second member comes 0.8 s later, inside the first member's wait.
    await new Promise((r) => setTimeout(r, 800));
    const t2 = Date.now();
    write(u("q", "q.dv.log"), "log");
    const i = await imported(u("q", "q.dv"));
    expect(i.files).toEqual([u("q", "q.dv"), u("q", "q.dv.log")]);
    const at = Date.parse(i.importedAt!);
    expect(at - t2).toBeGreaterThanOrEqual(1400);
    expect(at - t1).toBeGreaterThanOrEqual(2200);
    expect(imports(h).filter((x) => x.files.includes(u("q", "q.dv")))).toHaveLength(1);
  });

  it("a delete before import cancels the fileset; a deleted companion shrinks it", async () => {
    const d = write(u("del", "d.tif"), tiff());
    write(u("del", "s.dv"));
    const log = write(u("del", "s.dv.log"), "log");
    await sync(h.home);
    await waitFor(
      () => importOf(d)?.state === "waiting" && importOf(log)?.state === "waiting",
      "both filesets waiting",
    );
    const cancelled = importOf(d)!.id;
    fs.rmSync(d);
    fs.rmSync(log);
    await sync(h.home);
    const s = await imported(u("del", "s.dv")).catch((e: Error) => {
      throw new Error(
        `${e.message}\n${require("node:fs").readFileSync(path.join(h.home, "var/log/DropBox.log"), "utf8")}\n${JSON.stringify(files(h), null, 1)}\n${JSON.stringify(imports(h), null, 1)}`,
      );
    });
    expect(s.files).toEqual([u("del", "s.dv")]);
    // Barrier: a file written after the delete, imported after d's wait would have ended.
    await imported(write(u("del", "after.tif"), tiff()));
    expect(imports(h).some((i) => i.id === cancelled || i.files.includes(d))).toBe(false);
    expect(files(h).some((f) => f.path === d || f.path === log)).toBe(false);
  });
});
