import * as fs from "node:fs";
import * as path from "node:path";
import { AdminStatusJsonSchema, type ImportJson } from "@omero-fs/protocol";
import { homeFiles, homeImports, homeStatus } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { jsonOf, logShows, makeHome, type TestHome } from "./harness";

/**
 * The watch lifecycle under `omero-fs admin reload` (issue 12) and missing watch folders (issue
 * 11), with the real node, servers and local importer.
 */

jest.setTimeout(240_000);

let home: TestHome;
afterEach(() => home?.cleanup());

const BASE = {
  "omero.fs.dirImportWait": "0.5",
  "omero.fs.settleTime": "0.5",
  "omero.fs.throttleImport": "0",
  "omero.fs.importer": "local",
  "omero.fs.httpAddress": "off",
  "omero.fs.rescanInterval": "0",
  // About reload: what is already in a new or reappearing watch folder is imported. The default
  // (skip: recorded as `existing`) is tested in test/dropbox/existing.test.ts.
  "omero.fs.existingFiles": "import",
};
const SLOW = { timeoutMs: 60_000 };

// The home's status, imports and files read in-process (test/helpers/home.ts), for waits and
// checks between steps; what the CLI prints is checked where the test says so.
async function status(h: TestHome) {
  return { s: await homeStatus(h.dir) };
}

async function pids(h: TestHome): Promise<Record<string, number | null>> {
  const { s } = await status(h);
  return Object.fromEntries([["node", s.node.pid], ...s.servers.map((x) => [x.name, x.pid])]);
}

const imports = (h: TestHome): ImportJson[] => homeImports(h.dir);

/** Wait until `file` is in an imported fileset. */
async function imported(h: TestHome, file: string): Promise<ImportJson> {
  return waitFor(
    () => imports(h).find((i) => i.state === "imported" && i.files.includes(file)) ?? null,
    `${file} imported`,
    SLOW,
  );
}

function fileState(h: TestHome, file: string): { state: string; reason: string | null } | null {
  const f = homeFiles(h.dir).find((x) => x.path === file);
  return f ? { state: f.state, reason: f.reason } : null;
}

