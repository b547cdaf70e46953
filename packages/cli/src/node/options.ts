import { testHookJson, testHookNumber } from "@omero-fs/config";
import { SERVER_NAMES, type ServerName } from "@omero-fs/protocol";
import { z } from "zod";
import type { RestartPolicy } from "./policy";

/**
 * Everything the node can be tuned with, resolved once from the environment. The
 * OMERO_FS_TEST_NODE_* variables are test hooks (docs/ARCHITECTURE.md, "Test hooks"): they shrink
 * delays so the restart and failure paths run in seconds. Operators do not need them.
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

const Argv = z.array(z.string()).min(1);

/** Parse the node's options from an environment. Pure. */
export function nodeOptionsFromEnv(env: NodeJS.ProcessEnv): NodeOptions {
  const num = (name: string, dflt: number) => testHookNumber(env, name, dflt);
  const commandOverride: Partial<Record<ServerName, string[]>> = {};
  for (const name of SERVER_NAMES) {
    const argv = testHookJson(
      env,
      `OMERO_FS_TEST_NODE_SERVER_CMD_${name}`,
      Argv,
      'a JSON array of strings (argv), e.g. ["node","fake.js"]',
    );
    if (argv) commandOverride[name] = argv;
  }
  return {
    policy: {
      backoffBaseMs: num("OMERO_FS_TEST_NODE_BACKOFF_MS", 1000),
      backoffMaxMs: num("OMERO_FS_TEST_NODE_BACKOFF_MAX_MS", 60_000),
      quickFailureMs: num("OMERO_FS_TEST_NODE_QUICK_FAILURE_MS", 30_000),
      failThreshold: testHookNumber(env, "OMERO_FS_TEST_NODE_FAIL_THRESHOLD", 5, { min: 1, integer: true }),
    },
    // DropBox is ready after its first reconciliation: a walk of the whole tree, which for a
    // tree of a few hundred thousand files takes tens of seconds on a slow disk.
    readyTimeoutMs: num("OMERO_FS_TEST_NODE_READY_TIMEOUT_MS", 120_000),
    // The servers promise to exit within 5 s (MonitorServer) and 10 s (DropBox) of SIGTERM;
    // the node waits a little longer before SIGKILL so a slow but honest exit is not cut short.
    stopTimeoutMs: {
      MonitorServer: num("OMERO_FS_TEST_NODE_STOP_TIMEOUT_MS", 7000),
      DropBox: num("OMERO_FS_TEST_NODE_STOP_TIMEOUT_MS", 12_000),
    },
    commandOverride,
  };
}
