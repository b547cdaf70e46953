/**
 * `admin status` on the OMERO host shows each remote MonitorServer (issue 13): the node asks the
 * DropBox, which holds the links and their last contact.
 */
import { DropBoxMethodResults, type RemoteMonitor } from "@omero-fs/protocol";
import { localControlClient } from "@omero-fs/protocol/zmq";

/** A status call must stay quick: a DropBox that does not answer in this long shows none. */
const ASK_MS = 1500;

/** The DropBox's remote MonitorServers, or undefined when there are none or it does not answer. */
export async function askRemoteMonitors(home: string, dropboxControl: string): Promise<RemoteMonitor[] | undefined> {
  const c = localControlClient(home, dropboxControl, { timeoutMs: ASK_MS });
  try {
    const s = await c.call("status", {}, DropBoxMethodResults.status, ASK_MS);
    return s.remoteMonitors?.length ? s.remoteMonitors : undefined;
  } catch {
    return undefined;
  } finally {
    c.close();
  }
}
