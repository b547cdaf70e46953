/**
 * Paths the MonitorServer cannot publish as they are, or did not publish before (issue 11), with a
 * real MonitorServer process and real files: names that are not valid UTF-8, a user's folder that
 * is a symlink made by the admin, an atomic replace in a folder renamed after the start.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Cleanups, creates, type Server, settle, startServer, waitFor, watch, write, WATCHERS } from "./harness";

jest.setTimeout(30_000);

describe.each(WATCHERS)("watcher %s", (watcher) => {
  let server: Server;
  const cleanups = new Cleanups();
  const tree = () => cleanups.tree();

  beforeAll(async () => {
    server = await startServer({ watcher });
  });
  afterAll(async () => {
    await server?.close();
    cleanups.run();
  });

  test("a name that is not valid UTF-8: a rescan notice for its folder, never an event with U+FFFD", async () => {
    const dir = tree();
    fs.mkdirSync(path.join(dir, "amy"));
    const id = await watch(server, { watchDir: dir });
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/amy/a`), Buffer.from([0xff, 0x2e, 0x74])]), "x");
    const good = write(path.join(dir, "amy", "good.tif"));
    await waitFor(
      () => server.sub.of(id).some((b) => b.rescan?.path === path.join(dir, "amy")),
      "a rescan notice for amy/",
    );
    const events = await settle(server, id);
    expect(server.sub.of(id).find((b) => b.rescan)!.rescan!.reason).toMatch(/not valid UTF-8/);
    expect(events.filter((e) => e.path.includes("\uFFFD"))).toEqual([]);
    expect(creates(events)).toContain(good);
  });

  test("a symlink directly in watchDir to a folder outside is followed (files under the link's path); links further down are not", async () => {
    const dir = tree();
    const outside = tree();
    const bobReal = path.join(outside, "bob");
    const deeper = path.join(outside, "deeper");
    fs.mkdirSync(bobReal);
    fs.mkdirSync(deeper);
    fs.symlinkSync(bobReal, path.join(dir, "bob"));
    fs.mkdirSync(path.join(dir, "amy"));
    fs.symlinkSync(deeper, path.join(dir, "amy", "elsewhere"));
    const id = await watch(server, { watchDir: dir });
    write(path.join(bobReal, "a.tif"));
    write(path.join(dir, "bob", "sub", "b.tif"));
    write(path.join(deeper, "c.tif"));
    const want = [path.join(dir, "bob", "a.tif"), path.join(dir, "bob", "sub", "b.tif")];
    await waitFor(() => want.every((p) => creates(server.sub.events(id)).includes(p)), "bob's files published");
    const events = await settle(server, id);
    expect(events.filter((e) => e.path.includes("c.tif") || e.path.startsWith(outside))).toEqual([]);
  });

  test("an atomic replace in a folder renamed after the start is published", async () => {
    const dir = tree();
    write(path.join(dir, "amy", "d", "a.tif"), "one");
    write(path.join(dir, "amy", "d", "sub", "s.tif"), "one");
    const id = await watch(server, { watchDir: dir });
    fs.renameSync(path.join(dir, "amy", "d"), path.join(dir, "amy", "d2"));
    // The moved-in folder is listed: its files are published under the new name.
    await waitFor(
      () => creates(server.sub.events(id)).includes(path.join(dir, "amy", "d2", "sub", "s.tif")),
      "the renamed folder's files published",
    );
    const seen = server.sub.events(id).length;
    for (const p of [path.join(dir, "amy", "d2", "a.tif"), path.join(dir, "amy", "d2", "sub", "s.tif")]) {
      write(`${p}.new`, "two, longer");
      fs.renameSync(`${p}.new`, p);
    }
    const after = (await settle(server, id)).slice(seen);
    for (const p of [path.join(dir, "amy", "d2", "a.tif"), path.join(dir, "amy", "d2", "sub", "s.tif")])
      expect(after.filter((e) => e.path === p && (e.type === "Modify" || e.type === "Create"))).not.toEqual([]);
  });

  test("an atomic replace of a file that was there at the start (known from the baseline listing) is published", async () => {
    const dir = tree();
    const p = write(path.join(dir, "amy", "there.tif"), "one");
    const id = await watch(server, { watchDir: dir });
    write(`${p}.new`, "two, longer");
    fs.renameSync(`${p}.new`, p);
    await waitFor(
      () => server.sub.events(id).some((e) => e.path === p && (e.type === "Modify" || e.type === "Create")),
      "the replace published",
    );
  });
});
