/**
 * ZAP (ZeroMQ RFC 27) messages and the decision of omero-fs's handler: a CURVE client is let in
 * when its public key is authorised. Pure; the handler socket is in `@omero-fs/protocol/zmq`.
 */
import { z85Encode } from "./curve-keys";

export interface ZapRequest {
  requestId: Buffer;
  /** The server socket's zapDomain (omero-fs sets one per endpoint: which socket is asked). */
  domain: string;
  /** The client's IP address. */
  address: string;
  mechanism: string;
  /** CURVE: the client's public key, Z85. */
  publicKey: string | null;
}

/** Frames of a ZAP request (version, request id, domain, address, identity, mechanism, credentials...). */
export function parseZapRequest(frames: Buffer[]): ZapRequest | null {
  if (frames.length < 6 || frames[0]!.toString() !== "1.0") return null;
  const mechanism = frames[5]!.toString();
  const cred = frames[6];
  return {
    requestId: frames[1]!,
    domain: frames[2]!.toString(),
    address: frames[3]!.toString(),
    mechanism,
    publicKey: mechanism === "CURVE" && cred?.length === 32 ? z85Encode(cred) : null,
  };
}

export interface ZapVerdict {
  status: "200" | "400" | "500";
  text: string;
  /** The name the authorised key has (ZAP user id). */
  userId: string;
}

/**
 * CURVE clients whose key is in `keys` (key -> name) are accepted, every other client is refused;
 * NULL (plain TCP, only with omero.fs.insecureTcp=true, whose sockets ask ZAP only when a domain
 * is set) is accepted as no authentication was asked for.
 */
export function zapVerdict(req: ZapRequest, keys: ReadonlyMap<string, string>): ZapVerdict {
  if (req.mechanism === "NULL") return { status: "200", text: "OK", userId: "" };
  if (req.mechanism !== "CURVE" || !req.publicKey)
    return { status: "400", text: `mechanism ${req.mechanism} not accepted`, userId: "" };
  const name = keys.get(req.publicKey);
  if (name === undefined) return { status: "400", text: "client key not authorised", userId: "" };
  return { status: "200", text: "OK", userId: name || req.publicKey };
}

/** Frames of the reply to `req`. */
export function zapReplyFrames(req: Pick<ZapRequest, "requestId">, v: ZapVerdict): (Buffer | string)[] {
  return ["1.0", req.requestId, v.status, v.text, v.userId, ""];
}
