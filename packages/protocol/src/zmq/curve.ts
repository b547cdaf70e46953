/**
 * CURVE on omero-fs's TCP endpoints (README "Across hosts: TCP, CURVE and ZAP"): key files in
 * `<home>/etc/curve/`, the client side's options, and the ZAP handler that lets in only the
 * clients whose public keys are in `authorized_keys`. Formats: ../curve-keys.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zmq from "zeromq";
import { curvePublicKeyOf, isZ85Key, KeyFileError, parseAuthorizedKeys, parseKeyFile } from "../curve-keys";
import { parseZapRequest, zapReplyFrames, zapVerdict } from "../zap";

/** What a CURVE client socket needs (the options of ControlClient's `curve`). */
export interface CurveClientKeys {
  /** The server's public key. */
  serverKey: string;
  publicKey: string;
  secretKey: string;
}

/** `<home>/etc/curve` (`home` is omero-fs's home directory). */
export function curveDir(home: string): string {
  return path.join(home, "etc", "curve");
}

/** Read one key file; a missing or malformed file is a KeyFileError naming it and the fix. */
export function readKeyFile(file: string, kind: "secret" | "public"): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KeyFileError(
      code === "ENOENT"
        ? `${file} does not exist: write it with \`omero-fs curve keygen ${path.basename(file).replace(/\.(key|pub)$/, "")}\``
        : `${file} cannot be read: ${(e as Error).message}`,
    );
  }
  return parseKeyFile(text, file, kind);
}

/**
 * The key pair NAME in `dir` (NAME.key; NAME.pub when present, else derived from the secret key).
 * A NAME.pub that does not match NAME.key is an error: one of them was replaced.
 */
export function loadKeyPair(dir: string, name: string): { publicKey: string; secretKey: string } {
  const secretKey = readKeyFile(path.join(dir, `${name}.key`), "secret");
  const derived = curvePublicKeyOf(secretKey);
  const pubFile = path.join(dir, `${name}.pub`);
  if (fs.existsSync(pubFile)) {
    const publicKey = readKeyFile(pubFile, "public");
    if (publicKey !== derived)
      throw new KeyFileError(
        `${pubFile} is not the public key of ${path.join(dir, `${name}.key`)}: write the pair again with \`omero-fs curve keygen ${name} --force\``,
      );
  }
  return { publicKey: derived, secretKey };
}

/**
 * Permissions that defeat the keys, as ssh would complain of them: a secret key readable by group
 * or others, an authorized_keys (or its folder) writable by them. One message per problem.
 */
export function keyPermissionProblems(dir: string, secretKeyName = "server"): string[] {
  const out: string[] = [];
  const modeOf = (f: string) => fs.statSync(f, { throwIfNoEntry: false })?.mode;
  const key = path.join(dir, `${secretKeyName}.key`);
  const km = modeOf(key);
  if (km !== undefined && (km & 0o077) !== 0)
    out.push(`${key} can be read by other users (mode ${(km & 0o777).toString(8)}): chmod 600 ${key}`);
  for (const f of [dir, path.join(dir, "authorized_keys")]) {
    const m = modeOf(f);
    if (m !== undefined && (m & 0o022) !== 0)
      out.push(`${f} can be changed by other users (mode ${(m & 0o777).toString(8)}): chmod go-w ${f}`);
  }
  return out;
}

/**
 * A server's public key as configured: a Z85 key itself, or a path to its .pub file (relative
 * paths are below `dir`, normally etc/curve).
 */
export function resolveServerKey(value: string, dir: string): string {
  const v = value.trim();
  if (isZ85Key(v)) return v;
  return readKeyFile(path.resolve(dir, v), "public");
}

/**
 * The DropBox's (or any client's) CURVE keys: `client.key`/`client.pub` in `dir` and the server's
 * public key (`serverKey`: Z85 or a .pub path, see resolveServerKey).
 */
export function loadClientCurve(dir: string, serverKey: string, name = "client"): CurveClientKeys {
  return { serverKey: resolveServerKey(serverKey, dir), ...loadKeyPair(dir, name) };
}

/**
 * Keys for a tool on the MonitorServer's own host (the node's health check, scripts): the server's
 * key pair as a client. The ZAP handler always accepts the server's own key (whoever can read
 * server.key is the server).
 */
export function loadLocalCurve(dir: string): CurveClientKeys {
  const pair = loadKeyPair(dir, "server");
  return { serverKey: pair.publicKey, ...pair };
}

