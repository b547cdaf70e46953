/**
 * Paths after the fact (issue 11), end to end with real MonitorServer and DropBox processes, real
 * files and the real ledger: a folder renamed after its import keeps being watched live.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  dropboxLog,
  files,
  type Home,
  imports,
  makeHome,
  managedCopies,
  startDropBox,
  stop,
  up,
  waitFor,
  write,
} from "./harness";
import { CLI_BIN } from "../helpers/wait";

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
  // A subfolder too: the native watcher reports events below a renamed folder under the old path.
  write(path.join(amy, "dir", "sub", "s.fake"), "s");
  await waitFor(
    () => files(h).filter((f) => f.path.includes("/dir/") && f.state === "imported").length === 2,
    "a.fake and sub/s.fake imported",
    { timeoutMs: 20_000 },
  ).catch(dump("first import"));

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
  write(path.join(dir2, "sub", "new2.fake"), "n2");
  write(path.join(dir2, "sub", "s.fake.tmp"), "changed s");
  fs.renameSync(path.join(dir2, "sub", "s.fake.tmp"), path.join(dir2, "sub", "s.fake"));

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
  await waitFor(
    () => files(h).find((f) => f.path === path.join(dir2, "sub", "new2.fake"))?.state === "imported",
    "sub/new2.fake in the renamed folder's subfolder imported live",
    { timeoutMs: 15_000 },
  ).catch(dump("new file in sub"));
  await waitFor(
    () => /changed after import/.test(files(h).find((f) => f.path === path.join(dir2, "sub", "s.fake"))?.reason ?? ""),
    "the replace of sub/s.fake listed as changed after import",
    { timeoutMs: 15_000 },
  ).catch(dump("replace in sub"));
  expect(a.reason).toMatch(/not reimported \(omero\.fs\.changedAfterImport=log/);
  // No stale rows: nothing for the temporary name, nothing left under the old folder name.
  const paths = files(h).map((f) => f.path);
  expect(paths.filter((p) => p.includes("a.fake.tmp"))).toEqual([]);
  expect(paths.filter((p) => p.startsWith(`${path.join(amy, "dir")}/`))).toEqual([]);
  expect(imports(h).filter((i) => i.state === "imported")).toHaveLength(4);

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

test("user folder symlink made by the admin: followed, files in its target imported for that user; links inside it that leave it refused", async () => {
  h = makeHome();
  const data = path.join(h.root, "data");
  const bobReal = path.join(data, "bob");
  fs.mkdirSync(bobReal, { recursive: true });
  fs.symlinkSync(bobReal, path.join(h.dropbox, "bob"));
  // A folder link inside bob's folder that leaves it, there before the start (found by the walk).
  fs.symlinkSync("/etc", path.join(bobReal, "etc-folder"));
  write(path.join(h.dropbox, "amy", "secret.txt"), "amy's");
  // A link a user made (another owner) is not followed; only root can give a link another owner.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    write(path.join(data, "eve", "e.fake"), "e");
    fs.symlinkSync(path.join(data, "eve"), path.join(h.dropbox, "eve"));
    fs.lchownSync(path.join(h.dropbox, "eve"), 4242, 4242);
  }
  ({ down } = await up(h));
  const bob = path.join(h.dropbox, "bob");

  // Dropped into the target folder, and through the link: both imported for bob, listed under DropBox/bob.
  write(path.join(bobReal, "direct.fake"), "d");
  write(path.join(bob, "sub", "via-link.fake"), "v");
  const row = (p: string) => files(h).find((f) => f.path === p);
  for (const p of [path.join(bob, "direct.fake"), path.join(bob, "sub", "via-link.fake")]) {
    await waitFor(() => row(p)?.state === "imported", `${p} imported`, { timeoutMs: 20_000 }).catch(dump(p));
    expect(row(p)!.user).toBe("bob");
  }
  expect(imports(h).filter((i) => i.user === "bob" && i.state === "imported")).toHaveLength(2);

  // Symlinks inside bob's folder that leave it: refused with the reason, never imported.
  fs.symlinkSync("/etc/passwd", path.join(bob, "passwd.fake"));
  fs.symlinkSync(path.join(h.dropbox, "amy", "secret.txt"), path.join(bobReal, "amys.fake"));
  // ... and one made while running, to another user's folder (seen live).
  fs.symlinkSync(path.join(h.dropbox, "amy"), path.join(bob, "amy-folder"));
  for (const name of ["etc-folder", "amy-folder"]) {
    const r = await waitFor(
      () => (row(path.join(bob, name))?.state === "refused" ? row(path.join(bob, name)) : null),
      `${name} refused`,
      { timeoutMs: 20_000 },
    ).catch(dump(name));
    expect(r.reason).toMatch(/^a symlink to a folder: real path .* is outside the user's folder .*\(symlink escape\)/);
  }
  expect(files(h).filter((f) => f.path.startsWith(`${path.join(bob, "amy-folder")}/`))).toEqual([]);
  for (const name of ["passwd.fake", "amys.fake"]) {
    const r = await waitFor(
      () => (row(path.join(bob, name))?.state === "refused" ? row(path.join(bob, name)) : null),
      `${name} refused`,
      { timeoutMs: 20_000 },
    ).catch(dump(name));
    expect(r.reason).toMatch(/outside the user's folder .*\(symlink escape\)/);
    expect(r.reason).toContain(bobReal);
  }

  // A link made while running is followed live.
  const carolReal = path.join(data, "carol");
  fs.mkdirSync(carolReal);
  fs.symlinkSync(carolReal, path.join(h.dropbox, "carol"));
  write(path.join(carolReal, "c.fake"), "c");
  await waitFor(() => row(path.join(h.dropbox, "carol", "c.fake"))?.state === "imported", "carol's file imported", {
    timeoutMs: 20_000,
  }).catch(dump("carol"));

  if (asRoot) {
    const eve = await waitFor(() => row(path.join(h.dropbox, "eve")), "eve's link listed", { timeoutMs: 10_000 }).catch(
      dump("eve"),
    );
    expect(eve).toMatchObject({ state: "refused" });
    expect(eve.reason).toMatch(/user's folder is not followed: symlink .*eve belongs to uid 4242/);
    expect(files(h).filter((f) => f.path.includes("e.fake"))).toEqual([]);
  }
  expect(managedSources(h).filter((p) => /passwd|secret|e\.fake/.test(p))).toEqual([]);
});

/** Source paths of every local import. */
function managedSources(home: Home): string[] {
  return [...managedCopies(home).keys()];
}

