import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CLI_BIN, waitFor } from "../helpers/wait";
import { cleanEnv, makeHome, type TestHome } from "./harness";

/** `omero-fs logs`: last lines, all three merged by time, and --follow across a rotation. */

jest.setTimeout(60_000);

let home: TestHome;
afterEach(() => home?.cleanup());

const line = (t: string, c: string, m: string) => `2026-01-01T00:00:${t}.000Z INFO  [${c}] ${m}\n`;

test("logs NAME prints its last lines; logs (no name) merges the three by time", async () => {
  home = makeHome();
  const log = path.join(home.dir, "var", "log");
  fs.mkdirSync(log, { recursive: true });
  fs.writeFileSync(path.join(log, "Node.log"), line("01", "Node", "n1") + line("04", "Node", "n2"));
  fs.writeFileSync(path.join(log, "MonitorServer.log"), line("02", "MonitorServer", "m1"));
  fs.writeFileSync(path.join(log, "DropBox.log"), line("03", "DropBox", "d1") + line("05", "DropBox", "d2"));
  const all = await home.cli(["logs"]);
  expect(
    all.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ").pop()),
  ).toEqual(["n1", "m1", "d1", "n2", "d2"]);
  expect((await home.cli(["logs", "dropbox", "-n", "1"])).stdout).toBe(line("05", "DropBox", "d2"));
  const none = makeHome();
  try {
    expect((await none.cli(["logs", "Node"])).stderr).toMatch(/^omero-fs: no Node log in .* yet/);
  } finally {
    none.cleanup();
  }
});

test("logs --follow keeps printing through a rotation (X.log -> X1.log, new X.log) without losing lines", async () => {
  home = makeHome();
  const dir = path.join(home.dir, "var", "log");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "DropBox.log");
  fs.writeFileSync(file, "old line\n");
  const child = spawn(process.execPath, [CLI_BIN, "--home", home.dir, "logs", "DropBox", "--follow", "-n", "1"], {
    env: cleanEnv(),
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  try {
    await waitFor(() => out.includes("old line"), "the last line first");
    fs.appendFileSync(file, "one\n");
    await waitFor(() => out.includes("one\n"), "an appended line");
    // Written just before the rename: must still be printed from the rotated file.
    fs.appendFileSync(file, "two\n");
    fs.renameSync(file, path.join(dir, "DropBox1.log"));
    fs.writeFileSync(file, "three\n");
    await waitFor(() => out.includes("three\n"), "a line of the new file");
    fs.appendFileSync(file, "four\n");
    await waitFor(() => out.includes("four\n"), "a later line of the new file");
    expect(out).toBe("old line\none\ntwo\nthree\nfour\n");
  } finally {
    child.kill("SIGTERM");
  }
});
