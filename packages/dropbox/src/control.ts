/** DropBox's control socket: a ROUTER speaking the protocol envelope to REQ and DEALER clients. */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ControlClient,
  DropBoxMethodParams,
  DropBoxMethodResults,
  decodeRequest,
  encodeError,
  encodeProtocolError,
  encodeResult,
  type DropBoxMethod,
} from "@omero-fs/protocol";
import * as zmq from "zeromq";

export type Handler = (method: DropBoxMethod, params: unknown) => Promise<unknown>;

/** Thrown by a handler to answer with a protocol error code. */
export class MethodError extends Error {
  constructor(
    readonly code: "BAD_PARAMS" | "INTERNAL",
    message: string,
  ) {
    super(message);
  }
}

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

export class ControlServer {
  private readonly socket = new zmq.Router({ linger: 0 });
  private sending: Promise<void> = Promise.resolve();
  private loop: Promise<void> | null = null;

  constructor(
    readonly endpoint: string,
    private readonly handler: Handler,
    private readonly onError: (msg: string) => void,
  ) {}

  async bind(): Promise<void> {
    if (this.endpoint.startsWith("ipc://")) {
      fs.mkdirSync(path.dirname(this.endpoint.slice("ipc://".length)), { recursive: true, mode: 0o700 });
    }
    await this.socket.bind(this.endpoint);
    this.loop = this.receive();
  }

  private send(frames: (Buffer | string)[]): void {
    this.sending = this.sending
      .then(() => this.socket.send(frames))
      .catch((e: unknown) => this.onError(`control reply failed: ${String(e)}`));
  }

  private async receive(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const identity = frames[0]!;
        // REQ clients put an empty delimiter before the payload; DEALER clients do not.
        const req = frames.length === 3 && frames[1]!.length === 0;
        const payload = frames[frames.length - 1]!;
        const reply = (body: string) => this.send(req ? [identity, "", body] : [identity, body]);
        const decoded = decodeRequest(payload, DropBoxMethodParams);
        if (!decoded.ok) {
          this.onError(`control: ${decoded.error.message}`);
          reply(encodeProtocolError(decoded.error));
          continue;
        }
        const { id, method, params } = decoded.value;
        // Not awaited: a long `sync` must not hold up `ping` or `status`.
        this.handler(method, params).then(
          (result) => reply(encodeResult(id, result)),
          (e: unknown) => {
            const code = e instanceof MethodError ? e.code : "INTERNAL";
            const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
            reply(encodeError(id, code, message));
          },
        );
      }
    } catch {
      // closed
    }
  }

  async close(): Promise<void> {
    await this.sending.catch(() => undefined);
    this.socket.close();
    await this.loop?.catch(() => undefined);
    if (this.endpoint.startsWith("ipc://")) {
      try {
        fs.unlinkSync(this.endpoint.slice("ipc://".length));
      } catch {
        // already gone
      }
    }
  }
}
