import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AdminStatusJsonSchema, type AdminStatusJson } from "@omero-fs/protocol";
import { CLI_BIN, waitFor } from "../helpers/wait";
import { homeStatus, serverOf } from "../helpers/home";
import { isGone, jsonOf, logShows, makeHome, readLog, type TestHome } from "./harness";

/**
 * The node (supervisor) with stand-in servers (test/cli/fixtures/fake-server.js, through the
 * OMERO_FS_TEST_NODE_SERVER_CMD_<Name> test hook): start/stop order, the `ice server` verbs and their
 * persistence, restarts, `failed`, pid files, logs, errors. The real servers are in servers.test.ts.
 */

jest.setTimeout(120_000);

let home: TestHome;
afterEach(() => home?.cleanup());

/** `admin status --json` through the CLI (its contract: the first test). */
async function cliStatus(h: TestHome): Promise<AdminStatusJson> {
  const r = await h.cli(["admin", "status", "--json"]);
  return AdminStatusJsonSchema.parse(jsonOf(r));
}
/** The same status read in-process (test/helpers/home.ts): for waits and checks between steps. */
const status = (h: TestHome) => homeStatus(h.dir);
const server = serverOf;

test("admin start returns with every server ready; twice says already running; stop goes DropBox, MonitorServer, node", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  const start = await home.cli(["admin", "start"]);
  expect(start.stderr).toBe("");
  expect(start.code).toBe(0);
  expect(start.stdout).toMatch(/omero-fs node started in .* \(pid \d+\)/);
  expect(start.stdout).toContain(`Drop files into: ${path.join(home.dir, "data", "DropBox")}/<user>/`);

  const s = await cliStatus(home);
  expect(s.node.running).toBe(true);
  expect(s.servers.map((x) => [x.name, x.enabled, x.state, x.restarts])).toEqual([
    ["MonitorServer", true, "running", 0],
    ["DropBox", true, "running", 0],
  ]);
  for (const x of s.servers) {
    expect(x.pid).toEqual(expect.any(Number));
    expect(x.log).toBe(path.join(home.dir, "var", "log", `${x.name}.log`));
  }
  const nodePid = Number(fs.readFileSync(path.join(home.dir, "var", "run", "node.pid"), "utf8"));
  expect(s.node.pid).toBe(nodePid);
  // The run directory holds the sockets: owner only.
  expect(fs.statSync(path.join(home.dir, "var", "run")).mode & 0o777).toBe(0o700);

  const again = await home.cli(["admin", "start"]);
  expect(again).toMatchObject({ code: 0, stdout: `omero-fs node already running in ${home.dir} (pid ${nodePid})\n` });

  const stop = await home.cli(["admin", "stop"]);
  expect(stop).toMatchObject({ code: 0, stdout: `omero-fs node stopped (was pid ${nodePid})\n` });
  const log = readLog(home.dir, "Node");
  const order = [
    "stopping DropBox",
    "DropBox stopped",
    "stopping MonitorServer",
    "MonitorServer stopped",
    "node stopped",
  ];
  const at = order.map((m) => log.indexOf(m));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  expect(fs.existsSync(path.join(home.dir, "var", "run", "node.pid"))).toBe(false);
  for (const x of s.servers) expect(isGone(x.pid!)).toBe(true);

  const off = await home.cli(["admin", "status", "--json"]);
  expect(off.code).toBe(3);
  const offStatus = AdminStatusJsonSchema.parse(jsonOf(off));
  expect(offStatus.node).toEqual({ pid: null, running: false });
  expect(offStatus.servers.map((x) => x.state)).toEqual(["stopped", "stopped"]);
});

test("a stale pid file (process gone) is detected and cleaned by admin start", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
  fs.mkdirSync(path.join(home.dir, "var", "run"), { recursive: true });
  fs.writeFileSync(path.join(home.dir, "var", "run", "node.pid"), `${gone}\n`);
  const st = await home.cli(["admin", "status"]);
  expect(st.code).toBe(3);
  expect(st.stdout).toContain("not running");
  fs.writeFileSync(path.join(home.dir, "var", "run", "node.pid"), `${gone}\n`);
  const start = await home.cli(["admin", "start"]);
  expect(start.code).toBe(0);
  expect(start.stdout).toContain(`removed a stale pid file (process ${gone} is gone)`);
  expect((await status(home)).node.running).toBe(true);
});

