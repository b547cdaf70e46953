import * as fs from "node:fs";
import * as path from "node:path";
import { FileJsonSchema, ImportJsonSchema } from "@omero-fs/protocol";
import { z } from "zod";
import { homeImports, homeStatus, serverOf } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { jsonOf, logShows, makeHome, readLog, type TestHome } from "./harness";

/**
 * The node with the real MonitorServer and DropBox: files dropped at the right moments are
 * imported exactly once whatever happens to the servers (kill -9, stop, disable).
 */

jest.setTimeout(180_000);

/** Quick imports: one second of quiet, no throttle, the embedded (local) importer. */
const CONFIG = {
  "omero.fs.dirImportWait": "1",
  "omero.fs.settleTime": "0.5",
  "omero.fs.throttleImport": "0",
  "omero.fs.importer": "local",
};

let home: TestHome;
afterEach(() => home?.cleanup());

// `admin status` and `imports list` read in-process for waits and checks between steps
// (test/helpers/home.ts); what the CLI prints is checked where a test says so.
const status = (h: TestHome) => homeStatus(h.dir);
const server = serverOf;

function drop(h: TestHome, user: string, names: string[]): string[] {
  const dir = path.join(h.dir, "data", "DropBox", user);
  fs.mkdirSync(dir, { recursive: true });
  return names.map((n) => {
    const p = path.join(dir, n);
    fs.writeFileSync(p, ""); // a .fake file: the FakeReader's format, empty is enough
    return p;
  });
}

