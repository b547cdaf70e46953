import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type AdminStatusJson, AdminStatusJsonSchema } from "@omero-fs/protocol";
import { waitFor } from "../helpers/wait";
import { isGone, jsonOf, makeHome, readLog, type TestHome } from "./harness";

/**
 * Operations hardening outside the DropBox engine (issue 11): orphaned servers after a kill -9 of
 * the node, with real processes (stand-in servers where the servers' own work does not matter).
 */

jest.setTimeout(120_000);

let home: TestHome;
const extra: number[] = [];
afterEach(() => {
  home?.cleanup();
  for (const pid of extra.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

async function status(h: TestHome): Promise<{ code: number | null; json: AdminStatusJson }> {
  const r = await h.cli(["admin", "status", "--json"]);
  return { code: r.code, json: AdminStatusJsonSchema.parse(jsonOf(r)) };
}
const server = (s: AdminStatusJson, name: string) => s.servers.find((x) => x.name === name)!;

test("kill -9 of the node: status shows each live server orphaned with its pid (exit 3); admin start stops them first", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = (await status(home)).json;
  process.kill(before.node.pid!, "SIGKILL");
  await waitFor(() => isGone(before.node.pid!), "the node to be gone");

  const after = await status(home);
  expect(after.code).toBe(3);
  const raw = jsonOf(await home.cli(["admin", "status", "--json"])) as { servers: { reason: string }[] };
  expect(after.json.node).toMatchObject({ running: false, pid: null });
  for (const name of ["MonitorServer", "DropBox"]) {
    const s = server(after.json, name);
    expect(s.state).toBe("orphaned");
    expect(s.pid).toBe(server(before, name).pid);
  }
  for (const s of raw.servers) expect(s.reason).toMatch(/left running by a node that is gone .*admin start/);
  const text = await home.cli(["admin", "status"]);
  expect(text.code).toBe(3);
  expect(text.stdout).toMatch(/omero-fs node: not running in /);
  expect(text.stdout).toMatch(new RegExp(`DropBox\\s+yes\\s+orphaned\\s+${server(before, "DropBox").pid}`));
  expect(text.stdout).not.toMatch(/\bstopped\b/);

  const start = await home.cli(["admin", "start"]);
  expect(start.code).toBe(0);
  expect(start.stdout).toContain(
    `stopped DropBox (pid ${server(before, "DropBox").pid}), left running by a node that is gone`,
  );
  expect(start.stdout).toContain(
    `stopped MonitorServer (pid ${server(before, "MonitorServer").pid}), left running by a node that is gone`,
  );
  for (const x of before.servers) expect(isGone(x.pid!)).toBe(true);
  const now = (await status(home)).json;
  expect(now.servers.map((s) => s.state)).toEqual(["running", "running"]);
  // One of each, and they are the new ones.
  for (const x of now.servers) expect(before.servers.map((b) => b.pid)).not.toContain(x.pid);
});

test("a recorded pid that is not that server of this home is never reported as orphaned nor signalled", async () => {
  home = makeHome({ fakes: { MonitorServer: "ok", DropBox: "ok" } });
  const run = path.join(home.dir, "var", "run");
  fs.mkdirSync(run, { recursive: true });
  // A recycled pid: another program entirely.
  const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  extra.push(other.pid!);
  // Another home's DropBox (same words, another --home), and this home's DropBox recorded as MonitorServer.
  const elsewhere = spawn(
    process.execPath,
    ["-e", "setInterval(() => {}, 1000)", "--", "--home", `${home.dir}-other`, "dropbox"],
    { stdio: "ignore" },
  );
  extra.push(elsewhere.pid!);
  fs.writeFileSync(path.join(run, "DropBox.pid"), `${other.pid}\n`);
  fs.writeFileSync(path.join(run, "MonitorServer.pid"), `${elsewhere.pid}\n`);

  const s = await status(home);
  expect(s.json.servers.map((x) => [x.name, x.state, x.pid])).toEqual([
    ["MonitorServer", "stopped", null],
    ["DropBox", "stopped", null],
  ]);
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  expect(isGone(other.pid!)).toBe(false);
  expect(isGone(elsewhere.pid!)).toBe(false);
  expect(readLog(home.dir, "Node")).not.toMatch(/was left running by a previous node/);
  expect((await home.cli(["admin", "stop"])).code).toBe(0);
  expect(isGone(other.pid!)).toBe(false);
});
