import {
  curvePublicKeyOf,
  isZ85Key,
  KeyFileError,
  parseAuthorizedKeys,
  parseKeyFile,
  z85Decode,
  z85Encode,
} from "./curve-keys";
import { parseZapRequest, zapReplyFrames, zapVerdict } from "./zap";

// A key pair made by zeromq's curveKeyPair().
const PAIR = {
  publicKey: "SNtI8):7@!W/Hvns(f682NW1YT#?%Tc7EYZzP^AC",
  secretKey: "7bQe+bSG==kr*&Ju8J?q(l-04!bU>BGHpo@{8>@E",
};

test("Z85: the RFC 32 test vector, round trips, bad input", () => {
  const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  expect(z85Encode(bytes)).toBe("HelloWorld");
  expect(z85Decode("HelloWorld")).toEqual(bytes);
  expect(z85Encode(z85Decode(PAIR.publicKey))).toBe(PAIR.publicKey);
  expect(() => z85Decode("Hello Worl")).toThrow(/not a Z85 character/);
  expect(() => z85Encode(Buffer.alloc(3))).toThrow(/multiple of 4/);
  expect([isZ85Key(PAIR.publicKey), isZ85Key("short"), isZ85Key(`${PAIR.publicKey} `)]).toEqual([true, false, false]);
});

test("curvePublicKeyOf derives what curveKeyPair paired", () => {
  expect(curvePublicKeyOf(PAIR.secretKey)).toBe(PAIR.publicKey);
});

test("parseKeyFile: one line, comments, a CZMQ certificate; anything else named", () => {
  expect(parseKeyFile(`${PAIR.secretKey}\n`, "s.key", "secret")).toBe(PAIR.secretKey);
  expect(parseKeyFile(`# made for amy\n\n  ${PAIR.publicKey}  \n`, "c.pub", "public")).toBe(PAIR.publicKey);
  const cert = `metadata\ncurve\n    public-key = "${PAIR.publicKey}"\n    secret-key = "${PAIR.secretKey}"\n`;
  expect(parseKeyFile(cert, "c.key_secret", "secret")).toBe(PAIR.secretKey);
  expect(parseKeyFile(cert, "c.key_secret", "public")).toBe(PAIR.publicKey);
  expect(() => parseKeyFile("nope", "/h/etc/curve/server.key", "secret")).toThrow(KeyFileError);
  expect(() => parseKeyFile(`${PAIR.secretKey}\n${PAIR.secretKey}\n`, "x.key", "secret")).toThrow(
    /x\.key holds no Z85 CURVE secret key.*curve keygen/,
  );
});

test("parseAuthorizedKeys: keys with optional names, comments, bad lines reported", () => {
  const r = parseAuthorizedKeys(`# hosts\n${PAIR.publicKey} dropbox@omero host\n\n  ${PAIR.secretKey}\nbad line\n`);
  expect([...r.keys]).toEqual([
    [PAIR.publicKey, "dropbox@omero host"],
    [PAIR.secretKey, ""],
  ]);
  expect(r.problems).toEqual([{ line: 5, message: expect.stringContaining("'bad' is not a Z85 public key") }]);
});

test("ZAP: CURVE key authorised or refused; NULL accepted; malformed ignored", () => {
  const frames = (mech: string, cred?: Buffer) =>
    ["1.0", "7", "monitor-control", "127.0.0.1", "", mech, ...(cred ? [cred] : [])].map((f) =>
      typeof f === "string" ? Buffer.from(f) : f,
    );
  const req = parseZapRequest(frames("CURVE", z85Decode(PAIR.publicKey)))!;
  expect(req).toMatchObject({ domain: "monitor-control", address: "127.0.0.1", publicKey: PAIR.publicKey });
  const keys = new Map([[PAIR.publicKey, "dropbox"]]);
  expect(zapVerdict(req, keys)).toEqual({ status: "200", text: "OK", userId: "dropbox" });
  expect(zapVerdict(req, new Map())).toMatchObject({ status: "400" });
  expect(zapVerdict(parseZapRequest(frames("NULL"))!, new Map())).toMatchObject({ status: "200" });
  expect(zapVerdict(parseZapRequest(frames("PLAIN"))!, keys)).toMatchObject({ status: "400" });
  expect(parseZapRequest([Buffer.from("2.0")])).toBeNull();
  expect(zapReplyFrames(req, { status: "400", text: "no", userId: "" }).map(String)).toEqual([
    "1.0",
    "7",
    "400",
    "no",
    "",
    "",
  ]);
});
