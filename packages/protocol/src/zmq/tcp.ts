/**
 * Liveness of tcp:// connections (MonitorServers on other hosts). A peer that crashed or sits
 * behind a cut network leaves a half-open TCP connection that the kernel notices only after hours:
 * meanwhile a PUB (unlimited high-water mark, so that no event block is dropped) would buffer every
 * block for it, and a client would send into the void. ZMTP heartbeats drop a connection whose
 * peer stays silent for `timeoutMs`; a client then reconnects, backing off up to 5 s.
 */
import type * as zmq from "zeromq";

export interface TcpLiveness {
  /** A ZMTP PING after this long without traffic. */
  heartbeatMs: number;
  /** No traffic for this long after a PING: the connection is dropped. */
  timeoutMs: number;
}

export const TCP_LIVENESS: TcpLiveness = { heartbeatMs: 5000, timeoutMs: 15_000 };

/** Set heartbeats (and a client's reconnect backoff) on a socket for a tcp:// endpoint; ipc is left alone. */
export function setTcpLiveness(socket: zmq.Socket, endpoint: string, l: TcpLiveness = TCP_LIVENESS): void {
  if (!endpoint.startsWith("tcp://")) return;
  socket.heartbeatInterval = l.heartbeatMs;
  socket.heartbeatTimeout = l.timeoutMs;
  // Asks the peer to drop the connection when this side goes silent for that long.
  socket.heartbeatTimeToLive = l.timeoutMs;
  socket.reconnectMaxInterval = 5000;
}
