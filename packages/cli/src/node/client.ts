import { ControlCallError, localControlClient, noAnswerHint } from "@omero-fs/protocol/zmq";
import type { z } from "zod";
import { CliError } from "../errors";
import { type NodeMethod, NodeMethodResults } from "./methods";
import { findNode, type NodeInfo, removeNodeFiles } from "./records";

/** The one line a command that needs the node prints when there is none (after "omero-fs: "). */
export function notRunningMessage(home: string): string {
  return `the node is not running in ${home} (start it with: omero-fs admin start)`;
}

/** The running node of a home; cleans a stale pid file; throws the "not running" CliError. */
export function requireNode(home: string): NodeInfo {
  const found = findNode(home);
  if (found.state === "running") return found.info;
  if (found.state === "stale") removeNodeFiles(home);
  if (found.state === "starting") throw new CliError(`the node is still starting in ${home} (pid ${found.pid})`);
  throw new CliError(notRunningMessage(home));
}

/** Call one node method and close the connection. Errors become CliErrors with the node's message. */
export async function callNode<M extends NodeMethod>(
  info: NodeInfo,
  method: M,
  params: unknown = {},
  timeoutMs = 5000,
): Promise<z.infer<(typeof NodeMethodResults)[M]>> {
  const client = localControlClient(info.home, info.endpoint, { timeoutMs });
  try {
    return await client.callMethod(NodeMethodResults, method, params);
  } catch (e) {
    if (e instanceof ControlCallError && e.code === "TIMEOUT") {
      const curve = info.endpoint.startsWith("tcp://");
      throw new CliError(
        `the omero-fs node (pid ${info.pid}) did not answer ${method} within ${timeoutMs} ms${curve ? `: ${noAnswerHint(true, "etc/curve/server.key (changed since the node started?)")}` : ""}`,
      );
    }
    throw new CliError((e as Error).message);
  } finally {
    client.close();
  }
}