test("ice server verbs: stop/start, disable refuses start, enable starts; disable survives a node restart", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  expect((await home.cli(["admin", "start"])).code).toBe(0);

  const stop = await home.cli(["admin", "ice", "server", "stop", "DropBox"]);
  expect(stop).toMatchObject({ code: 0, stderr: "" });
  expect(stop.stdout).toMatch(/^DropBox stopped \(was pid \d+\)\n$/);
  let s = await status(home);
  expect(server(s, "DropBox")).toMatchObject({ enabled: true, state: "stopped", pid: null });
  expect(server(s, "MonitorServer").state).toBe("running");

  const start = await home.cli(["admin", "ice", "server", "start", "DropBox"]);
  expect(start.stdout).toMatch(/^DropBox started \(pid \d+\)\n$/);
  expect(server(await status(home), "DropBox").state).toBe("running");
  expect((await home.cli(["admin", "ice", "server", "start", "DropBox"])).stdout).toMatch(/already running/);

  const disable = await home.cli(["admin", "ice", "server", "disable", "DropBox"]);
  expect(disable.stdout).toContain("DropBox disabled; it is still running");
  expect(server(await status(home), "DropBox")).toMatchObject({ enabled: false, state: "running" });
  await home.cli(["admin", "ice", "server", "stop", "DropBox"]);
  const refused = await home.cli(["admin", "ice", "server", "start", "DropBox"]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toBe(
    "omero-fs: DropBox is disabled; enable it first: omero-fs admin ice server enable DropBox\n",
  );

  // The choice survives a node restart: a disabled server is not started at node start.
  const restart = await home.cli(["admin", "restart"]);
  expect(restart.code).toBe(0);
  s = await status(home);
  expect(server(s, "DropBox")).toMatchObject({ enabled: false, state: "stopped", pid: null });
  expect(server(s, "MonitorServer").state).toBe("running");
  const list = await home.cli(["admin", "ice", "server", "list"]);
  expect(list.stdout).toMatch(/DropBox\s+no\s+stopped/);

  const enable = await home.cli(["admin", "ice", "server", "enable", "dropbox"]);
  expect(enable.stdout).toMatch(/^DropBox enabled and started \(pid \d+\)\n$/);
  expect(server(await status(home), "DropBox")).toMatchObject({ enabled: true, state: "running" });
  expect((await home.cli(["admin", "ice", "server", "enable", "DropBox"])).stdout).toBe("DropBox is already enabled\n");
  expect(JSON.parse(fs.readFileSync(path.join(home.dir, "var", "node-state.json"), "utf8"))).toEqual({
    enabled: { MonitorServer: true, DropBox: true },
  });

  // `stop` is not persisted: an enabled, stopped server is started again at the next node start.
  await home.cli(["admin", "ice", "server", "stop", "MonitorServer"]);
  expect(server(await status(home), "MonitorServer").state).toBe("stopped");
  await home.cli(["admin", "restart"]);
  expect(server(await status(home), "MonitorServer").state).toBe("running");
});

test("enable/disable work without a node (stored for the next start); start/stop need one", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  const d = await home.cli(["admin", "ice", "server", "disable", "MonitorServer"]);
  expect(d).toMatchObject({ code: 0 });
  expect(d.stdout).toContain("takes effect at the next omero-fs admin start");
  const stop = await home.cli(["admin", "ice", "server", "stop", "DropBox"]);
  expect(stop).toMatchObject({
    code: 1,
    stdout: "",
    stderr: `omero-fs: the node is not running in ${home.dir} (start it with: omero-fs admin start)\n`,
  });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const s = await status(home);
  expect(server(s, "MonitorServer")).toMatchObject({ enabled: false, state: "stopped" });
  expect(server(s, "DropBox").state).toBe("running");
});

test("kill -9 of a server: restarted with backoff, restart counted, reason logged", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  for (const name of ["DropBox", "MonitorServer"]) {
    const before = server(await status(home), name);
    process.kill(before.pid!, "SIGKILL");
    const after = await waitFor(async () => {
      const x = server(await status(home), name);
      return x.state === "running" && x.pid !== before.pid ? x : null;
    }, `${name} to be restarted`);
    expect(after.restarts).toBe(1);
  }
  await logShows(
    home.dir,
    "Node",
    /DropBox \(pid \d+\) killed by signal SIGKILL after [\d.]+ s; last output: .*; restarting in 0\.1 s/,
  );
});

