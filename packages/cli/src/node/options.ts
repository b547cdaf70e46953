import { SERVER_NAMES, type ServerName } from "@omero-fs/protocol";
import type { RestartPolicy } from "./policy";

/**
 * Everything the node can be tuned with, resolved once from the environment (STYLE.md 9). The
 * OMERO_FS_TEST_NODE_* variables are test hooks (STYLE.md 7): they shrink delays so the restart and
 * failure paths run in seconds. Operators do not need them.
 */
export interface NodeOptions {
  policy: RestartPolicy;
  /** How long a server has to send its ready message before the start counts as failed. */
  readyTimeoutMs: number;
  /** SIGTERM -> SIGKILL deadline per server. */
  stopTimeoutMs: Record<ServerName, number>;
  /** argv replacing `node <omero-fs> --home H <server>` for a server (test hook). */
  commandOverride: Partial<Record<ServerName, string[]>>;
}

function num(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${JSON.stringify(raw)}: expected a number >= 0`);
  return n;
}

/** Parse the node's options from an environment. Pure. */
export function nodeOptionsFromEnv(env: NodeJS.ProcessEnv): NodeOptions {
  const commandOverride: Partial<Record<ServerName, string[]>> = {};
  for (const name of SERVER_NAMES) {
    const raw = env[`OMERO_FS_TEST_NODE_SERVER_CMD_${name}`];
    if (!raw) continue;
    let argv: unknown;
    try {
      argv = JSON.parse(raw);
    } catch {
      argv = null;
    }
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")) {
      throw new Error(`OMERO_FS_TEST_NODE_SERVER_CMD_${name}: expected a JSON array of strings (argv)`);
    }
    commandOverride[name] = argv;
  }
  return {
    policy: {
      backoffBaseMs: num(env, "OMERO_FS_TEST_NODE_BACKOFF_MS", 1000),
      backoffMaxMs: num(env, "OMERO_FS_TEST_NODE_BACKOFF_MAX_MS", 60_000),
      quickFailureMs: num(env, "OMERO_FS_TEST_NODE_QUICK_FAILURE_MS", 30_000),
      failThreshold: Math.max(1, num(env, "OMERO_FS_TEST_NODE_FAIL_THRESHOLD", 5)),
    },
    // DropBox is ready after its first reconciliation: a walk of the whole tree, which for a
    // tree of a few hundred thousand files takes tens of seconds on a slow disk.
    readyTimeoutMs: num(env, "OMERO_FS_TEST_NODE_READY_TIMEOUT_MS", 120_000),
    // The servers promise to exit within 5 s (MonitorServer) and 10 s (DropBox) of SIGTERM;
    // the node waits a little longer before SIGKILL so a slow but honest exit is not cut short.
    stopTimeoutMs: {
      MonitorServer: num(env, "OMERO_FS_TEST_NODE_STOP_TIMEOUT_MS", 7000),
      DropBox: num(env, "OMERO_FS_TEST_NODE_STOP_TIMEOUT_MS", 12_000),
    },
    commandOverride,
  };
}
