/**
 * How the CLI reaches the DropBox's state: a hand action on the ledger (`imports retry|release`,
 * `dropbox import-existing`) goes through the running DropBox, which applies it on its serial
 * chain with its own rules, or, when none runs, is written to the ledger directly (the DropBox
 * finds it when it starts). The one place that decides which (throughDropBox).
 */
import * as fs from "node:fs";
import { homePaths } from "@omero-fs/config/home";
import {
  type DropBoxMethod,
  DropBoxMethodResults,
  type DropBoxParamsOf,
  type DropBoxResultOf,
} from "@omero-fs/protocol";
import { CliError } from "./errors";
import { callNode } from "./node/client";
import { findNode } from "./node/records";

/** The DropBox's control endpoint if one answers: asks the node when one runs, else pings it. */
export async function dropboxEndpoint(home: string): Promise<string | null> {
  const { loadConfigOrThrow } = await import("@omero-fs/config");
  const endpoint = loadConfigOrThrow({ home }).global.dropboxControl;
  const node = findNode(home);
  if (node.state === "running") {
    const st = await callNode(node.info, "status", {}, 3000);
    // Degraded is running too (a missing watch folder, a ledger that cannot be written).
    const state = st.servers.find((s) => s.name === "DropBox")?.state;
    return state === "running" || state === "degraded" ? endpoint : null;
  }
  // No node: a DropBox may still run on its own (`omero-fs dropbox`).
  if (endpoint.startsWith("ipc://") && !fs.existsSync(endpoint.slice(6))) return null;
  const { localControlClient } = await import("@omero-fs/protocol/zmq");
  const c = localControlClient(home, endpoint, { timeoutMs: 1000 });
  try {
    await c.call("ping", {}, DropBoxMethodResults.ping);
    return endpoint;
  } catch {
    return null;
  } finally {
    c.close();
  }
}

/** A failure's first line as a CliError, after `what: ` when `what` is given. */
function failure(what: string, e: unknown): CliError {
  const line = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
  return new CliError(what ? `${what}: ${line}` : line);
}

/** Call one method of the DropBox at `endpoint`; a failure is a CliError with the DropBox's first line. */
export async function callDropBox<M extends DropBoxMethod>(
  home: string,
  endpoint: string,
  method: M,
  params: DropBoxParamsOf<M>,
  timeoutMs: number,
  what: string = method,
): Promise<DropBoxResultOf<M>> {
  const { localControlClient } = await import("@omero-fs/protocol/zmq");
  const c = localControlClient(home, endpoint, { timeoutMs });
  try {
    return await c.callMethod(DropBoxMethodResults, method, params);
  } catch (e) {
    throw failure(what, e);
  } finally {
    c.close();
  }
}

export type Through<R, L> = { running: true; result: R } | { running: false; result: L };

/**
 * A hand action through the running DropBox (`method` with `params`), else `direct` on the ledger
 * file (`@omero-fs/dropbox/ledger`, loaded only then). Either failure is a CliError with its first
 * line, after `what: ` unless `what` is "".
 */
export async function throughDropBox<M extends DropBoxMethod, L>(
  home: string,
  o: {
    what: string;
    method: M;
    params: DropBoxParamsOf<M>;
    timeoutMs: number;
    direct: (ledger: typeof import("@omero-fs/dropbox/ledger"), ledgerPath: string) => L | Promise<L>;
  },
): Promise<Through<DropBoxResultOf<M>, L>> {
  const endpoint = await dropboxEndpoint(home);
  if (endpoint)
    return { running: true, result: await callDropBox(home, endpoint, o.method, o.params, o.timeoutMs, o.what) };
  const ledger = require("@omero-fs/dropbox/ledger") as typeof import("@omero-fs/dropbox/ledger");
  try {
    return { running: false, result: await o.direct(ledger, homePaths(home).ledger) };
  } catch (e) {
    throw failure(o.what, e);
  }
}
