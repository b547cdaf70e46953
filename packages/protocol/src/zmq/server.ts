import * as fs from "node:fs";
import * as path from "node:path";
import * as zmq from "zeromq";
import type { z } from "zod";
import type { ZapHandler } from "./curve";
import { type ServerSecurityLog, serverCurveKey, startZapHandler } from "./secure";
import { setTcpLiveness, type TcpLiveness } from "./tcp";
import { decodeRequest, encodeError, encodeControlError, encodeResult, errorCodeOf } from "../codec";

/** Where a control server writes: any logger with these three levels (winston's fits). */
export interface ControlLog {
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Method name -> zod schema of its params. */
export type MethodTable = Record<string, z.ZodType>;

/** Method name -> zod schema of its result (a method without one answers whatever its handler returns). */
export type ResultTable<T extends MethodTable> = { readonly [M in keyof T]?: z.ZodType };

/** What the handler of method M returns: its result schema's input, or anything without one. */
export type HandlerResult<T extends MethodTable, R extends ResultTable<T>, M extends keyof T> = R[M] extends z.ZodType
  ? z.input<R[M]>
  : unknown;

/**
 * One handler per method, its params typed from the method's schema (the server parsed them with
 * it) and its result from the result schema: a server written against the protocol's tables is
 * checked by the compiler, with no cast. A handler throws ControlError(code, message) to answer
 * with that code; anything else is answered INTERNAL.
 */
export type Handlers<T extends MethodTable, R extends ResultTable<T> = Record<never, never>> = {
  readonly [M in keyof T]: (params: z.output<T[M]>) => HandlerResult<T, R, M> | Promise<HandlerResult<T, R, M>>;
};

export interface ControlServerOptions<T extends MethodTable, R extends ResultTable<T>> {
  /** ROUTER endpoint (ipc://..., tcp://...). For ipc, the socket file's folder is created (0700). */
  endpoint: string;
  methods: T;
  /** Result schema per method: a result that fails it is answered INTERNAL (a server bug, logged). */
  results?: R;
  /**
   * The handler of each method. Requests run concurrently: a long `sync` does not hold up `ping`.
   */
  handlers: Handlers<NoInfer<T>, NoInfer<R>>;
  log: ControlLog;
  /**
   * The TCP policy (secure.ts), applied at bind: on tcp:// CURVE with etc/curve/server.key and a
   * ZAP handler letting in only etc/curve/authorized_keys, or refused unless insecureTcp. The
   * node and the DropBox give this; the MonitorServer, whose PUB shares the ZAP handler, gives
   * curveSecretKey itself.
   */
  tcp?: { home: string; insecureTcp: boolean; what: string; log: ServerSecurityLog };
  /** Z85 CURVE secret key: the socket becomes a CURVE server. */
  curveSecretKey?: string;
  /** ZAP domain of the socket with CURVE (names it in the ZAP handler's log; see ZapHandler). */
  zapDomain?: string;
  /** Heartbeats on a tcp:// endpoint (default TCP_LIVENESS). */
  liveness?: TcpLiveness;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The one control-socket server (node, MonitorServer, DropBox): a ROUTER speaking the v1 envelope
 * to REQ clients ([identity, "", payload]) and DEALER clients ([identity, payload]), answering in
 * the framing the request came in. Every bad message gets an error reply (BAD_FRAME, BAD_VERSION,
 * UNKNOWN_METHOD, BAD_PARAMS) and never stops the server. See docs/ARCHITECTURE.md, "Wire protocol".
 */
export class ControlServer<T extends MethodTable, R extends ResultTable<T> = Record<never, never>> {
  readonly endpoint: string;
  private readonly socket = new zmq.Router({ linger: 0 });
  /** zeromq v6 allows one send in flight per socket: replies of concurrent calls queue here. */
  private sending: Promise<void> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private closing = false;

  private readonly dispatch: (method: Extract<keyof T, string>, params: unknown) => unknown;
  private zap: ZapHandler | null = null;

  constructor(private readonly o: ControlServerOptions<T, R>) {
    this.endpoint = o.endpoint;
    const { handlers } = o;
    // The one cast: decodeRequest parsed `params` with methods[method], the schema handlers[method] is typed from.
    this.dispatch = (method, params) => (handlers[method] as (p: unknown) => unknown)(params);
    if (o.curveSecretKey) {
      this.socket.curveServer = true;
      this.socket.curveSecretKey = o.curveSecretKey;
    }
    if (o.zapDomain && o.curveSecretKey) this.socket.zapDomain = o.zapDomain;
    setTcpLiveness(this.socket, o.endpoint, o.liveness);
  }

