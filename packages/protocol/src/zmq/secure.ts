/**
 * The one TCP policy of every omero-fs server socket (node control, DropBox control, MonitorServer
 * control and events; README "Across hosts: TCP, CURVE and ZAP"): a tcp:// endpoint is CURVE with
 * `etc/curve/server.key`, and a ZAP handler lets in only the client keys in
 * `etc/curve/authorized_keys` (plus the server's own key, for tools on the same host); without a
 * server key it is refused unless omero.fs.insecureTcp=true. ipc:// endpoints are left alone (the
 * socket file's folder is 0700). Also the client side for tools on the server's own host.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { curvePublicKeyOf } from "../curve-keys";
import { ControlClient } from "./client";
import {
  type CurveClientKeys,
  curveDir,
  keyPermissionProblems,
  loadKeyPair,
  loadLocalCurve,
  ZapHandler,
} from "./curve";

/** A server socket that may not be bound as configured (the message names the fix). */
export class TcpPolicyError extends Error {
  constructor(
    readonly code: "INSECURE_TCP" | "CURVE",
    message: string,
  ) {
    super(message);
    this.name = "TcpPolicyError";
  }
}

export interface ServerSecurityLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ServerSecurityInput {
  home: string;
  endpoint: string;
  insecureTcp: boolean;
  /** Names the socket in messages: "node control", "MonitorServer events". */
  what: string;
  log: ServerSecurityLog;
}

export function authorizedKeysFile(home: string): string {
  return path.join(curveDir(home), "authorized_keys");
}

/**
 * What a server socket on `endpoint` needs: a CURVE secret key (tcp:// with etc/curve/server.key),
 * or nothing (ipc://; tcp:// with omero.fs.insecureTcp=true and no key, logged as a warning).
 * Throws TcpPolicyError for plain TCP without insecureTcp, or a key file that cannot be used.
 */
export function serverCurveKey(i: ServerSecurityInput): string | undefined {
  if (!i.endpoint.startsWith("tcp://")) return undefined;
  const dir = curveDir(i.home);
  const keyFile = path.join(dir, "server.key");
  if (fs.existsSync(keyFile)) {
    let key: string;
    try {
      key = loadKeyPair(dir, "server").secretKey;
    } catch (e) {
      throw new TcpPolicyError("CURVE", e instanceof Error ? e.message : String(e));
    }
    i.log.info(
      `${i.what} ${i.endpoint}: CURVE encryption with ${keyFile}; only clients in ${authorizedKeysFile(i.home)} get in`,
    );
    return key;
  }
  if (i.insecureTcp) {
    i.log.warn(
      `${i.what} ${i.endpoint}: PLAIN TCP without encryption or authentication (omero.fs.insecureTcp=true): anyone who can reach the port can use it`,
    );
    return undefined;
  }
  throw new TcpPolicyError(
    "INSECURE_TCP",
    `refusing plain TCP endpoint ${i.endpoint} (${i.what}): write a CURVE key pair with \`omero-fs curve keygen server\` (${keyFile}) and list the clients in ${authorizedKeysFile(i.home)}, or set omero.fs.insecureTcp=true`,
  );
}

/**
 * Start this process's ZAP handler (libzmq asks the one at inproc://zeromq.zap.01, so one per
 * process), before any CURVE socket binds: without it libzmq would let every CURVE client in.
 * Refuses to start without authorized_keys (an empty file refuses every client).
 */
export async function startZapHandler(home: string, secretKey: string, log: ServerSecurityLog): Promise<ZapHandler> {
  const file = authorizedKeysFile(home);
  if (!fs.existsSync(file)) {
    throw new TcpPolicyError(
      "CURVE",
      `${file} does not exist: a server with CURVE lets in only the clients listed there. Write each client's key pair with \`omero-fs curve keygen client\` and add the content of its client.pub as a line of ${file} (an empty file refuses every client)`,
    );
  }
  for (const p of keyPermissionProblems(curveDir(home))) log.warn(`CURVE keys: ${p}`);
  const own = curvePublicKeyOf(secretKey);
  const zap = new ZapHandler({ authorizedKeysFile: file, alwaysAllow: { [own]: "server (this host)" }, log });
  await zap.start();
  log.info(
    `CURVE server public key (etc/curve/server.pub; remote clients set omero.fs.monitorServerKey to it): ${own}`,
  );
  return zap;
}

/**
 * Keys for a tool on the server's own host (the CLI, the node) calling one of this home's servers:
 * on tcp:// with etc/curve/server.key, the server's own key pair (the ZAP handler always lets it
 * in: whoever can read server.key is the server); else none (ipc://, or plain TCP the server
 * allows with insecureTcp).
 */
export function localClientCurve(home: string, endpoint: string): CurveClientKeys | undefined {
  if (!endpoint.startsWith("tcp://")) return undefined;
  const dir = curveDir(home);
  return fs.existsSync(path.join(dir, "server.key")) ? loadLocalCurve(dir) : undefined;
}

/**
 * A control client for one of this home's own servers (node, DropBox, MonitorServer) from a tool
 * on the same host: with the server's key pair on a CURVE tcp:// endpoint (localClientCurve).
 */
export function localControlClient(
  home: string,
  endpoint: string,
  options: Omit<NonNullable<ConstructorParameters<typeof ControlClient>[1]>, "curve"> = {},
): ControlClient {
  const curve = localClientCurve(home, endpoint);
  return new ControlClient(endpoint, { ...options, ...(curve ? { curve } : {}) });
}
