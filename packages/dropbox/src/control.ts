/** DropBox's control socket helpers; the server itself is `ControlServer` of `@omero-fs/protocol/zmq`. */
import { DropBoxMethodResults } from "@omero-fs/protocol";
import { ControlClient } from "@omero-fs/protocol/zmq";

/** Is a DropBox already answering at this endpoint? (One DropBox per home.) */
export async function probeRunning(endpoint: string, timeoutMs = 400): Promise<number | null> {
  const c = new ControlClient(endpoint, { timeoutMs });
  try {
    const r = await c.call("ping", {}, DropBoxMethodResults.ping, timeoutMs);
    return r.pid;
  } catch {
    return null;
  } finally {
    c.close();
  }
}
