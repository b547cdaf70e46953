/**
 * Run one child process with argv only (never a shell), stream its output lines to a callback,
 * and kill it at a deadline or on abort: SIGTERM to its whole process group, then SIGKILL after
 * a grace period. The group matters for `omero import`: the Python CLI starts a Java child that
 * a SIGTERM to Python alone would leave running.
 */
import { spawn } from "node:child_process";

export interface RunProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Wait this long after SIGTERM before SIGKILL. */
  killGraceMs: number;
  /** Each complete output line (without newline), as it arrives. */
  onLine?: (stream: "stdout" | "stderr", line: string) => void;
  /** Keep at most this many lines per stream in the result (oldest dropped). */
  keepLines?: number;
  /** The child runs: its pid, which is its process group (it is started detached). */
  onSpawn?: (pid: number) => void;
  /**
   * A line on the child's stdin once onSpawn has returned (then stdin is closed): the exec runner
   * starts the command only then, so nothing runs that the DropBox has not recorded.
   */
  goLine?: boolean;
}

export interface RunProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** spawn failed (e.g. ENOENT: command not found): the error code/message. */
  spawnError: { code: string; message: string } | null;
  stdout: string[];
  stderr: string[];
  pid: number | null;
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

export function runProcess(file: string, args: readonly string[], o: RunProcessOptions): Promise<RunProcessResult> {
  const keep = o.keepLines ?? 200;
  return new Promise((resolve) => {
    const out: Record<"stdout" | "stderr", string[]> = { stdout: [], stderr: [] };
    const partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
    let timedOut = false;
    let aborted = false;
    let spawnError: RunProcessResult["spawnError"] = null;
    let killTimer: NodeJS.Timeout | null = null;
    let settled = false;

    const pushLine = (stream: "stdout" | "stderr", line: string) => {
      const l = line.endsWith("\r") ? line.slice(0, -1) : line;
      out[stream].push(l);
      if (out[stream].length > keep) out[stream].shift();
      o.onLine?.(stream, l);
    };

    const child = spawn(file, [...args], {
      cwd: o.cwd,
      env: o.env ?? process.env,
      shell: false,
      // own process group, so a kill reaches the grandchildren (Java under the omero CLI)
      detached: true,
      stdio: [o.goLine ? "pipe" : "ignore", "pipe", "pipe"],
    });

    if (child.pid !== undefined) o.onSpawn?.(child.pid);
    if (o.goLine && child.stdin) {
      // A child that is already gone must not take the DropBox with it (EPIPE).
      child.stdin.on("error", () => undefined);
      child.stdin.end("go\n");
    }

    const terminate = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => {
        if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
      }, o.killGraceMs);
    };

    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, o.timeoutMs);
    const onAbort = () => {
      aborted = true;
      terminate();
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener("abort", onAbort, { once: true });

    for (const stream of ["stdout", "stderr"] as const) {
      child[stream]!.setEncoding("utf8");
      child[stream]!.on("data", (chunk: string) => {
        const parts = (partial[stream] + chunk).split("\n");
        partial[stream] = parts.pop()!;
        for (const p of parts) pushLine(stream, p);
      });
    }

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      for (const stream of ["stdout", "stderr"] as const) {
        if (partial[stream] !== "") pushLine(stream, partial[stream]);
        partial[stream] = "";
      }
      // The leader is gone; make sure nothing it started outlives it (a Java import left behind).
      if (child.pid !== undefined && (timedOut || aborted)) killGroup(child.pid, "SIGKILL");
      if (killTimer) clearTimeout(killTimer);
      resolve({
        exitCode,
        signal,
        timedOut,
        aborted,
        spawnError,
        stdout: out.stdout,
        stderr: out.stderr,
        pid: child.pid ?? null,
      });
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError = { code: e.code ?? "ERROR", message: e.message };
      // 'close' may not follow a spawn failure
      if (child.pid === undefined) finish(null, null);
    });
    child.on("close", (code, sig) => finish(code, sig));
  });
}

/** One-line description of how a run ended, for ImportOutcome.error. */
export function describeEnd(what: string, r: RunProcessResult, timeoutMs: number, reason: string | null): string {
  if (r.spawnError) return `${what} could not start: ${r.spawnError.message}`;
  if (r.timedOut) return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (r.aborted) return `${what} aborted (DropBox stopping)`;
  const how = r.exitCode !== null ? `exited ${r.exitCode}` : `killed by ${r.signal}`;
  return reason ? `${what} ${how}: ${reason}` : `${what} ${how}`;
}
