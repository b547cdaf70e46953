import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type AdminStatusJson, AdminStatusJsonSchema } from "@omero-fs/protocol";
import { homeImports } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { isGone, jsonOf, logShows, makeHome, readLog, type TestHome } from "./harness";

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

/** Control characters (but newlines) and bidi overrides in a text, as code points. */
function controlChars(s: string): number[] {
  return [...s].map((c) => c.codePointAt(0)!).filter((c) => (c < 0x20 && c !== 0x0a) || c === 0x7f || c === 0x202e);
}

/** Quick imports: half a second of quiet, no throttle, the embedded (local) importer. */
const QUICK = {
  "omero.fs.dirImportWait": "0.5",
  "omero.fs.settleTime": "0.5",
  "omero.fs.throttleImport": "0",
  "omero.fs.importer": "local",
};

test("hostile names: every table escapes control characters (no forged row, no ESC); --json and the files stay exact", async () => {
  home = makeHome({ config: QUICK });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const dir = path.join(home.dir, "data", "DropBox", "amy");
  fs.mkdirSync(dir, { recursive: true });
  const names = ["evil\nimported  amy  1 B  9  forged.fake", "esc\x1b[2J\x1b[31mred.fake", "tab\there\u202egpj.fake"];
  const paths = names.map((n) => path.join(dir, n));
  for (const p of paths) fs.writeFileSync(p, "x");
  await waitFor(
    () => {
      const l = homeImports(home.dir);
      return l.length === 3 && l.every((i) => i.state === "imported");
    },
    "the three files to be imported",
    { timeoutMs: 60_000 },
  );
  const list = JSON.parse((await home.cli(["imports", "list", "--json"])).stdout) as { id: number; files: string[] }[];
  // --json: the exact names.
  expect(list.flatMap((i) => i.files).sort()).toEqual([...paths].sort());
  const files = JSON.parse((await home.cli(["files", "list", "--json"])).stdout) as { path: string }[];
  expect(files.map((f) => f.path).sort()).toEqual([...paths].sort());

  const escaped = [
    "evil\\nimported  amy  1 B  9  forged.fake",
    "esc\\x1b[2J\\x1b[31mred.fake",
    "tab\\there\\u202egpj.fake",
  ];
  // `logs` reads DropBox.log, written behind the ledger.
  for (const e of escaped) await logShows(home.dir, "DropBox", e);
  const tables = {
    imports: await home.cli(["imports", "list"]),
    files: await home.cli(["files", "list"]),
    show: await home.cli(["imports", "show", String(list.find((i) => i.files[0] === paths[1])!.id)]),
    logs: await home.cli(["logs", "DropBox", "-n", "500"]),
  };
  for (const [what, r] of Object.entries(tables)) {
    expect({ what, code: r.code }).toEqual({ what, code: 0 });
    // Nothing but newlines and printable text reaches the terminal.
    expect({ what, control: controlChars(r.stdout) }).toEqual({ what, control: [] });
  }
  // One row per import / file: the newline in a name forged none.
  expect(tables.imports.stdout.trim().split("\n")).toHaveLength(1 + 3 + 1);
  expect(tables.files.stdout.trim().split("\n")).toHaveLength(1 + 3 + 1);
  for (const e of escaped) {
    expect(tables.imports.stdout).toContain(`amy/${e}`);
    expect(tables.files.stdout).toContain(`${dir}/${e}`);
    expect(tables.logs.stdout).toContain(e);
  }
  expect(tables.show.stdout).toContain(`  entry:      ${dir}/${escaped[1]}`);
  expect(tables.show.stdout).toContain("  user:       amy (watch 1)");
  // The log file itself holds the same escapes (formatLine), not the raw characters.
  expect(controlChars(readLog(home.dir, "DropBox"))).toEqual([]);
});

test("mistyped import ids: one clear line, exit 1, no stack trace; config set while the node runs says admin reload (or restart) applies it", async () => {
  home = makeHome({ config: QUICK });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  for (const verb of ["retry", "show"]) {
    for (const bad of ["abc", "0", "1.5", "1e3", "0x10", "99999999999999999999"]) {
      const r = await home.cli(["imports", verb, bad]);
      expect({ verb, bad, code: r.code, stdout: r.stdout }).toEqual({ verb, bad, code: 2, stdout: "" });
      expect(r.stderr).toBe(
        `omero-fs: "${bad}" is not an import id; give the number shown by omero-fs imports list (e.g. omero-fs imports show 12)\n`,
      );
    }
    const missing = await home.cli(["imports", verb, "99999"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^omero-fs: no import with id 99999 \(see:? `?omero-fs imports list`?\)\n$/);
  }
  const set = await home.cli(["config", "set", "dirImportWait", "5"]);
  expect(set.code).toBe(0);
  expect(set.stdout).toContain(
    "note: the node is running: apply it with omero-fs admin reload (the servers keep running)",
  );
  expect((await home.cli(["config", "unset", "dirImportWait"])).stdout).toContain("omero-fs admin reload");
  const restartOnly = await home.cli(["config", "set", "importer", "exec"]);
  expect(restartOnly.stdout).toContain(
    "note: the node is running; omero.fs.importer is read when the servers start: apply it with omero-fs admin restart (omero-fs admin reload does not apply it)",
  );
  expect((await home.cli(["config", "unset", "importer"])).stdout).toContain("apply it with omero-fs admin restart");
  await home.cli(["admin", "stop"]);
  expect((await home.cli(["config", "set", "dirImportWait", "5"])).stdout).not.toContain("note:");
  // No node: the one-line error has one prefix.
  const r = await home.cli(["admin", "ice", "server", "start", "DropBox"]);
  expect(r.stderr).toBe(`omero-fs: the node is not running in ${home.dir} (start it with: omero-fs admin start)\n`);
});
