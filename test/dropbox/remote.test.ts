/**
 * Across hosts on one machine (issue 13): home A is the storage host (a MonitorServer only, on
 * loopback TCP), home B the OMERO host (a DropBox whose watch is on A's MonitorServer, reading
 * the storage through a bind mount, or a symlink when mounts are not allowed). Real processes,
 * real sockets, real ledger.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { DropBoxResultOf } from "@omero-fs/protocol";
import {
  call,
  dropboxLog,
  dropboxLogShows,
  files,
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
  waitImported,
  write,
} from "./harness";
import { logShows, readLog } from "../cli/harness";
import { CLI_BIN, waitShows } from "../helpers/wait";

jest.setTimeout(120_000);

/** `omero-fs curve keygen NAME` in a home (etc/curve/NAME.key and NAME.pub). */
function keygen(home: string, name: string): void {
  execFileSync(process.execPath, [CLI_BIN, "--home", home, "curve", "keygen", name], { stdio: "pipe" });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** LOCAL shows REMOTE: a bind mount when we may mount (root), else a symlink. */
function mountStorage(remote: string, local: string): { kind: string; undo: () => void } {
  fs.mkdirSync(local, { recursive: true });
  try {
    execFileSync("mount", ["--bind", remote, local], { stdio: "ignore" });
    return { kind: "bind mount", undo: () => execFileSync("umount", [local], { stdio: "ignore" }) };
  } catch {
    fs.rmdirSync(local);
    fs.symlinkSync(remote, local);
    return { kind: "symlink", undo: () => undefined };
  }
}

type Status = DropBoxResultOf<"status">;
const status = (home: string) => call<Status>(home, "status", {}, 10_000);

describe("a DropBox on a remote MonitorServer (two homes on loopback TCP)", () => {
  let a: ReturnType<typeof makeHome>;
  let b: ReturnType<typeof makeHome>;
  let remote: string;
  let local: string;
  let mount: { kind: string; undo: () => void };
  let monitor: Proc | null = null;
  let dropbox: Proc | null = null;
  let control: string;
  let events: string;

  beforeAll(async () => {
    a = makeHome();
    b = makeHome();
    remote = path.join(a.root, "export", "facility");
    local = path.join(b.root, "mnt", "facility");
    fs.mkdirSync(remote, { recursive: true });
    mount = mountStorage(remote, local);
    control = `tcp://127.0.0.1:${await freePort()}`;
    events = `tcp://127.0.0.1:${await freePort()}`;
    fs.writeFileSync(
      path.join(a.home, "etc", "config.json"),
      JSON.stringify({
        "omero.fs.monitorBindControl": control,
        "omero.fs.monitorBindEvents": events,
        // A MonitorServer other hosts reach serves only these folders.
        "omero.fs.monitorRoots": remote,
      }),
    );
    // CURVE: the storage host's server pair, the OMERO host's client pair, and the client's public
    // key authorised on the storage host (what an admin does with `omero-fs curve keygen`).
    keygen(a.home, "server");
    keygen(b.home, "client");
    fs.writeFileSync(
      path.join(a.home, "etc", "curve", "authorized_keys"),
      `${fs.readFileSync(path.join(b.home, "etc", "curve", "client.pub"), "utf8").trim()} dropbox@omero-host\n`,
    );
    const cfgB = JSON.parse(fs.readFileSync(path.join(b.home, "etc", "config.json"), "utf8"));
    fs.writeFileSync(
      path.join(b.home, "etc", "config.json"),
      JSON.stringify({
        ...cfgB,
        "omero.fs.watchDir": local,
        "omero.fs.monitorControl": control,
        "omero.fs.monitorEvents": events,
        "omero.fs.monitorPathMap": `${remote}=${local}`,
        "omero.fs.monitorServerKey": path.join(a.home, "etc", "curve", "server.pub"),
        // The first reconciliation's listing imports what was there (the skip default: existing.test.ts).
        "omero.fs.existingFiles": "import",
      }),
    );
    // Written on the storage host before anything runs: found by the first reconciliation.
    write(path.join(remote, "alice", "before.tif"), tiff());
    monitor = await startMonitor(a.home);
    dropbox = await startDropBox(b.home);
  });

  afterAll(async () => {
    await stop(dropbox);
    await stop(monitor);
    mount?.undo();
    a?.cleanup();
    b?.cleanup();
  });

  test("files written on the storage host are imported for their user under the local path", async () => {
    write(path.join(remote, "bob", "run1", "img.tif"), tiff());
    await sync(b.home);
    const done = await waitImported(b, 2);
    expect(done.map((i) => [i.user, i.entry]).sort()).toEqual([
      ["alice", path.join(local, "alice", "before.tif")],
      ["bob", path.join(local, "bob", "run1", "img.tif")],
    ]);
    // Containment, users and the ledger see local paths only.
    expect(files(b).every((f) => f.path.startsWith(`${local}/`))).toBe(true);
    // The first reconciliation asked the MonitorServer for the listing instead of walking the mount.
    await dropboxLogShows(b, new RegExp(`reconciliation \\(start\\): 1 files on disk \\(listed by ${control}\\)`));
    expect(dropboxLog(b)).not.toContain("through the mount instead");
    // Both of A's endpoints are CURVE servers.
    const monitorLog = fs.readFileSync(path.join(a.home, "var", "log", "MonitorServer.log"), "utf8");
    expect(monitorLog).toContain(`control endpoint ${control}: CURVE`);
    expect(monitorLog).toContain(`events endpoint ${events}: CURVE`);
  });

  test("status shows the remote MonitorServer: connected, with its last contact", async () => {
    const s = await status(b.home);
    expect(s.remoteMonitors).toEqual([
      { control, events, state: "connected", lastContact: expect.any(String), watches: [1] },
    ]);
    expect(Date.now() - Date.parse(s.remoteMonitors![0]!.lastContact!)).toBeLessThan(30_000);
    expect(s.problems).toEqual([]);
  });

  test("kill -9 of the remote MonitorServer and a restart lose nothing; meanwhile the DropBox is degraded", async () => {
    await kill9(monitor!);
    const down = await waitFor(
      async () => {
        const s = await status(b.home);
        return s.remoteMonitors?.[0]?.state === "unreachable" ? s : null;
      },
      "the remote MonitorServer reported unreachable",
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(down.problems.join("\n")).toContain(`remote MonitorServer ${control} unreachable`);
    // Written while nobody watches the storage host.
    write(path.join(remote, "alice", "while-down", "a.tif"), tiff());
    write(path.join(remote, "carol", "b.tif"), tiff());
    monitor = await startMonitor(a.home);
    await waitFor(
      async () => ((await status(b.home)).remoteMonitors?.[0]?.state === "connected" ? true : null),
      "the remote MonitorServer connected again",
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const done = await waitImported(b, 4, 60_000);
    const entries = done.map((i) => i.entry);
    expect(entries).toContain(path.join(local, "alice", "while-down", "a.tif"));
    expect(entries).toContain(path.join(local, "carol", "b.tif"));
    expect((await status(b.home)).problems).toEqual([]);
    // And events flow again from the new process.
    write(path.join(remote, "bob", "after.tif"), tiff());
    await sync(b.home);
    await waitImported(b, 5, 60_000);
    const all = imports(b);
    expect(new Set(all.map((i) => i.entry)).size).toBe(all.length);
    expect(all.every((i) => i.state === "imported")).toBe(true);
  });

  test("a DropBox whose client key is not authorised gets no answer: unreachable, degraded, the mount walked; authorised later, it connects", async () => {
    const c = makeHome();
    keygen(c.home, "client");
    const cfgB = JSON.parse(fs.readFileSync(path.join(b.home, "etc", "config.json"), "utf8"));
    fs.writeFileSync(path.join(c.home, "etc", "config.json"), JSON.stringify(cfgB));
    let other: Proc | null = null;
    try {
      other = await startDropBox(c.home);
      const s = await status(c.home);
      // A key the server does not accept gets no answer at all, as a server that is down: both said.
      const hint =
        "it is not running or not reachable, or (CURVE) omero.fs.monitorServerKey of watch 1 is not that server's public key, or the server does not list this client's key in its etc/curve/authorized_keys";
      expect(s.remoteMonitors).toEqual([
        { control, events, state: "unreachable", lastContact: null, watches: [1], hint },
      ]);
      expect(s.problems.join("\n")).toContain(`remote MonitorServer ${control} unreachable`);
      expect(s.problems.join("\n")).toContain(hint);
      expect(s.watches[0]!.monitorId).toBeNull();
      await dropboxLogShows(
        c,
        `cannot list it through the MonitorServer at ${control} (unreachable: ${hint}); walking`,
      );
      await logShows(a.home, "MonitorServer", "REFUSED CURVE client");
      // The storage host's admin adds the key: the next handshake gets in.
      const pub = fs.readFileSync(path.join(c.home, "etc", "curve", "client.pub"), "utf8").trim();
      fs.appendFileSync(path.join(a.home, "etc", "curve", "authorized_keys"), `${pub} second-dropbox\n`);
      await waitFor(
        async () => {
          const st = await status(c.home);
          return st.remoteMonitors?.[0]?.state === "connected" && st.watches[0]!.monitorId && st.problems.length === 0;
        },
        "the newly authorised DropBox connected, its monitor started, healthy",
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      write(path.join(remote, "dave", "late.tif"), tiff());
      await sync(c.home);
      if (!files(c).some((f) => f.path === path.join(local, "dave", "late.tif")))
        throw new Error(`late.tif not in the ledger after sync\n${dropboxLog(c)}\n${readLog(a.home, "MonitorServer")}`);
    } finally {
      await stop(other);
      c.cleanup();
    }
  });

  test("a block of the remote MonitorServer lost in transit: the gap is seen and rescanned through list", async () => {
    await stop(dropbox);
    dropbox = await startDropBox(b.home, {
      OMERO_FS_TEST_DROPBOX_DROP_BLOCKS: "1",
      OMERO_FS_TEST_DROPBOX_HEALTH_MS: "200",
    });
    const before = dropboxLog(b).length;
    // No `sync`: the per-link health check (or the seq gap, when the write takes a second block) notices.
    const p = write(path.join(remote, "erin", "lost.tif"), tiff());
    const mine = path.join(local, "erin", "lost.tif");
    await waitFor(
      () => imports(b).find((i) => i.files.includes(mine) && i.state === "imported") ?? null,
      "the file of the lost block imported under the local path",
      { timeoutMs: 30_000 },
    );
    const log = () => dropboxLog(b).slice(before);
    await waitShows(log, /(lost in transit|seq gap on monitor [^\n]*); rescanning/, "DropBox.log since the restart");
    await waitShows(
      log,
      new RegExp(`reconciliation \\((lost blocks|rescan)\\): \\d+ files on disk \\(listed by ${control}\\)`),
      "DropBox.log since the restart",
    );
    expect(p.startsWith(remote)).toBe(true);
  });
});
