import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { DiagnosticsJsonSchema, LogLineJsonSchema } from "@omero-fs/protocol";
import { waitFor } from "../helpers/wait";
import { CLI_BIN } from "../helpers/wait";
import { jsonOf, makeHome, readLog, type TestHome } from "./harness";

/**
 * The CLI's conventions (issue 21): usage errors exit 2 in our words with a help page that exists,
 * --json on every command that prints, `admin start` failing with the reason (a taken port, an
 * unusable home), no false WARN on a fresh home, all three servers on a foreground node's stderr,
 * and `admin diagnostics`.
 */

jest.setTimeout(120_000);

let home: TestHome | null = null;
afterEach(() => {
  home?.cleanup();
  home = null;
});

/** A TCP port held by this test process (as another program would hold it). */
async function holdPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) };
}

test("usage errors: exit 2, our words, the closest command, a help page that exists", async () => {
  home = makeHome();
  const cases: [string[], RegExp][] = [
    [
      ["log"],
      /^omero-fs: unknown command "log"; did you mean "logs"\? \(commands: admin, .*\)\n\(see omero-fs --help\)\n$/,
    ],
    [
      ["imports", "list", "--bogus-flag"],
      /^omero-fs: omero-fs imports list: unknown option --bogus-flag \(its options: --json, --user, --state\)\n\(see omero-fs imports list --help\)\n$/,
    ],
    [
      ["imports", "lst"],
      /^omero-fs: omero-fs imports has no subcommand "lst"; did you mean "imports list"\?.*\n\(see omero-fs imports --help\)\n$/,
    ],
    [["imports", "show"], /^omero-fs: omero-fs imports show needs <id>\n\(see omero-fs imports show --help\)\n$/],
    [["imports", "show", "0x10"], /^omero-fs: "0x10" is not an import id/],
    [["logs", "a", "b"], /^omero-fs: omero-fs logs: unexpected argument "b" \(it takes \[name\]\)\n/],
    [["logs", "--lines", "ten"], /^omero-fs: --lines needs a number/],
    [["imports", "list", "--user"], /^omero-fs: --user needs a value/],
    [["dropbox", "bogus"], /^omero-fs: omero-fs dropbox: "bogus" is not a valid action; use one of scan, sync/],
    [["admin"], /^omero-fs: Give an admin subcommand: .*\n\(see omero-fs admin --help\)\n$/],
    [[], /Commands:/],
  ];
  // Each case's CLI run at once (each a process start: seconds apiece on a loaded machine).
  const h = home;
  const runs = await Promise.all(cases.map(([args]) => h.cli(args)));
  const helpSeen = new Set<string>();
  for (const [k, [args, re]] of cases.entries()) {
    const r = runs[k]!;
    expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: "" });
    expect(r.stderr).toMatch(re);
    // Never the parser's words.
    expect(r.stderr).not.toMatch(/Did you mean|bogusFlag|Not enough non-option|Unknown argument/);
    // The help page it points to exists.
    const see = /\(see (omero-fs(?: [a-z-]+)*) --help\)/.exec(r.stderr);
    if (see && !helpSeen.has(see[1]!)) {
      helpSeen.add(see[1]!);
      const help = await home.cli([...see[1]!.split(" ").slice(1), "--help"]);
      expect({ see: see[1], code: help.code }).toEqual({ see: see[1], code: 0 });
    }
  }
  const helpVerb = await home.cli(["help", "imports", "list"]);
  expect(helpVerb.code).toBe(0);
  expect(helpVerb.stdout).toContain("--state");
});

/** Every leaf command of the CLI, found by walking the help pages. */
async function leafCommands(h: TestHome, words: string[] = []): Promise<{ words: string[]; help: string }[]> {
  const r = await h.cli([...words, "--help"]);
  const section = r.stdout.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0];
  if (!section) return [{ words, help: r.stdout }];
  // "  omero-fs imports list      List imports ..." (continuation lines of a description are indented more).
  const subs = section
    .split("\n")
    .map((l) => /^ {2}omero-fs ([a-z -]+?)(?: {2,}|$|\s+[[<])/.exec(l)?.[1]?.trim().split(" "))
    .filter((w): w is string[] => !!w && w.length === words.length + 1 && w.slice(0, -1).join(" ") === words.join(" "))
    .map((w) => w[w.length - 1]!);
  // Each level's help pages at once: about thirty CLI starts in all.
  return (await Promise.all(subs.map((s) => leafCommands(h, [...words, s])))).flat();
}

