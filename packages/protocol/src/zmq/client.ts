import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import type { z } from "zod";
import { decodeReply, encodeRequest } from "../codec";
import type { ErrorCode } from "../schemas";
import { setTcpLiveness, type TcpLiveness } from "./tcp";

/**
 * A call that got an error reply, or none: `code` is the server's, or TIMEOUT (no answer in time),
 * GONE (the connection dropped while the call waited: the server stopped or died; its answer will
 * never come) or CLOSED (the client was closed).
 */
export class ControlCallError extends Error {
  readonly code: ErrorCode | "TIMEOUT" | "GONE" | "CLOSED";
  readonly method: string;
  constructor(code: ErrorCode | "TIMEOUT" | "GONE" | "CLOSED", method: string, message: string) {
    super(message);
    this.name = "ControlCallError";
    this.code = code;
    this.method = method;
  }
}

/**
 * What a client that got no answer says besides "unreachable": with CURVE a server whose public key
 * is not the one the client was given (or that does not list the client's key) answers nothing at
 * all, exactly as one that is down. `serverKey`: where the client's idea of that key comes from.
 */
export function noAnswerHint(curve: boolean, serverKey = "the server key this client uses"): string {
  return curve
    ? `it is not running or not reachable, or ${curveNoAnswer(serverKey)}`
    : "it is not running or not reachable";
}

/** The CURVE part of noAnswerHint: the keys that make a running server silent. */
export function curveNoAnswer(serverKey: string): string {
  return `(CURVE) ${serverKey} is not that server's public key, or the server does not list this client's key in its etc/curve/authorized_keys`;
}

interface Pending {
  method: string;
  schema?: z.ZodType;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Client for a ROUTER control socket (MonitorServer, DropBox, node). A DEALER, not a REQ: several
 * calls may be in flight and a timed-out call does not wedge the socket. Frames: [payload]
 * (the ROUTER sees [identity, payload] and answers in kind).
 */
export class ControlClient {
  private readonly socket: zmq.Dealer;
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  private readonly loop: Promise<void>;
  /** Reads the socket's events (a dropped connection fails the calls waiting on it). */
  private readonly watch: Promise<void>;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    readonly endpoint: string,
    private readonly options: {
      timeoutMs?: number;
      curve?: { serverKey: string; publicKey: string; secretKey: string };
      /** Heartbeats on a tcp:// endpoint (default TCP_LIVENESS). */
      liveness?: TcpLiveness;
    } = {},
  ) {
    this.socket = new zmq.Dealer({ linger: 0 });
    if (options.curve) {
      this.socket.curveServerKey = options.curve.serverKey;
      this.socket.curvePublicKey = options.curve.publicKey;
      this.socket.curveSecretKey = options.curve.secretKey;
    }
    setTcpLiveness(this.socket, endpoint, options.liveness);
    // A call waiting when the connection drops never gets its answer (the server that had it is
    // gone; a restarted one knows nothing of it): it fails at once, not at its timeout (a `dropbox
    // scan` would otherwise wait ten minutes for a DropBox that died).
    const events = this.socket.events;
    this.watch = (async () => {
      try {
        // Only a connection that finished its handshake had the calls: a CURVE handshake the server
        // refuses (a wrong key) also ends in a disconnect, and must stay "no answer" (TIMEOUT).
        let established = false;
        for await (const e of events) {
          if (e.type === "handshake") established = true;
          else if (e.type === "disconnect") {
            if (established) this.failPending();
            established = false;
          }
        }
      } catch {
        // the socket is closed
      }
    })();
    this.socket.connect(endpoint);
    this.loop = this.receive();
  }

  private failPending(): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(
        new ControlCallError(
          "GONE",
          p.method,
          `${this.endpoint} closed the connection before answering ${p.method} (the server stopped or died)`,
        ),
      );
    }
  }

  private async receive(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const payload = frames[frames.length - 1];
        const decoded = decodeReply(payload);
        if (!decoded.ok) continue;
        const reply = decoded.value;
        const p = reply.id !== null ? this.pending.get(reply.id) : undefined;
        if (!p) continue;
        this.pending.delete(reply.id as string);
        clearTimeout(p.timer);
        if (reply.ok) {
          if (p.schema) {
            const r = p.schema.safeParse(reply.result);
            if (!r.success) {
              p.reject(
                new ControlCallError("BAD_FRAME", p.method, `${p.method}: malformed result from ${this.endpoint}`),
              );
              continue;
            }
            p.resolve(r.data);
          } else {
            p.resolve(reply.result);
          }
        } else {
          p.reject(new ControlCallError(reply.error.code, p.method, reply.error.message));
        }
      }
    } catch {
      // socket closed
    }
  }

  /** Call a method; rejects with ControlCallError on an error reply or after the timeout. */
  call<R = unknown>(method: string, params: unknown = {}, schema?: z.ZodType<R>, timeoutMs?: number): Promise<R> {
    if (this.closed) return Promise.reject(new ControlCallError("CLOSED", method, "client is closed"));
    const id = randomUUID();
    const ms = timeoutMs ?? this.options.timeoutMs ?? 5000;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const why = this.options.curve ? `: ${noAnswerHint(true)}` : "";
        reject(
          new ControlCallError("TIMEOUT", method, `no reply to ${method} from ${this.endpoint} within ${ms} ms${why}`),
        );
      }, ms);
      this.pending.set(id, { method, schema, resolve: resolve as (v: unknown) => void, reject, timer });
      const frame = encodeRequest(id, method, params);
      // zeromq v6 allows one send in flight, and a send waits while the server is unreachable (down,
      // or refusing this client's key): sends queue, and a call that timed out meanwhile is not sent.
      this.sending = this.sending
        .then(() => (this.pending.has(id) && !this.closed ? this.socket.send(frame) : undefined))
        .catch((e: unknown) => {
          clearTimeout(timer);
          if (this.pending.delete(id)) reject(new ControlCallError("INTERNAL", method, `send failed: ${String(e)}`));
        });
    });
  }

  /**
   * A call typed from a protocol's result table (DropBoxMethodResults, ...): the answer is checked
   * against `results[method]` and typed by it.
   */
  callMethod<T extends Record<string, z.ZodType>, M extends keyof T & string>(
    results: T,
    method: M,
    params: unknown = {},
    timeoutMs?: number,
  ): Promise<z.output<T[M]>> {
    return this.call(method, params, results[method] as z.ZodType<z.output<T[M]>>, timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ControlCallError("CLOSED", p.method, "client closed"));
    }
    this.pending.clear();
    this.socket.close();
    void this.loop;
    void this.watch;
  }
}
