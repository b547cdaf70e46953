/** DropBox's control socket helpers; the server itself is `ControlServer` of `@omero-fs/protocol/zmq`. */
import { DropBoxMethodResults } from "@omero-fs/protocol";
import { ControlClient } from "@omero-fs/protocol/zmq";

/** Thrown by a handler to answer with a protocol error code (BAD_PARAMS, ...) instead of INTERNAL. */
export { ControlMethodError as MethodError } from "@omero-fs/protocol";

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
