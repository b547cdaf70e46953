/**
 * What the node asks the DropBox for its status page, `admin status` and /metrics: its remote
 * MonitorServers (issue 13), and OMERO as it sees it (the omero importer: `omero` in its `status`).
 */
import { DropBoxMethodResults, type RemoteMonitor } from "@omero-fs/protocol";
import { localControlClient } from "@omero-fs/protocol/zmq";
import type { OmeroHealth } from "../core/status-health";

/** A status call must stay quick: a DropBox that does not answer in this long shows none. */
const ASK_MS = 1500;

/** The DropBox's status as the node uses it; the DropBox may carry more (clients ignore unknown keys). */
const StatusSchema = DropBoxMethodResults.status;

export interface DropBoxStatusBits {
  remoteMonitors?: RemoteMonitor[];
  /** Absent: this DropBox does not report OMERO (another importer, or an older DropBox). */
  omero?: OmeroHealth | null;
}

/** The DropBox's status, or undefined when it does not answer. */
export async function askDropBoxStatus(home: string, dropboxControl: string): Promise<DropBoxStatusBits | undefined> {
  const c = localControlClient(home, dropboxControl, { timeoutMs: ASK_MS });
  try {
    const s = await c.call("status", {}, StatusSchema, ASK_MS);
    return {
      ...(s.remoteMonitors?.length ? { remoteMonitors: s.remoteMonitors } : {}),
      ...(s.omero !== undefined ? { omero: s.omero } : {}),
    };
  } catch {
    return undefined;
  } finally {
    c.close();
  }
}

/** The DropBox's remote MonitorServers, or undefined when there are none or it does not answer. */
export async function askRemoteMonitors(home: string, dropboxControl: string): Promise<RemoteMonitor[] | undefined> {
  return (await askDropBoxStatus(home, dropboxControl))?.remoteMonitors;
}