/** Make any client socket (DEALER, SUB) a CURVE client. Call before connect(). */
export function setCurveClient(socket: zmq.Socket, keys: CurveClientKeys): void {
  socket.curveServerKey = keys.serverKey;
  socket.curvePublicKey = keys.publicKey;
  socket.curveSecretKey = keys.secretKey;
}

/** Where the ZAP handler logs. */
export interface ZapLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ZapHandlerOptions {
  /** etc/curve/authorized_keys: re-read whenever its mtime, size or inode changes. */
  authorizedKeysFile: string;
  /** Keys accepted whatever the file says (the server's own public key). */
  alwaysAllow?: Record<string, string>;
  log: ZapLog;
}

/** libzmq asks the ZAP handler of its context at this inproc endpoint (RFC 27). */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

/**
 * The ZAP handler of this process: bind it before any CURVE server socket binds (without a handler
 * libzmq lets every CURVE client in). A refused client gets no answer to anything (libzmq drops
 * the connection after the handshake); each refused key is logged once (again after the file
 * changes), not per attempt.
 */
export class ZapHandler {
  private readonly socket = new zmq.Reply({ linger: 0 });
  private loop: Promise<void> | null = null;
  private stamp = "";
  private keys = new Map<string, string>();
  private readonly refused = new Set<string>();
  private readonly accepted = new Set<string>();
  private closed = false;

  constructor(private readonly o: ZapHandlerOptions) {}

  /** Read the keys and bind. Returns how many keys the file holds. */
  async start(): Promise<number> {
    this.reload();
    await this.socket.bind(ZAP_ENDPOINT);
    this.loop = this.serve();
    return this.keys.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    await this.loop;
  }

  /** Re-read authorized_keys when it changed (cheap: one stat per connection handshake). */
  private reload(): void {
    const file = this.o.authorizedKeysFile;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(file, { throwIfNoEntry: false });
    } catch (e) {
      // Unreadable folder: keep the keys read last, say so once.
      if (this.stamp !== "error")
        this.o.log.error(`${file} cannot be checked (${(e as Error).message}); using the keys read before`);
      this.stamp = "error";
      return;
    }
    const stamp = st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "missing";
    if (stamp === this.stamp) return;
    const first = this.stamp === "";
    this.stamp = stamp;
    this.refused.clear();
    this.accepted.clear();
    if (!st) {
      this.keys = new Map();
      this.o.log.error(
        `${file} does not exist: every CURVE client is refused. Add each client's public key (its client.pub, from \`omero-fs curve keygen client\`) on a line of its own`,
      );
      return;
    }
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      this.keys = new Map();
      this.o.log.error(`${file} cannot be read (${(e as Error).message}): every CURVE client is refused`);
      return;
    }
    const parsed = parseAuthorizedKeys(text);
    for (const p of parsed.problems) this.o.log.warn(`${file}: ${p.message}; line ignored`);
    this.keys = parsed.keys;
    const names = [...parsed.keys.values()].map((n) => n || "(unnamed)");
    this.o.log.info(
      `${file} ${first ? "read" : "changed, read again"}: ${parsed.keys.size} authorised client key(s)${names.length ? `: ${names.join(", ")}` : "; every CURVE client is refused until one is added"}`,
    );
  }

  private async serve(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const req = parseZapRequest(frames);
        if (!req) {
          // A malformed request (not from libzmq): answer so the socket is not wedged.
          await this.socket.send(["1.0", frames[1] ?? "", "500", "malformed ZAP request", "", ""]);
          continue;
        }
        this.reload();
        const all = new Map([...this.keys, ...Object.entries(this.o.alwaysAllow ?? {})]);
        const v = zapVerdict(req, all);
        const who = `${req.publicKey ?? req.mechanism} from ${req.address || "?"} on ${req.domain || "?"}`;
        const key = req.publicKey ?? req.mechanism;
        if (v.status === "200" && req.publicKey && !this.accepted.has(key)) {
          this.accepted.add(key);
          this.o.log.info(`CURVE client ${v.userId} (${req.publicKey}) accepted from ${req.address || "?"}`);
        } else if (v.status !== "200" && !this.refused.has(key)) {
          this.refused.add(key);
          this.o.log.warn(
            `REFUSED CURVE client ${who}: ${v.text}; to let it in, add its public key (client.pub) to ${this.o.authorizedKeysFile} (logged once per key)`,
          );
        }
        await this.socket.send(zapReplyFrames(req, v));
      }
    } catch (e) {
      if (!this.closed) this.o.log.error(`ZAP handler failed: ${(e as Error).message}; CURVE clients cannot connect`);
    }
  }
}