test("kill -9 of the node: status says not running; the next start stops the orphaned servers first", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = await status(home);
  process.kill(before.node.pid!, "SIGKILL");
  await waitFor(async () => !(await status(home)).node.running, "status to see the node gone");
  expect((await home.cli(["admin", "status"])).code).toBe(3);
  // The servers outlive it (own process groups) until the next node stops them.
  for (const x of before.servers) expect(isGone(x.pid!)).toBe(false);
  const start = await home.cli(["admin", "start"]);
  expect(start.code).toBe(0);
  for (const x of before.servers) expect(isGone(x.pid!)).toBe(true);
  await logShows(home.dir, "Node", /DropBox \(pid \d+\) was left running by a previous node: stopping it/);
  const after = await status(home);
  expect(after.servers.every((x) => x.state === "running")).toBe(true);

  // admin stop after another kill -9 of the node stops the orphans too.
  process.kill(after.node.pid!, "SIGKILL");
  await waitFor(() => isGone(after.node.pid!), "the node to be gone");
  const stop = await home.cli(["admin", "stop"]);
  expect(stop.stdout).toMatch(/stopped servers left behind by a crashed node \(pids \d+, \d+\)/);
  for (const x of after.servers) expect(isGone(x.pid!)).toBe(true);
});

test("a crash-looping server ends failed with its reason; ice server start clears failed", async () => {
  home = makeHome({
    fakes: { MonitorServer: "ok", DropBox: "crash" },
    env: { OMERO_FS_TEST_NODE_FAIL_THRESHOLD: "3" },
  });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  // From now on the fake DropBox crashes as soon as it is ready, every time.
  fs.writeFileSync(path.join(home.dir, "crash"), "");
  const failed = await waitFor(async () => {
    const x = server(await status(home), "DropBox");
    return x.state === "failed" ? x : null;
  }, "DropBox to be marked failed");
  expect(failed.pid).toBeNull();
  expect(failed.restarts).toBe(2);
  const human = await home.cli(["admin", "status"]);
  expect(human.code).toBe(2); // for health checks: an enabled server failed
  expect(human.stdout).toMatch(/DropBox\s+yes\s+failed/);
  expect(human.stdout).toMatch(
    /DropBox: gave up after 3 failures in a row.*exited with code 3.*fake DropBox crashed|at crash/,
  );
  const reason = (jsonOf(await home.cli(["admin", "status", "--json"])) as { servers: { reason: string }[] }).servers[1]
    .reason;
  expect(reason).toMatch(/exited with code 3 after [\d.]+ s; last output: .*at crash/);
  // The crash trace is in DropBox's own log, not in the others.
  await logShows(home.dir, "DropBox", /ERROR \[DropBox\] \(stderr\) Error: fake DropBox crashed/);
  expect(readLog(home.dir, "MonitorServer")).not.toContain("crashed");
  await logShows(home.dir, "Node", "left stopped (start it again with: omero-fs admin ice server start DropBox)");
  const logs = await home.cli(["logs", "DropBox", "-n", "5"]);
  expect(logs.code).toBe(0);
  expect(logs.stdout).toContain("fake DropBox crashed");

  // MonitorServer is unaffected; `start` clears failed (it starts, then the fake crashes again).
  expect(server(await status(home), "MonitorServer").state).toBe("running");
  home.fake("DropBox", "ok"); // the CLI's env; the node keeps its own, so this changes nothing there
  const again = await home.cli(["admin", "ice", "server", "start", "DropBox"]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/DropBox started/);
});

test("a server that fails to start: admin start exits non-zero with its last log lines and stops the node", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "early-exit" } });
  const r = await home.cli(["admin", "start"]);
  expect(r.code).toBe(1);
  const lines = r.stderr.split("\n");
  expect(lines[0]).toBe("omero-fs: DropBox failed to start; the node was stopped");
  expect(r.stderr).toMatch(
    /DropBox: failed to start: exited with code 2 after [\d.]+ s; last output: .*configuration is broken/,
  );
  expect(r.stderr).toContain(`--- last lines of ${path.join(home.dir, "var", "log", "DropBox.log")} ---`);
  expect(fs.existsSync(path.join(home.dir, "var", "run", "node.pid"))).toBe(false);
  expect((await home.cli(["admin", "status"])).code).toBe(3);
});

