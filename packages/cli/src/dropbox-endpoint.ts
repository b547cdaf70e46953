import * as fs from "node:fs";
import { DropBoxMethodResults } from "@omero-fs/protocol";
import { callNode } from "./node/client";
import { findNode } from "./node/records";

/** Is DropBox answering on its control socket? Asks the node when one runs, else pings it. */
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
  const { ControlClient } = await import("@omero-fs/protocol/zmq");
  const c = new ControlClient(endpoint, { timeoutMs: 1000 });
  try {
    await c.call("ping", {}, DropBoxMethodResults.ping);
    return endpoint;
  } catch {
    return null;
  } finally {
    c.close();
  }
}