test("watch numbers count from 1 in messages: an unsplittable importArgs of the second watch names watch 2", async () => {
  h = makeHome({
    "omero.fs.importer": "omero",
    "omero.fs.importUsers": "amy;zak",
    "omero.fs.watchDir": "",
    "omero.fs.importArgs": ';-T "regex:',
  });
  const a = path.join(h.root, "amy");
  const z = path.join(h.root, "zak");
  fs.mkdirSync(a);
  fs.mkdirSync(z);
  const cfg = path.join(h.home, "etc", "config.json");
  fs.writeFileSync(
    cfg,
    JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, "utf8")), "omero.fs.watchDir": `${a};${z}` }),
  );
  const err = await startDropBox(h.home, { OMERO_FS_OMERO_PASSWORD: "x" }).then(
    async (p) => {
      await stop(p);
      return "started";
    },
    (e: Error) => e.message,
  );
  expect(err).toMatch(/omero\.fs\.importArgs \(watch 2\): unbalanced double quote/);
  expect(err).not.toMatch(/\(watch 0\)/);
});

test("a same-size cp over an imported file is listed (files list and files show say it was modified), not only logged", async () => {
  h = makeHome();
  ({ down } = await up(h));
  const f = write(path.join(h.dropbox, "amy", "same.fake"), "aaaa");
  await waitFor(() => files(h).find((r) => r.path === f)?.state === "imported", "same.fake imported", {
    timeoutMs: 20_000,
  }).catch(dump("import"));
  const src = write(path.join(h.root, "other.fake"), "bbbb");
  const before = fs.statSync(f);
  execFileSync("cp", [src, f]); // in place: same inode, same size, new content
  expect(fs.statSync(f).ino).toBe(before.ino);
  const changed = /modified after import of fileset \d+: same size and inode, new mtime/;
  await waitFor(() => changed.test(files(h).find((r) => r.path === f)?.reason ?? ""), "listed as modified", {
    timeoutMs: 15_000,
  }).catch(dump("cp"));
  const show = spawnSync(process.execPath, [CLI_BIN, "--home", h.home, "files", "show", "amy/same.fake", "--json"], {
    encoding: "utf8",
  });
  expect(show.status).toBe(0);
  expect(JSON.parse(show.stdout)).toMatchObject({ path: f, state: "imported", reason: expect.stringMatching(changed) });
  const table = spawnSync(process.execPath, [CLI_BIN, "--home", h.home, "files", "list"], { encoding: "utf8" });
  expect(table.stdout).toMatch(/imported .*same\.fake\s+modified after import/);
  expect(imports(h).filter((i) => i.files.includes(f))).toHaveLength(1);
});