  /**
   * Bind and start serving. Throws the bind error, or TcpPolicyError for a tcp:// endpoint the
   * policy refuses (the caller says what it means for its process).
   */
  async bind(): Promise<void> {
    const file = ipcFile(this.endpoint);
    if (file) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    await this.secure();
    try {
      await this.socket.bind(this.endpoint);
    } catch (e) {
      await this.zap?.close();
      throw e;
    }
    this.loop = this.serve();
  }

  /** The TCP policy of `tcp`: CURVE and the ZAP handler (before the bind), or refused. */
  private async secure(): Promise<void> {
    const t = this.o.tcp;
    if (!t) return;
    const key = serverCurveKey({
      home: t.home,
      endpoint: this.endpoint,
      insecureTcp: t.insecureTcp,
      what: t.what,
      log: t.log,
    });
    if (!key) return;
    this.zap = await startZapHandler(t.home, key, t.log);
    this.socket.curveServer = true;
    this.socket.curveSecretKey = key;
    this.socket.zapDomain = this.o.zapDomain ?? "control";
  }

  /** Flush queued replies, close the socket, remove its ipc socket file (if this server bound it). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.sending;
    this.socket.close();
    await this.zap?.close();
    if (!this.loop) return;
    await this.loop;
    // libzmq unlinks the file itself only when its context terminates, which a process never waits for.
    const file = ipcFile(this.endpoint);
    if (file) fs.rmSync(file, { force: true });
  }

  private send(frames: (Buffer | string)[]): void {
    this.sending = this.sending
      .then(() => this.socket.send(frames))
      .catch((e: unknown) => this.o.log.warn(`control: reply not sent: ${messageOf(e)}`));
  }

  private async serve(): Promise<void> {
    try {
      for await (const frames of this.socket) this.handle(frames);
    } catch (e) {
      if (!this.closing) this.o.log.error(`control socket ${this.endpoint} failed: ${messageOf(e)}`);
    }
  }

  private handle(frames: Buffer[]): void {
    const identity = frames[0]!;
    const req = frames.length >= 2 && frames[1]!.length === 0;
    const envelope = req ? [identity, Buffer.alloc(0)] : [identity];
    const reply = (payload: string) => this.send([...envelope, payload]);
    const payloads = frames.slice(envelope.length);
    if (payloads.length !== 1) {
      this.o.log.warn(`control: BAD_FRAME: ${frames.length} frames`);
      reply(encodeError(null, "BAD_FRAME", `expected one payload frame, got ${payloads.length}`));
      return;
    }
    const decoded = decodeRequest(payloads[0]!, this.o.methods);
    if (!decoded.ok) {
      this.o.log.warn(`control: ${decoded.error.code}: ${decoded.error.message}`);
      reply(encodeControlError(decoded.error));
      return;
    }
    const { id, method, params } = decoded.value;
    this.o.log.debug(`control: ${method} ${JSON.stringify(params)}`);
    const schema: z.ZodType | undefined = this.o.results?.[method];
    Promise.resolve()
      .then(() => this.dispatch(method, params))
      .then((result) => {
        if (!schema) return result;
        const checked = schema.safeParse(result);
        if (!checked.success) throw new Error(`result of ${method} failed validation: ${checked.error.message}`);
        return checked.data;
      })
      .then(
        (result) => reply(encodeResult(id, result)),
        (e: unknown) => {
          const code = errorCodeOf(e);
          if (code === "INTERNAL") this.o.log.error(`control: ${method} failed: ${messageOf(e)}`);
          else this.o.log.warn(`control: ${method}: ${code}: ${messageOf(e)}`);
          reply(encodeError(id, code, messageOf(e).split("\n")[0]!));
        },
      );
  }
}

function ipcFile(endpoint: string): string | null {
  return endpoint.startsWith("ipc://") ? endpoint.slice("ipc://".length) : null;
}

/**
 * Handlers for a server that binds before it is built (the node claims its endpoint first): each
 * method answers INTERNAL `notReady` until `current()` returns the real handlers.
 */
export function handlersWhenReady<T extends MethodTable, R extends ResultTable<T>>(
  methods: T,
  current: () => Handlers<T, R> | null,
  notReady: string,
): Handlers<T, R> {
  const out: Record<string, (params: unknown) => unknown> = {};
  for (const m of Object.keys(methods))
    out[m] = (params) => {
      const h = current();
      if (!h) throw new Error(notReady);
      return (h[m] as (p: unknown) => unknown)(params);
    };
  return out as Handlers<T, R>;
}