/** Wait until every path is in an imported fileset, and check none was imported twice. */
async function expectImported(h: TestHome, paths: string[]): Promise<void> {
  let missing: string[] = paths;
  const imports = await waitFor(
    () => {
      const list = homeImports(h.dir);
      const done = new Set(list.filter((i) => i.state === "imported").flatMap((i) => i.files));
      missing = paths.filter((p) => !done.has(p));
      return missing.length === 0 ? list : null;
    },
    `${paths.length} file(s) to be imported`,
    { timeoutMs: 60_000 },
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}\nnot imported: ${missing.join(", ")}\n--- logs ---\n${["Node", "MonitorServer", "DropBox"]
        .map((n) =>
          readLog(h.dir, n as "Node")
            .split("\n")
            .slice(-40)
            .join("\n"),
        )
        .join("\n")}`,
    );
  });
  const all = imports.flatMap((i) => i.files);
  expect(all.length).toBe(new Set(all).size);
}

test("admin start returns when ready: a file dropped right after it returns is imported", async () => {
  home = makeHome({ config: CONFIG });
  const start = await home.cli(["admin", "start"]);
  expect(start.stderr).toBe("");
  expect(start.code).toBe(0);
  const files = drop(home, "amy", ["right-after.fake"]);
  await expectImported(home, files);

  const s = await status(home);
  expect(s.servers.map((x) => [x.name, x.state])).toEqual([
    ["MonitorServer", "running"],
    ["DropBox", "running"],
  ]);
  const list = await home.cli(["imports", "list"]);
  expect(list.stdout).toMatch(/^ID\s+USER\s+STATE\s+ATTEMPTS\s+FILES/);
  expect(list.stdout).toMatch(/1\s+amy\s+imported\s+1\s+1\s+.*amy\/right-after\.fake/);
  const show = await home.cli(["imports", "show", "1", "--json"]);
  expect(ImportJsonSchema.parse(jsonOf(show))).toMatchObject({ id: 1, user: "amy", state: "imported", files });
  const filesJson = z.array(FileJsonSchema).parse(jsonOf(await home.cli(["files", "list", "--json", "--user", "amy"])));
  expect(filesJson).toEqual([expect.objectContaining({ path: files[0], state: "imported", fileset: 1 })]);
  expect((await home.cli(["files", "list", "--state", "refused"])).stdout).toBe("no files\n");
  const missing = await home.cli(["imports", "show", "99"]);
  expect(missing).toMatchObject({ code: 1, stderr: "omero-fs: no import with id 99 (see: omero-fs imports list)\n" });
  const retry = await home.cli(["imports", "retry", "1"]);
  expect(retry.code).toBe(1);
  expect(retry.stderr).toMatch(/^omero-fs: .*already imported.*\n$/);

  // Logs land in each component's file.
  await logShows(home.dir, "MonitorServer", "right-after.fake");
  await logShows(home.dir, "DropBox", /\[DropBox\] .*imported/);
  expect(readLog(home.dir, "Node")).toMatch(/\[Node\] DropBox is ready/);
  expect(readLog(home.dir, "Node")).not.toContain("[DropBox]");
  const logs = await home.cli(["logs", "-n", "200"]);
  expect(logs.stdout).toMatch(/\[Node\][\s\S]*\[MonitorServer\][\s\S]*\[DropBox\]/);
});

test("ice server verbs on the real servers; disable persists across a node restart; catch-up after enable", async () => {
  home = makeHome({ config: CONFIG });
  expect((await home.cli(["admin", "start"])).code).toBe(0);

  // disable + stop DropBox, drop files, enable + start: imported (catch-up).
  expect((await home.cli(["admin", "ice", "server", "disable", "DropBox"])).code).toBe(0);
  expect((await home.cli(["admin", "ice", "server", "stop", "DropBox"])).stdout).toMatch(/^DropBox stopped/);
  expect(server(await status(home), "DropBox")).toMatchObject({ enabled: false, state: "stopped" });
  const whileDisabled = drop(home, "amy", ["d1.fake", "d2.fake"]);

  // The choice survives a node restart.
  expect((await home.cli(["admin", "restart"])).code).toBe(0);
  let s = await status(home);
  expect(server(s, "DropBox")).toMatchObject({ enabled: false, state: "stopped", pid: null });
  expect(server(s, "MonitorServer").state).toBe("running");
  const refused = await home.cli(["admin", "ice", "server", "start", "DropBox"]);
  expect(refused.code).toBe(1);

  expect((await home.cli(["admin", "ice", "server", "enable", "DropBox"])).code).toBe(0);
  expect((await home.cli(["admin", "ice", "server", "start", "DropBox"])).stdout).toMatch(/already running/);
  await expectImported(home, whileDisabled);

  // disable + stop both servers, drop, enable both: imported.
  for (const name of ["DropBox", "MonitorServer"]) {
    expect((await home.cli(["admin", "ice", "server", "disable", name])).code).toBe(0);
    expect((await home.cli(["admin", "ice", "server", "stop", name])).code).toBe(0);
  }
  s = await status(home);
  expect(s.servers.map((x) => [x.enabled, x.state])).toEqual([
    [false, "stopped"],
    [false, "stopped"],
  ]);
  const whileBothOff = drop(home, "bob", ["b1.fake", "b2.fake", "b3.fake"]);
  for (const name of ["MonitorServer", "DropBox"]) {
    const r = await home.cli(["admin", "ice", "server", "enable", name]);
    expect(r.stdout).toMatch(new RegExp(`^${name} enabled and started \\(pid \\d+\\)\\n$`));
  }
  await expectImported(home, [...whileDisabled, ...whileBothOff]);
  s = await status(home);
  expect(s.servers.every((x) => x.enabled && x.state === "running" && x.restarts === 0)).toBe(true);
});

test("kill -9 of each server is survived: restarted, counted, nothing lost or imported twice", async () => {
  home = makeHome({ config: CONFIG });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = drop(home, "amy", ["k0.fake"]);
  await expectImported(home, before);

  const expected = [...before];
  for (const name of ["DropBox", "MonitorServer"]) {
    const old = server(await status(home), name);
    process.kill(old.pid!, "SIGKILL");
    // Files dropped while it is down (or restarting) must still be imported.
    expected.push(...drop(home, "amy", [`${name}-down-1.fake`, `${name}-down-2.fake`]));
    const again = await waitFor(async () => {
      const x = server(await status(home), name);
      return x.state === "running" && x.pid !== old.pid ? x : null;
    }, `${name} to be restarted after kill -9`);
    expect(again.restarts).toBe(1);
    expected.push(...drop(home, "amy", [`${name}-after.fake`]));
    await expectImported(home, expected);
  }
  await logShows(home.dir, "Node", /MonitorServer \(pid \d+\) killed by signal SIGKILL/);
});

test("imports retry: through DropBox's control socket when it runs, in the ledger when it does not", async () => {
  home = makeHome({
    config: {
      ...CONFIG,
      "omero.fs.importer": "exec",
      "omero.fs.execCommand": "/bin/false {entry}",
      "omero.fs.importRetries": "0",
    },
  });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  drop(home, "amy", ["bad.fake"]);
  await waitFor(() => homeImports(home.dir, { state: "failed" }).length === 1, "the import to fail");
  const list = await home.cli(["imports", "list", "--state", "failed"]);
  expect(list.stdout).toMatch(/1\s+amy\s+failed\s+1\s+1\s+.*amy\/bad\.fake\s+exec command exited 1/);
  expect((await home.cli(["imports", "retry", "1"])).stdout).toBe("import 1 queued\n");
  await waitFor(() => {
    const i = homeImports(home.dir).find((x) => x.id === 1);
    return i?.state === "failed" && i.attempts === 2;
  }, "the retried import to run (and fail) again");
  expect(ImportJsonSchema.parse(jsonOf(await home.cli(["imports", "show", "1", "--json"])))).toMatchObject({
    state: "failed",
    attempts: 2,
  });

  expect((await home.cli(["admin", "stop"])).code).toBe(0);
  const offline = await home.cli(["imports", "retry", "1"]);
  expect(offline).toMatchObject({
    code: 0,
    stdout: "import 1 queued (DropBox is not running: it imports it when it starts)\n",
  });
  expect(ImportJsonSchema.parse(jsonOf(await home.cli(["imports", "show", "1", "--json"]))).state).toBe("queued");
  expect((await home.cli(["imports", "retry", "7"])).stderr).toMatch(/^omero-fs: no import with id 7/);
});
