/** Crashes, restarts and downtime: nothing lost, nothing imported twice (e2e). */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { CLI_BIN } from "../helpers/wait";
import {
  files,
  type Home,
  imports,
  kill9,
  makeHome,
  managedCopies,
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

function importedPaths(h: Home): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of imports(h, { state: "imported" })) for (const f of i.files) m.set(f, (m.get(f) ?? 0) + 1);
  return m;
}

function expectExactlyOnce(h: Home, written: string[]): void {
  const ledger = importedPaths(h);
  const copies = managedCopies(h);
  const twice = written.filter((p) => (ledger.get(p) ?? 0) > 1 || (copies.get(p) ?? 0) > 1);
  const missing = written.filter((p) => ledger.get(p) !== 1 || copies.get(p) !== 1);
  expect({ twice, missing }).toEqual({ twice: [], missing: [] });
}

describe("DropBox recovery", () => {
  let h: Home;
  let monitor: Proc | null = null;
  let dropbox: Proc | null = null;
  const written: string[] = [];
  const allImported = (timeoutMs = 30000) =>
    waitFor(
      () => {
        const m = importedPaths(h);
        return written.every((p) => m.has(p));
      },
      `${written.length} files imported`,
      { timeoutMs, intervalMs: 100 },
    ).catch((e: Error) => {
      const m = importedPaths(h);
      throw new Error(
        `${e.message}; not imported: ${written
          .filter((p) => !m.has(p))
          .slice(0, 10)
          .join(", ")}\n${JSON.stringify(
          files(h)
            .filter((f) => f.state !== "imported")
            .slice(0, 10),
          null,
          1,
        )}`,
      );
    });

  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "0.3", "omero.fs.importConcurrency": "2" });
    monitor = await startMonitor(h.home);
    dropbox = await startDropBox(h.home);
  });
  afterAll(async () => {
    await stop(dropbox);
    await stop(monitor);
    h.cleanup();
  });

  it("files dropped while DropBox is stopped are imported after it starts; earlier ones are not reimported", async () => {
    written.push(write(path.join(h.dropbox, "amy", "before.tif"), tiff()));
    await allImported();
    expect(await stop(dropbox)).toBe(0);
    written.push(write(path.join(h.dropbox, "amy", "while-down.tif"), tiff()));
    written.push(write(path.join(h.dropbox, "zak", "deep", "er", "x.tif"), tiff()));
    dropbox = await startDropBox(h.home);
    await allImported();
    expectExactlyOnce(h, written);
  });

  it("files dropped while the MonitorServer is stopped are imported after it starts, and live events work again", async () => {
    expect(await stop(monitor)).toBe(0);
    written.push(write(path.join(h.dropbox, "amy", "monitor-down.tif"), tiff()));
    monitor = await startMonitor(h.home);
    await allImported();
    // The DropBox re-created its monitors: a new file arrives through events (sync is the barrier).
    await sync(h.home).catch((e: Error) => {
      const fs = require("node:fs") as typeof import("node:fs");
      throw new Error(
        `${e.message}\n${fs.readFileSync(path.join(h.home, "var/log/DropBox.log"), "utf8")}\n${fs.readFileSync(path.join(h.home, "var/log/MonitorServer.log"), "utf8")}`,
      );
    });
    written.push(write(path.join(h.dropbox, "amy", "after-restart.tif"), tiff()));
    await sync(h.home);
    await allImported();
    expectExactlyOnce(h, written);
  });

  it("kill -9 of DropBox mid-burst, then restart: every file imported exactly once", async () => {
    const burst: string[] = [];
    for (let i = 0; i < 300; i++) {
      const user = i % 3 === 0 ? "zak" : "amy";
      burst.push(write(path.join(h.dropbox, user, "burst", `f${String(i).padStart(4, "0")}.tif`), tiff()));
    }
    written.push(...burst);
    await waitFor(
      () => {
        const m = importedPaths(h);
        return burst.filter((p) => m.has(p)).length >= 90;
      },
      "30 % of the burst imported",
      { timeoutMs: 30000, intervalMs: 20 },
    );
    await kill9(dropbox!);
    dropbox = await startDropBox(h.home);
    await allImported(60000);
    expectExactlyOnce(h, written);
  });

  it("SIGTERM stops within 10 s with exit 0, and the CLI's dropbox scan/sync talk to a running DropBox only", async () => {
    const env = { ...process.env, OMERO_FS_HOME: h.home };
    const s = await run(process.execPath, [CLI_BIN, "--home", h.home, "dropbox", "sync", "--json"], { env });
    expect(JSON.parse(s.stdout)).toEqual({ files: expect.any(Number) });
    const sc = await run(process.execPath, [CLI_BIN, "--home", h.home, "dropbox", "scan"], { env });
    expect(sc.stdout).toMatch(/^scan: \d+ /);
    for (let i = 0; i < 20; i++) write(path.join(h.dropbox, "amy", "late", `l${i}.tif`), tiff());
    const t0 = Date.now();
    expect(await stop(dropbox)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10000);
    dropbox = null;
    const err = await run(process.execPath, [CLI_BIN, "--home", h.home, "dropbox", "sync"], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/DropBox is not running/);
  });
});
