import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CLI_BIN, tempDir, waitShows } from "../helpers/wait";

/** End-to-end harness for the node: a temporary home and the compiled CLI run as a real process. */

export const FAKE_SERVER = path.join(__dirname, "fixtures", "fake-server.js");
export type FakeMode = "ok" | "crash" | "early-exit";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Run `omero-fs --home <dir> ...args` and wait for it. */
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<CliResult>;
  /** Replace a server by the fake (test hook OMERO_FS_TEST_NODE_SERVER_CMD_<Name>), or back (null). */
  fake(name: "MonitorServer" | "DropBox", mode: FakeMode | null): void;
  /** `admin stop`, then SIGKILL whatever the pid files still name, then remove the home. */
  cleanup(): void;
}

export interface HomeOptions {
  prefix?: string;
  /** Values for etc/config.json (full omero.fs.* names). */
  config?: Record<string, string>;
  fakes?: Partial<Record<"MonitorServer" | "DropBox", FakeMode>>;
  env?: NodeJS.ProcessEnv;
  /** Use this directory instead of a fresh temporary one (e.g. a very deep path). */
  dir?: string;
}

/** The environment without the caller's OMERO_FS_* settings (the home comes from --home). */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
}

function pidsOf(dir: string): number[] {
  const run = path.join(dir, "var", "run");
  const out: number[] = [];
  for (const f of ["DropBox.pid", "MonitorServer.pid", "node.pid"]) {
    try {
      const pid = Number(fs.readFileSync(path.join(run, f), "utf8").trim());
      if (Number.isInteger(pid) && pid > 0) out.push(pid);
    } catch {
      // none
    }
  }
  return out;
}

/** Pids of processes started for this home (`--home <dir>` in their command line): a node or a
 * server that a timed-out test left starting after its pid files were read. */
function processesOfHome(dir: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const i = argv.indexOf("--home");
      if (i >= 0 && argv[i + 1] === dir && Number(entry) !== process.pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export function makeHome(opts: HomeOptions = {}): TestHome {
  const t = opts.dir
    ? { dir: opts.dir, cleanup: () => fs.rmSync(opts.dir!, { recursive: true, force: true }) }
    : tempDir(opts.prefix ?? "omero-fs-cli-");
  const dir = t.dir;
  fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
  if (opts.config) fs.writeFileSync(path.join(dir, "etc", "config.json"), JSON.stringify(opts.config, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    // Short restart backoff so restart paths run in well under a second.
    OMERO_FS_TEST_NODE_BACKOFF_MS: "100",
    OMERO_FS_TEST_NODE_BACKOFF_MAX_MS: "400",
    // Any free port: tests run nodes in parallel (the default is 127.0.0.1:4095).
    OMERO_FS_HTTP_ADDRESS: "127.0.0.1:0",
    ...opts.env,
  };
  const home: TestHome = {
    dir,
    env,
    cli(args, extraEnv = {}, timeoutMs = 90_000) {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          [CLI_BIN, "--home", dir, ...args],
          { env: { ...env, ...extraEnv }, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) });
          },
        );
      });
    },
    fake(name, mode) {
      const key = `OMERO_FS_TEST_NODE_SERVER_CMD_${name}`;
      if (mode === null) delete env[key];
      else env[key] = JSON.stringify([process.execPath, FAKE_SERVER, "--mode", mode]);
    },
    cleanup() {
      if (fs.existsSync(path.join(dir, "var", "run", "node.pid"))) {
        spawnSync(process.execPath, [CLI_BIN, "--home", dir, "admin", "stop"], { env, timeout: 40_000 });
      }
      for (const pid of [...pidsOf(dir), ...processesOfHome(dir)]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      t.cleanup();
    },
  };
  for (const [name, mode] of Object.entries(opts.fakes ?? {})) home.fake(name as "MonitorServer" | "DropBox", mode);
  return home;
}

/** Parse a CLI's JSON stdout, with the output in the error when it is not JSON. */
export function jsonOf(r: CliResult): unknown {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  }
}

export type LogName = "Node" | "MonitorServer" | "DropBox";

export function readLog(dir: string, name: LogName): string {
  try {
    return fs.readFileSync(path.join(dir, "var", "log", `${name}.log`), "utf8");
  } catch {
    return "";
  }
}

/** Wait until var/log/<name>.log shows `pattern` (the servers write it behind the state they report). */
export function logShows(dir: string, name: LogName, pattern: string | RegExp, timeoutMs?: number): Promise<true> {
  return waitShows(() => readLog(dir, name), pattern, `${name}.log`, timeoutMs);
}

/** A process is gone when it does not exist or is a zombie (exited, not yet reaped by its adopter). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true;
  }
}