test("--json on every command that prints", async () => {
  home = makeHome();
  const leaves = await leafCommands(home);
  // The servers in the foreground print log lines, and completion prints a shell script.
  const exempt = new Set(["completion", "monitor-server"]);
  const names = leaves.map((l) => l.words.join(" "));
  expect(names).toEqual(
    expect.arrayContaining(["admin start", "admin diagnostics", "config get", "logs", "imports retry"]),
  );
  const missing = leaves.filter((l) => !exempt.has(l.words.join(" ")) && !l.help.includes("--json"));
  expect(missing.map((l) => l.words.join(" "))).toEqual([]);
});

test("a fresh home: no WARN or ERROR anywhere, and a ledger not yet created is no error", async () => {
  home = makeHome({ env: { OMERO_FS_TEST_NOTIFY_POLL_MS: "50" } });
  // A ledger file that exists before the DropBox created its tables (the DropBox is disabled).
  fs.mkdirSync(path.join(home.dir, "var", "db"), { recursive: true });
  fs.writeFileSync(path.join(home.dir, "var", "db", "dropbox.sqlite"), "");
  expect((await home.cli(["admin", "ice", "server", "disable", "DropBox"])).code).toBe(0);
  const start = await home.cli(["admin", "start", "--json"]);
  expect(start.code).toBe(0);
  const http = (jsonOf(start) as { http: string }).http;
  const metrics = await fetch(`http://${http}/metrics`);
  expect(metrics.status).toBe(200);
  expect((await fetch(`http://${http}/`)).status).toBe(200);
  // Now with the DropBox: it creates the ledger; every log stays free of warnings.
  expect((await home.cli(["admin", "ice", "server", "enable", "DropBox"])).code).toBe(0);
  expect((await home.cli(["dropbox", "sync"])).code).toBe(0);
  expect((await home.cli(["admin", "stop"])).code).toBe(0);
  for (const log of ["Node", "MonitorServer", "DropBox"] as const)
    expect({
      log,
      bad: readLog(home.dir, log)
        .split("\n")
        .filter((l) => / (WARN|ERROR) /.test(l)),
    }).toEqual({
      log,
      bad: [],
    });
});

test("admin start fails with the reason when the status page's port is taken, and leaves nothing running", async () => {
  const held = await holdPort();
  try {
    home = makeHome({ env: { OMERO_FS_HTTP_ADDRESS: `127.0.0.1:${held.port}` } });
    const r = await home.cli(["admin", "start"]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(
      `omero-fs: the status page cannot listen on 127.0.0.1:${held.port} (omero.fs.httpAddress): the port is in use by another program (see omero-fs admin diagnostics); stop it, or set another port: omero-fs config set omero.fs.httpAddress 127.0.0.1:PORT (off: no status page)`,
    );
    expect((await home.cli(["admin", "status"])).code).toBe(3);
    // Diagnostics names who holds it (this test's process, not this omero-fs).
    const d = DiagnosticsJsonSchema.parse(jsonOf(await home.cli(["admin", "diagnostics", "--json"])));
    const http = d.ports.find((p) => p.property === "omero.fs.httpAddress");
    expect(http).toMatchObject({ state: "listening", holders: [{ pid: process.pid, ours: false }] });
    expect(d.problems.join("\n")).toContain(`held by pid ${process.pid}`);
  } finally {
    await held.close();
  }
});

test("an unusable home fails at once, naming the folder (no endless mkdir, --timeout kept)", async () => {
  home = makeHome();
  const t0 = Date.now();
  const r = await home.cli(["--home", "/proc", "admin", "start", "--timeout", "5"], {}, 30_000);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^omero-fs: cannot create \/proc\/\w+: .*choose another home/);
  expect(Date.now() - t0).toBeLessThan(20_000);
  const file = path.join(home.dir, "a-file");
  fs.writeFileSync(file, "");
  const f = await home.cli(["--home", file, "admin", "start"]);
  expect(f).toMatchObject({
    code: 1,
    stderr: `omero-fs: ${file} is not a folder; choose another home (--home or OMERO_FS_HOME)\n`,
  });
});

test("a foreground node writes all three servers' lines to stderr, as JSON lines when asked", async () => {
  home = makeHome({ env: { OMERO_FS_LOG_CONSOLE_FORMAT: "json" } });
  const child = spawn(process.execPath, [CLI_BIN, "--home", home.dir, "admin", "start", "--foreground"], {
    env: home.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    err += c;
  });
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  try {
    await waitFor(() => err.includes('"node ready"'), "the node to be ready", { timeoutMs: 60_000 });
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exit).toBe(0);
  const lines = err
    .trim()
    .split("\n")
    .map((l) => LogLineJsonSchema.parse(JSON.parse(l)));
  expect(new Set(lines.map((l) => l.component))).toEqual(new Set(["Node", "MonitorServer", "DropBox"]));
  expect(lines.find((l) => l.component === "DropBox" && l.message === "DropBox ready")).toBeDefined();
});