test("admin start --foreground runs the node in the process; SIGTERM stops everything in order", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  const child = spawn(process.execPath, [CLI_BIN, "--home", home.dir, "admin", "start", "--foreground"], {
    env: home.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const s = await waitFor(async () => {
    const x = await status(home);
    return x.servers.every((y) => y.state === "running") ? x : null;
  }, "both servers running under the foreground node");
  expect(s.node.pid).toBe(child.pid);
  // Logs go to stderr too in the foreground.
  expect(stderr).toContain("[Node] DropBox is ready");
  const second = await home.cli(["admin", "start", "--foreground"]);
  expect(second.code).toBe(1);
  expect(second.stderr).toBe(`omero-fs: a node is already running in ${home.dir} (pid ${child.pid})\n`);
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(stderr.indexOf("DropBox stopped")).toBeLessThan(stderr.indexOf("MonitorServer stopped"));
  for (const x of s.servers) expect(isGone(x.pid!)).toBe(true);
});

test("a home too deep for a Unix socket path: sockets in a short fallback directory, shown in status", async () => {
  const base = makeHome({ prefix: "omero-fs-deep-" });
  const deep = path.join(base.dir, "a".repeat(60), "b".repeat(60));
  fs.mkdirSync(deep, { recursive: true });
  home = makeHome({ dir: deep, fakes: { MonitorServer: "ok", DropBox: "ok" } });
  try {
    const start = await home.cli(["admin", "start"]);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/sockets: \/tmp\/omero-fs-[0-9a-f]+ \(the home path is too long for Unix sockets\)/);
    const human = await home.cli(["admin", "status"]);
    expect(human.stdout).toMatch(/sockets: \/tmp\/omero-fs-[0-9a-f]+/);
    await logShows(deep, "Node", "too long for Unix socket paths");
  } finally {
    home.cleanup();
    base.cleanup();
  }
});

test("CLI errors: one line on stderr, non-zero exit", async () => {
  home = makeHome();
  // Usage errors (a name or state that does not exist) exit 2; a command that cannot do its job, 1.
  const cases: [string[], number, RegExp][] = [
    [
      ["admin", "ice", "server", "stop", "Foo"],
      2,
      /^omero-fs: unknown server "Foo"; valid names: MonitorServer, DropBox\n$/,
    ],
    [
      ["admin", "ice", "server", "start", "DropBox"],
      1,
      /^omero-fs: the node is not running in .* \(start it with: omero-fs admin start\)\n$/,
    ],
    [
      ["imports", "list", "--state", "done"],
      2,
      /^omero-fs: unknown import state "done"; valid states: waiting, queued, importing, imported, failed, incomplete, cancelled\n$/,
    ],
    [
      ["files", "list", "--state", "lost"],
      2,
      /^omero-fs: unknown file state "lost"; valid states: pending, grouped, imported, ignored, refused, existing\n$/,
    ],
    [["logs", "Nodes"], 2, /^omero-fs: unknown log "Nodes"; valid names: Node, MonitorServer, DropBox\n$/],
    [["imports", "show", "1"], 1, /^omero-fs: no DropBox has run in .* yet/],
  ];
  for (const [args, code, re] of cases) {
    const r = await home.cli(args);
    expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code, stderr: expect.stringMatching(re) });
  }
  // Lists of a home where no DropBox ran are empty, not errors.
  const empty = await home.cli(["imports", "list", "--json"]);
  expect({ code: empty.code, stdout: empty.stdout }).toEqual({ code: 0, stdout: "[]\n" });
  const emptyFiles = await home.cli(["files", "list", "--json"]);
  expect({ code: emptyFiles.code, stdout: emptyFiles.stdout }).toEqual({ code: 0, stdout: "[]\n" });
  const unknown = await home.cli(["frobnicate"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr.split("\n")[0]).toMatch(/^omero-fs: /);
  const help = await home.cli(["admin", "ice", "server", "--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("enable <name>");
});
