/**
 * CURVE key files and the authorized_keys list (README "Across hosts: TCP, CURVE and ZAP"). Pure
 * parsing and Z85 (ZeroMQ RFC 32); file I/O and the ZAP handler are in `@omero-fs/protocol/zmq`.
 *
 * Key files (`etc/curve/NAME.key`, `NAME.pub`): the 40-character Z85 key on one line; blank lines
 * and `#` comments are allowed around it. A CZMQ/pyzmq certificate (`public-key = "..."`,
 * `secret-key = "..."`) is read too. authorized_keys: one Z85 public key per line, optionally
 * followed by white space and a name (`<key> dropbox@omero-host`); `#` starts a comment line.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";

const Z85_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const Z85_INDEX = new Map([...Z85_CHARS].map((c, i) => [c, i]));
const Z85_KEY = /^[0-9A-Za-z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

/** A 40-character Z85 string (a 32-byte CURVE key). */
export function isZ85Key(s: string): boolean {
  return Z85_KEY.test(s);
}

/** Z85-encode bytes (length a multiple of 4). */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new Error(`z85: ${bytes.length} bytes is not a multiple of 4`);
  let out = "";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < bytes.length; i += 4) {
    let v = view.getUint32(i);
    let chunk = "";
    for (let j = 0; j < 5; j++) {
      chunk = Z85_CHARS[v % 85]! + chunk;
      v = Math.floor(v / 85);
    }
    out += chunk;
  }
  return out;
}

/** Z85-decode a string (length a multiple of 5). */
export function z85Decode(s: string): Buffer {
  if (s.length % 5 !== 0) throw new Error(`z85: length ${s.length} is not a multiple of 5`);
  const out = Buffer.alloc((s.length / 5) * 4);
  for (let i = 0; i < s.length; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const d = Z85_INDEX.get(s[i + j]!);
      if (d === undefined) throw new Error(`z85: '${s[i + j]}' is not a Z85 character`);
      v = v * 85 + d;
    }
    if (v > 0xffffffff) throw new Error(`z85: '${s.slice(i, i + 5)}' is out of range`);
    out.writeUInt32BE(v, (i / 5) * 4);
  }
  return out;
}

const X25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

/** The public key of a Z85 CURVE secret key (X25519, as libsodium's crypto_scalarmult_base). */
export function curvePublicKeyOf(secretKey: string): string {
  const der = Buffer.concat([X25519_PKCS8_PREFIX, z85Decode(secretKey)]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" }));
  return z85Encode(pub.export({ format: "der", type: "spki" }).subarray(-32));
}

/** A key file that holds no usable key: `message` names the file and the fix. */
export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyFileError";
  }
}

/**
 * The key in a key file's text: `kind` says which one a CZMQ certificate gives. Throws
 * KeyFileError naming `file`.
 */
export function parseKeyFile(text: string, file: string, kind: "secret" | "public"): string {
  const cert = new RegExp(`^\\s*${kind}-key\\s*=\\s*"(.{40})"\\s*$`, "m").exec(text);
  if (cert && isZ85Key(cert[1]!)) return cert[1]!;
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const first = lines[0] ?? "";
  if (lines.length === 1 && isZ85Key(first)) return first;
  throw new KeyFileError(
    `${file} holds no Z85 CURVE ${kind} key (one line of 40 characters): write a key pair with \`omero-fs curve keygen NAME\``,
  );
}

export interface AuthorizedKeys {
  /** Z85 public key -> its name ("" when the line gave none). */
  keys: Map<string, string>;
  /** Lines that are not a key: reported (with their number), never a reason to stop. */
  problems: { line: number; message: string }[];
}

/** Parse an authorized_keys text (see the module comment for the format). */
export function parseAuthorizedKeys(text: string): AuthorizedKeys {
  const keys = new Map<string, string>();
  const problems: AuthorizedKeys["problems"] = [];
  text.split("\n").forEach((raw, i) => {
    const l = raw.trim();
    if (l === "" || l.startsWith("#")) return;
    const m = /^(\S+)(?:\s+(.*))?$/.exec(l)!;
    const key = m[1]!;
    if (!isZ85Key(key)) {
      problems.push({
        line: i + 1,
        message: `line ${i + 1}: '${key.slice(0, 48)}' is not a Z85 public key (40 characters, the content of a .pub file)`,
      });
      return;
    }
    keys.set(key, (m[2] ?? "").trim());
  });
  return { keys, problems };
}
