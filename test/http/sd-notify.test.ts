import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeHome, type TestHome } from "../cli/harness";
import { CLI_BIN, waitFor } from "../helpers/wait";

/**
 * sd_notify as systemd sees it: a Unix datagram socket at $NOTIFY_SOCKET (a python3 receiver,
 * since Node cannot bind one) gets READY=1 once the servers are up, WATCHDOG=1 pings, and
 * STOPPING=1 on SIGTERM, all naming the node's pid.
 */

jest.setTimeout(120_000);

const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const maybe = have("systemd-notify") && have("python3") ? test : test.skip;

const RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(65536).decode().replace("\\n", " ") + "\\n")
        out.flush()
`;

let home: TestHome | null = null;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  home?.cleanup();
  home = null;
});

maybe("the foreground node sends READY=1, WATCHDOG=1 and STOPPING=1 to $NOTIFY_SOCKET", async () => {
  home = makeHome({ prefix: "omero-fs-sd-" });
  const sock = path.join(home.dir, "notify.sock");
  const got = path.join(home.dir, "notify.txt");
  const receiver = spawn("python3", ["-c", RECEIVER, sock, got], { stdio: "ignore" });
  children.push(receiver);
  await waitFor(() => fs.existsSync(sock), "the notify socket");
  const node = spawn(process.execPath, [CLI_BIN, "--home", home.dir, "admin", "start", "--foreground"], {
    env: { ...home.env, NOTIFY_SOCKET: sock, WATCHDOG_USEC: "1000000" },
    stdio: "ignore",
  });
  children.push(node);
  const lines = () => (fs.existsSync(got) ? fs.readFileSync(got, "utf8") : "");
  await waitFor(() => lines().includes("READY=1"), "READY=1", { timeoutMs: 60_000 });
  expect(lines()).toContain(`MAINPID=${node.pid}`);
  expect(lines()).toMatch(/STATUS=running; http:\/\/127\.0\.0\.1:\d+\//);
  await waitFor(() => lines().includes("WATCHDOG=1"), "a watchdog ping");
  // Ready means the servers are up.
  const status = await home.cli(["admin", "status", "--json"]);
  expect(JSON.parse(status.stdout).servers.map((s: { state: string }) => s.state)).toEqual(["running", "running"]);
  node.kill("SIGTERM");
  await waitFor(() => lines().includes("STOPPING=1"), "STOPPING=1", { timeoutMs: 30_000 });
  if (node.exitCode === null && node.signalCode === null) await new Promise((r) => node.once("exit", r));
});
