/**
 * Pre-existing files (omero.fs.existingFiles, issue 11): a first walk with no ledger history
 * records what is already there as `existing` and imports nothing of it; later files are imported
 * as always; `omero-fs dropbox import-existing [PATH]` releases them (e2e: real processes, files,
 * ledger).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { CLI_BIN } from "../helpers/wait";
import {
  dropboxLog,
  dropboxLogShows,
  files,
  type Home,
  importedFiles,
  imports,
  makeHome,
  managedCopies,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  sync,
  tiff,
  up,
  waitFor,
  write,
} from "./harness";

jest.setTimeout(120_000);
const run = promisify(execFile);

/** `omero-fs --home H ...args` from `cwd`: exit code and output. */
async function cli(h: Home, args: string[], cwd = h.root): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI_BIN, "--home", h.home, ...args], { cwd, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : -1, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}

const stateOf = (h: Home, p: string) => files(h).find((f) => f.path === p)?.state;

/** Every path imported at most once, in the ledger and in the (local) managed repository. */
function expectNoneTwice(h: Home): void {
  const counts = new Map<string, number>();
  for (const i of imports(h, { state: "imported" })) for (const f of i.files) counts.set(f, (counts.get(f) ?? 0) + 1);
  const twice = [...counts, ...managedCopies(h)].filter(([, n]) => n > 1).map(([p]) => p);
  expect(twice).toEqual([]);
}

