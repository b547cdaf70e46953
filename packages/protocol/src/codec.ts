import type { z } from "zod";
import {
  ERROR_CODES,
  type ErrorCode,
  type EventBlock,
  EventBlockSchema,
  PROTOCOL_VERSION,
  type Reply,
  ReplySchema,
  RequestEnvelopeSchema,
} from "./schemas";

/**
 * The one control error: a failure with a stable protocol code (docs: packages/protocol/README.md,
 * "Errors"), the message that names the thing and the fix, and the request id when known. The
 * codec raises it for a bad message (BAD_FRAME, BAD_VERSION, UNKNOWN_METHOD, BAD_PARAMS); a
 * control method's handler throws it to answer with a code other than INTERNAL (UNKNOWN_MONITOR,
 * BAD_DIRECTORY, BAD_PARAMS, ...). Pure: handlers in any package can throw it.
 */
export class ControlError extends Error {
  readonly code: ErrorCode;
  readonly requestId: string | null;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; requestId?: string | null }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ControlError";
    this.code = code;
    this.requestId = options?.requestId ?? null;
  }
}

/**
 * The error code a control server answers a handler's failure with: the `code` of any error that
 * carries a protocol error code (ControlError, or any error with a `code` from ERROR_CODES), else INTERNAL.
 */
export function errorCodeOf(e: unknown): ErrorCode {
  const code = e && typeof e === "object" && "code" in e ? (e as { code: unknown }).code : undefined;
  return typeof code === "string" && (ERROR_CODES as readonly string[]).includes(code)
    ? (code as ErrorCode)
    : "INTERNAL";
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ControlError };

/** One line naming the first few zod issues, path first ("params.blockSize: expected number"). */
export function describeZodError(error: z.ZodError, prefix = ""): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join("; ");
}

function parseJson(frame: Buffer | string): Decoded<unknown> {
  const text = typeof frame === "string" ? frame : frame.toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    const snippet = text.length > 60 ? `${text.slice(0, 60)}...` : text;
    return {
      ok: false,
      error: new ControlError("BAD_FRAME", `frame is not valid JSON: ${JSON.stringify(snippet)}`, { cause }),
    };
  }
}

function idOf(value: unknown): string | null {
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string") {
    return (value as { id: string }).id;
  }
  return null;
}

export interface DecodedRequest<M extends string> {
  id: string;
  method: M;
  params: unknown;
}

/**
 * Decode one control request frame against a method table (method name -> params schema).
 * Errors: BAD_FRAME (not JSON / not an envelope), BAD_VERSION, UNKNOWN_METHOD, BAD_PARAMS.
 */
export function decodeRequest<T extends Record<string, z.ZodType>>(
  frame: Buffer | string,
  methods: T,
): Decoded<DecodedRequest<Extract<keyof T, string>>> {
  const json = parseJson(frame);
  if (!json.ok) return json;
  const id = idOf(json.value);
  const env = RequestEnvelopeSchema.safeParse(json.value);
  if (!env.success) {
    return {
      ok: false,
      error: new ControlError(
        "BAD_FRAME",
        `not a request envelope {"v","id","method","params"}: ${describeZodError(env.error)}`,
        { requestId: id },
      ),
    };
  }
  const { v, method } = env.data;
  if (v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: new ControlError(
        "BAD_VERSION",
        `protocol version ${v} is not supported; this server speaks v${PROTOCOL_VERSION}`,
        { requestId: id },
      ),
    };
  }
  if (!Object.hasOwn(methods, method)) {
    return {
      ok: false,
      error: new ControlError(
        "UNKNOWN_METHOD",
        `unknown method "${method}"; known: ${Object.keys(methods).join(", ")}`,
        { requestId: id },
      ),
    };
  }
  const params = methods[method].safeParse(env.data.params ?? {});
  if (!params.success) {
    return {
      ok: false,
      error: new ControlError("BAD_PARAMS", `bad params for ${method}: ${describeZodError(params.error, "params")}`, {
        requestId: id,
      }),
    };
  }
  return { ok: true, value: { id: env.data.id, method: method as Extract<keyof T, string>, params: params.data } };
}

export function encodeRequest(id: string, method: string, params: unknown = {}): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, id, method, params });
}

export function encodeResult(id: string, result: unknown): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, id, ok: true, result });
}

export function encodeError(id: string | null, code: ErrorCode, message: string): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, id, ok: false, error: { code, message } });
}

export function encodeControlError(error: ControlError): string {
  return encodeError(error.requestId, error.code, error.message);
}

/** Decode a reply frame; with a result schema, an ok reply's result is validated too. */
export function decodeReply<R>(frame: Buffer | string, resultSchema?: z.ZodType<R>): Decoded<Reply> {
  const json = parseJson(frame);
  if (!json.ok) return json;
  const reply = ReplySchema.safeParse(json.value);
  if (!reply.success) {
    const v = (json.value as { v?: unknown } | null)?.v;
    if (typeof v === "number" && v !== PROTOCOL_VERSION) {
      return {
        ok: false,
        error: new ControlError("BAD_VERSION", `reply has protocol version ${v}`, { requestId: idOf(json.value) }),
      };
    }
    return {
      ok: false,
      error: new ControlError("BAD_FRAME", `not a reply: ${describeZodError(reply.error)}`, {
        requestId: idOf(json.value),
      }),
    };
  }
  if (reply.data.ok && resultSchema) {
    const r = resultSchema.safeParse(reply.data.result);
    if (!r.success) {
      return {
        ok: false,
        error: new ControlError("BAD_FRAME", `bad result: ${describeZodError(r.error, "result")}`, {
          requestId: reply.data.id,
        }),
      };
    }
    return { ok: true, value: { ...reply.data, result: r.data } };
  }
  return { ok: true, value: reply.data };
}

/** The two frames of an event message: the monitorId (subscription prefix) and the block. */
export function encodeEventBlock(block: EventBlock): [string, string] {
  return [block.monitorId, JSON.stringify(block)];
}

export function decodeEventBlock(frames: (Buffer | string)[]): Decoded<EventBlock> {
  if (frames.length !== 2) {
    return {
      ok: false,
      error: new ControlError("BAD_FRAME", `an event message has 2 frames (monitorId, block), got ${frames.length}`),
    };
  }
  const json = parseJson(frames[1]);
  if (!json.ok) return json;
  const v = (json.value as { v?: unknown } | null)?.v;
  if (typeof v === "number" && v !== PROTOCOL_VERSION) {
    return { ok: false, error: new ControlError("BAD_VERSION", `event block has protocol version ${v}`) };
  }
  const block = EventBlockSchema.safeParse(json.value);
  if (!block.success) {
    return { ok: false, error: new ControlError("BAD_FRAME", `not an event block: ${describeZodError(block.error)}`) };
  }
  const topic = frames[0].toString();
  if (topic !== block.data.monitorId) {
    return {
      ok: false,
      error: new ControlError(
        "BAD_FRAME",
        `topic frame "${topic}" differs from block monitorId "${block.data.monitorId}"`,
      ),
    };
  }
  return { ok: true, value: block.data };
}