async function reload(h: TestHome): Promise<{ applied: string[]; restart: string[] }> {
  const r = await h.cli(["admin", "reload", "--json"]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return jsonOf(r) as { applied: string[]; restart: string[] };
}

const write = (p: string, text = "x") => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

test("missing watchDir: config check exit 1, the system starts degraded (exit 2) naming the folder; the folder appears: the watch starts by itself; unmounted while running: degraded, then back", async () => {
  home = makeHome({ config: BASE });
  const bob = path.join(home.dir, "mnt", "bob");
  expect((await home.cli(["config", "set", "watchDir", `;${bob}`])).code).toBe(0);
  expect((await home.cli(["config", "set", "importUsers", "default;bob"])).code).toBe(0);
  expect((await home.cli(["config", "set", "dirImportWait", "0.5", "--all"])).code).toBe(0);
  const check = await home.cli(["config", "check"]);
  expect(check.code).toBe(1);
  expect(check.stdout).toContain(`error: omero.fs.watchDir, watch 2 of 2 (bob): ${bob} does not exist`);

  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const reason = `watch 2 (bob): watchDir ${bob} does not exist; it starts by itself when the folder appears`;
  const degraded = await waitFor(
    async () => {
      const d = (await status(home)).s.servers.find((x) => x.name === "DropBox");
      return d?.state === "degraded" ? { reason: d.reason } : null;
    },
    "the DropBox degraded",
    SLOW,
  );
  expect(degraded).toEqual({ reason });
  const cli = await home.cli(["admin", "status", "--json"]);
  expect(cli.code).toBe(2);
  expect(AdminStatusJsonSchema.parse(jsonOf(cli)).servers[1]).toMatchObject({ state: "degraded", reason });
  const before = await pids(home);
  // The other watch works meanwhile, and the barrier does not wait for the missing one.
  await imported(home, write(path.join(home.dir, "data", "DropBox", "amy", "a.fake")));
  expect((await home.cli(["dropbox", "sync"], {}, 30_000)).code).toBe(0);

  // The share is mounted: within 30 s the watch runs and its files (there before) are imported.
  const mountedAt = Date.now();
  const early = write(path.join(bob, "early.fake"));
  await waitFor(
    async () => (await status(home)).s.servers.find((x) => x.name === "DropBox")?.state === "running",
    "the DropBox healthy again",
    { timeoutMs: 30_000 },
  );
  expect(Date.now() - mountedAt).toBeLessThan(30_000);
  expect((await imported(home, early)).user).toBe("bob");
  expect((await home.cli(["admin", "status"])).code).toBe(0);
  await imported(home, write(path.join(bob, "live.fake")));

  // Unmounted while running: degraded, naming the folder; back: healthy, and new files imported.
  fs.renameSync(bob, `${bob}.away`);
  const gone = await waitFor(
    async () => {
      const d = (await status(home)).s.servers.find((x) => x.name === "DropBox");
      return d?.state === "degraded" ? d.reason : null;
    },
    "the DropBox degraded after the unmount",
    SLOW,
  );
  expect(gone).toContain(`watch 2 (bob): watchDir ${bob} is gone`);
  fs.renameSync(`${bob}.away`, bob);
  await waitFor(
    async () => (await status(home)).s.servers.find((x) => x.name === "DropBox")?.state === "running",
    "the DropBox healthy after the remount",
    SLOW,
  );
  await imported(home, write(path.join(bob, "after.fake")));
  expect(await pids(home)).toEqual(before);
  // Nothing that was imported is imported again.
  const all = await imports(home);
  expect(all.filter((i) => i.files.includes(early))).toHaveLength(1);

  // A watch added by reload on a folder that is not there yet: applied, and said to be degraded.
  const carl = path.join(home.dir, "mnt", "carl");
  expect((await home.cli(["config", "set", "watchDir", `;${bob};${carl}`])).code).toBe(0);
  expect((await home.cli(["config", "set", "importUsers", "default;bob;carl"])).code).toBe(0);
  expect((await home.cli(["config", "set", "dirImportWait", "0.5", "--all"])).code).toBe(0);
  const r = await home.cli(["admin", "reload"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`applied live: omero.fs.importUsers (watch 3 added: carl, ${carl})`);
  const missing = `watch 3 (carl): watchDir ${carl} does not exist`;
  await waitFor(
    async () => (await status(home)).s.servers.find((x) => x.name === "DropBox")?.reason?.includes(missing),
    "the new watch's missing folder in the status",
    SLOW,
  );
  expect((await home.cli(["admin", "status"])).stdout).toContain(missing);
  await imported(home, write(path.join(carl, "c.fake")));
  expect(await pids(home)).toEqual(before);
});

test("admin reload after config set: a new watch is imported from, whitelist and readers-file changes apply, a removed watch stops; pids unchanged", async () => {
  home = makeHome({ config: BASE });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = await pids(home);
  await imported(home, write(path.join(home.dir, "data", "DropBox", "amy", "a.fake")));

  // A new `;` slot, set with config set: the note says reload applies it.
  const bob = path.join(home.dir, "bob");
  fs.mkdirSync(bob);
  const old = write(path.join(bob, "old.fake"));
  expect((await home.cli(["config", "set", "watchDir", `;${bob}`])).code).toBe(0);
  const set = await home.cli(["config", "set", "importUsers", "default;bob"]);
  expect(set.stdout).toContain("apply it with omero-fs admin reload");
  // A per-watch value is per slot: the new watch's quiet period is set for it too.
  expect((await home.cli(["config", "set", "dirImportWait", "0.5", "--all"])).code).toBe(0);
  const added = await reload(home);
  expect(added.applied).toEqual([`omero.fs.importUsers (watch 2 added: bob, ${bob})`]);
  expect(added.restart).toEqual([]);
  // Its first walk takes what was there, and its monitor what comes.
  expect((await imported(home, old)).user).toBe("bob");
  expect((await imported(home, write(path.join(bob, "new.fake")))).user).toBe("bob");

  // Whitelist: .tif only; a .fake is not wanted; back to everything: the same file is imported.
  expect((await home.cli(["config", "set", "whitelist", ";.tif"])).code).toBe(0);
  expect((await reload(home)).applied).toEqual(["omero.fs.whitelist (watch 2)"]);
  const unwanted = write(path.join(bob, "unwanted.fake"));
  await waitFor(
    async () => fileState(home, unwanted)?.reason?.startsWith("not wanted: the watch's whitelist") ?? null,
    "unwanted.fake ignored by the whitelist",
    SLOW,
  );
  expect((await home.cli(["config", "unset", "whitelist"])).code).toBe(0);
  expect((await reload(home)).applied).toEqual(["omero.fs.whitelist (watch 2)"]);
  await imported(home, unwanted);

  // Readers: a file without FakeReader excludes .fake; edited in place (same path) and reloaded: imported.
  const readers = write(path.join(home.dir, "readers.txt"), "loci.formats.in.TiffDelegateReader\n");
  expect((await home.cli(["config", "set", "readers", `;${readers}`])).code).toBe(0);
  expect((await reload(home)).applied).toEqual(["omero.fs.readers (watch 2)"]);
  const excluded = write(path.join(bob, "excluded.fake"));
  await waitFor(
    async () => fileState(home, excluded)?.reason?.includes("the watch's readers") ?? null,
    "excluded.fake excluded by the readers file",
    SLOW,
  );
  write(readers, "loci.formats.in.TiffDelegateReader\nloci.formats.in.FakeReader\n");
  expect((await reload(home)).applied).toEqual(["omero.fs.readers (watch 2) (file re-read)"]);
  await imported(home, excluded);

  // A monitor parameter (blacklist): the monitor is re-created, nothing is lost meanwhile.
  expect((await home.cli(["config", "set", "blacklist", `;${path.join(bob, "tmp")}`])).code).toBe(0);
  expect((await reload(home)).applied).toEqual(["omero.fs.blacklist (watch 2)"]);
  write(path.join(bob, "tmp", "skip.fake"));
  await imported(home, write(path.join(bob, "kept.fake")));
  expect(fileState(home, path.join(bob, "tmp", "skip.fake"))).toBeNull();

  // A fileset that waits (a long quiet period) when its watch is removed: files list says why.
  expect((await home.cli(["config", "set", "dirImportWait", "0.5;3600"])).code).toBe(0);
  expect((await reload(home)).applied).toEqual(["omero.fs.dirImportWait (watch 2)"]);
  const waits = write(path.join(bob, "waits.fake"));
  await waitFor(async () => fileState(home, waits)?.state === "grouped", "waits.fake in a waiting fileset", SLOW);

  // The slot emptied: the watch is removed; its files stay in the ledger; new ones are not seen.
  expect((await home.cli(["config", "set", "importUsers", "default;"])).code).toBe(0);
  const removed = await reload(home);
  expect(removed.applied).toEqual([`omero.fs.importUsers (watch 2 removed: bob, ${bob})`]);
  await logShows(
    home.dir,
    "DropBox",
    "watch 2 (bob): removed by reload; monitor destroyed, its ledger rows are kept; its 1 waiting fileset(s) are not imported unless the watch is added back",
  );
  expect(fileState(home, old)?.state).toBe("imported");
  expect(fileState(home, waits)).toEqual({
    state: "grouped",
    reason:
      "not imported: watch 2 (bob) was removed from the configuration (omero.fs.importUsers); add it back and run omero-fs admin reload to import it",
  });
  const unseen = write(path.join(bob, "unseen.fake"));
  // The other watch still imports; the removed one's new file is not seen (the barrier: sync).
  await imported(home, write(path.join(home.dir, "data", "DropBox", "amy", "b.fake")));
  expect((await home.cli(["dropbox", "sync"])).code).toBe(0);
  expect(fileState(home, unseen)).toBeNull();
  expect(await pids(home)).toEqual(before);
});