function waitImportedPaths(h: Home, paths: string[], timeoutMs = 40_000): Promise<true> {
  return waitFor(() => paths.every((p) => importedFiles(h).has(p)), `imported: ${paths.join(", ")}`, {
    timeoutMs,
    intervalMs: 100,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\nfiles: ${JSON.stringify(files(h), null, 1)}`);
  });
}

function setConfig(h: Home, values: Record<string, string>): void {
  const file = path.join(h.home, "etc", "config.json");
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), ...values }, null, 2));
}

function removeLedger(h: Home): void {
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(`${h.ledger}${s}`, { force: true });
}

describe("pre-existing files (omero.fs.existingFiles)", () => {
  let h: Home;
  afterEach(() => h?.cleanup());

  test("files there before the first start are existing and not imported; files dropped later, or while down, are imported; a deleted ledger imports nothing twice", async () => {
    h = makeHome();
    const a = write(path.join(h.dropbox, "alice", "old", "a.tif"), tiff(4, 4, "a"));
    const b = write(path.join(h.dropbox, "bob", "b.tif"), tiff(4, 4, "b"));
    let s = await up(h);
    try {
      await sync(h.home);
      expect([stateOf(h, a), stateOf(h, b)]).toEqual(["existing", "existing"]);
      const listed = await cli(h, ["files", "list", "--state", "existing", "--json"]);
      expect(listed.code).toBe(0);
      const reason = (JSON.parse(listed.stdout) as { path: string; reason: string }[]).find(
        (f) => f.path === a,
      )?.reason;
      expect(reason).toBe(
        `was already in the DropBox when omero-fs first walked it; import it with: omero-fs dropbox import-existing ${a}`,
      );
      const table = (await cli(h, ["files", "list"])).stdout;
      expect(table).toMatch(/existing +alice .* already there at the first walk \(dropbox import-existing\)/);
      expect(table).toContain(
        "2 of them were already in the DropBox at the first walk and are not imported; import them with: omero-fs dropbox import-existing [PATH]",
      );
      // Live: a file dropped after the start is imported.
      const c = write(path.join(h.dropbox, "alice", "new", "c.tif"), tiff(4, 4, "c"));
      await waitImportedPaths(h, [c]);
      expect([stateOf(h, a), stateOf(h, b)]).toEqual(["existing", "existing"]);
      await s.down();

      // Down: a file added now is imported at the next start (the ledger has history).
      const d = write(path.join(h.dropbox, "bob", "d.tif"), tiff(4, 4, "d"));
      s = await up(h);
      await waitImportedPaths(h, [d]);
      await sync(h.home);
      expect([stateOf(h, a), stateOf(h, b)]).toEqual(["existing", "existing"]);
      await s.down();

      // A lost ledger: every file there is existing again; nothing is imported a second time.
      removeLedger(h);
      s = await up(h);
      await sync(h.home);
      expect([a, b, c, d].map((p) => stateOf(h, p))).toEqual(["existing", "existing", "existing", "existing"]);
      const e = write(path.join(h.dropbox, "bob", "e.tif"), tiff(4, 4, "e"));
      await waitImportedPaths(h, [e]);
      expect([...managedCopies(h).keys()].sort()).toEqual([c, d, e].sort());
      expectNoneTwice(h);
    } finally {
      await s.down();
    }
  });

  test("a file copied in while the first walk runs (old mtime, as cp -p or rsync -t keep it) is imported, not existing", async () => {
    h = makeHome();
    // A first walk long enough to copy into while it runs.
    const old: string[] = [];
    for (let d = 0; d < 20; d++)
      for (let i = 0; i < 100; i++) old.push(write(path.join(h.dropbox, "alice", `d${d}`, `f${i}.txt`), "x"));
    const monitor = await startMonitor(h.home);
    const starting = startDropBox(h.home);
    let dropbox: Proc | null = null;
    try {
      await waitFor(() => /monitor \S+ started on/.test(dropboxLog(h)), "the DropBox's monitor to start", {
        intervalMs: 5,
      });
      const copied = write(path.join(h.dropbox, "alice", "d0", "copied.tif"), tiff(4, 4, "copied"));
      const past = new Date("2020-01-01T00:00:00Z");
      fs.utimesSync(copied, past, past);
      dropbox = await starting;
      await waitImportedPaths(h, [copied]);
      expect(stateOf(h, old[0]!)).toBe("existing");
      expect(files(h).filter((f) => f.state === "existing").length).toBe(old.length);
    } finally {
      await stop(dropbox ?? (await starting.catch(() => null)));
      await stop(monitor);
    }
  });

  test("a watch added later has its own first walk; the first watch's files added meanwhile are imported", async () => {
    h = makeHome();
    const wa = path.join(h.root, "amy");
    const wz = path.join(h.root, "zak");
    fs.mkdirSync(wa, { recursive: true });
    setConfig(h, { "omero.fs.importUsers": "amy", "omero.fs.watchDir": wa });
    const a1 = write(path.join(wa, "a1.tif"), tiff(4, 4, "a1"));
    let s = await up(h);
    try {
      await sync(h.home);
      expect(stateOf(h, a1)).toBe("existing");
      await s.down();
      // While down: a file for amy, and a new watch for zak on a folder that already holds data.
      const a2 = write(path.join(wa, "a2.tif"), tiff(4, 4, "a2"));
      const z1 = write(path.join(wz, "z1.tif"), tiff(4, 4, "z1"));
      setConfig(h, {
        "omero.fs.importUsers": "amy;zak",
        "omero.fs.watchDir": `${wa};${wz}`,
        "omero.fs.dirImportWait": "0.5;0.5",
        "omero.fs.throttleImport": "0;0",
      });
      s = await up(h);
      await waitImportedPaths(h, [a2]);
      await sync(h.home);
      expect([stateOf(h, a1), stateOf(h, z1)]).toEqual(["existing", "existing"]);
      const z2 = write(path.join(wz, "z2.tif"), tiff(4, 4, "z2"));
      await waitImportedPaths(h, [z2]);
      expect([...managedCopies(h).keys()].sort()).toEqual([a2, z2].sort());
    } finally {
      await s.down();
    }
  });

  test("a first walk interrupted (stopped or killed half-way through a big DropBox) is resumed as a first walk", async () => {
    h = makeHome();
    const a = write(path.join(h.dropbox, "alice", "a.tif"), tiff(4, 4, "a"));
    const b = write(path.join(h.dropbox, "alice", "zz", "b.tif"), tiff(4, 4, "b"));
    let s = await up(h);
    try {
      await sync(h.home);
      await s.down();
      // As if the DropBox had been killed after its first walk recorded a.tif, before it reached b.tif.
      const db = new Database(h.ledger);
      expect(db.prepare("UPDATE walks SET completed_at = NULL").run().changes).toBe(1);
      expect(db.prepare("DELETE FROM files WHERE path = ?").run(b).changes).toBe(1);
      db.close();
      // Written while down: the MonitorServer's snapshot reports it; new.
      const fresh = write(path.join(h.dropbox, "alice", "fresh.tif"), tiff(4, 4, "fresh"));
      s = await up(h);
      await waitImportedPaths(h, [fresh]);
      await sync(h.home);
      expect([stateOf(h, a), stateOf(h, b)]).toEqual(["existing", "existing"]);
      await dropboxLogShows(h, "resuming the interrupted first walk");
    } finally {
      await s.down();
    }
  });

  test("omero.fs.existingFiles=import imports the files already there", async () => {
    h = makeHome({ "omero.fs.existingFiles": "import" });
    const a = write(path.join(h.dropbox, "alice", "a.tif"), tiff(4, 4, "a"));
    const s = await up(h);
    try {
      await waitImportedPaths(h, [a]);
      expect(files(h).filter((f) => f.state === "existing")).toEqual([]);
    } finally {
      await s.down();
    }
  });

  test("import-existing PATH imports only the existing files under PATH, with the DropBox running and stopped", async () => {
    h = makeHome();
    const x = write(path.join(h.dropbox, "alice", "x", "1.tif"), tiff(4, 4, "1"));
    const y = write(path.join(h.dropbox, "alice", "y", "2.tif"), tiff(4, 4, "2"));
    const z = write(path.join(h.dropbox, "bob", "3.tif"), tiff(4, 4, "3"));
    let s = await up(h);
    try {
      await sync(h.home);
      expect([x, y, z].map((p) => stateOf(h, p))).toEqual(["existing", "existing", "existing"]);
      // PATH as typed, relative to the current directory.
      const r = await cli(h, ["dropbox", "import-existing", "alice/x"], h.dropbox);
      expect(r).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/released 1 existing file under .*alice\/x for import; the DropBox imports them now/);
      await waitImportedPaths(h, [x]);
      // Outside every watch folder: a clear error, exit 1, nothing released.
      const outside = await cli(h, ["dropbox", "import-existing", h.root]);
      expect(outside.code).toBe(1);
      expect(outside.stderr).toMatch(/is not in a watch folder/);
      await s.down();

      const stopped = await cli(h, ["dropbox", "import-existing", path.join(h.dropbox, "bob")]);
      expect(stopped).toMatchObject({ code: 0 });
      expect(stopped.stdout).toMatch(
        /released 1 existing file .* the DropBox is not running: it imports them when it starts/,
      );
      s = await up(h);
      await waitImportedPaths(h, [z]);
      await sync(h.home);
      expect(stateOf(h, y)).toBe("existing");
      expect([...managedCopies(h).keys()].sort()).toEqual([x, z].sort());
      expectNoneTwice(h);
      // No PATH: all the rest.
      const all = await cli(h, ["dropbox", "import-existing"]);
      expect(all.stdout).toMatch(/released 1 existing file for import/);
      await waitImportedPaths(h, [y]);
    } finally {
      await s.down();
    }
  });
});
