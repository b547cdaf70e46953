import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfigOrThrow, type OmeroFsConfig } from "@omero-fs/config";
import * as zmq from "zeromq";
import { snapshotKeyOf } from "./monitor-link";
import { curveKeysFor, endpointsOf } from "./monitor-links";

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "omero-fs-links-"));
  fs.mkdirSync(path.join(home, "etc", "curve"), { recursive: true });
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function config(o: Record<string, string>): OmeroFsConfig {
  fs.writeFileSync(path.join(home, "etc", "config.json"), JSON.stringify(o));
  return loadConfigOrThrow({ home, env: {} });
}
const REMOTE = {
  "omero.fs.importUsers": "default;zak",
  "omero.fs.watchDir": "/a;/z",
  "omero.fs.monitorControl": ";tcp://storage:4097",
  "omero.fs.monitorEvents": ";tcp://storage:4098",
};

test("an empty slot is this node's MonitorServer; a set slot its own endpoints", () => {
  const c = config({ ...REMOTE, "omero.fs.insecureTcp": "true" });
  expect(endpointsOf(c.watches[0]!, c)).toEqual({
    control: c.global.monitorBindControl,
    events: c.global.monitorBindEvents,
  });
  expect(endpointsOf(c.watches[1]!, c)).toEqual({ control: "tcp://storage:4097", events: "tcp://storage:4098" });
});

test("ipc needs no keys; plain TCP only with insecureTcp", () => {
  const c = config({ ...REMOTE, "omero.fs.insecureTcp": "true" });
  expect(curveKeysFor(null, c.global.monitorBindControl, c, home)).toBeNull();
  expect(curveKeysFor(c.watches[1]!, "tcp://storage:4097", c, home)).toBeNull();
});

test("CURVE: the server key from monitorServerKey (a .pub in etc/curve), this DropBox's client pair", () => {
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  const dir = path.join(home, "etc", "curve");
  fs.writeFileSync(path.join(dir, "storage.pub"), `${server.publicKey}\n`);
  const c = config({ ...REMOTE, "omero.fs.monitorServerKey": ";storage.pub" });
  // No client key yet: the error names the file and the command that makes it.
  expect(() => curveKeysFor(c.watches[1]!, "tcp://storage:4097", c, home)).toThrow(/client\.key.*curve keygen client/s);
  fs.writeFileSync(path.join(dir, "client.key"), `${client.secretKey}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "client.pub"), `${client.publicKey}\n`);
  expect(curveKeysFor(c.watches[1]!, "tcp://storage:4097", c, home)).toEqual({
    serverKey: server.publicKey,
    publicKey: client.publicKey,
    secretKey: client.secretKey,
  });
});

test("snapshot keys: the local one as before; a remote one per DropBox (host and home), stable", () => {
  const c = config({ ...REMOTE, "omero.fs.insecureTcp": "true" });
  const w = c.watches[1]!;
  expect(snapshotKeyOf(w)).toMatch(/^dropbox-w1-[0-9a-f]{12}$/);
  const mine = snapshotKeyOf(w, "omero-host:/var/lib/omero-fs");
  expect(mine).toMatch(/^dropbox-w1-[0-9a-f]{12}$/);
  expect(mine).not.toBe(snapshotKeyOf(w));
  expect(mine).not.toBe(snapshotKeyOf(w, "test-host:/var/lib/omero-fs"));
  expect(snapshotKeyOf(w, "omero-host:/var/lib/omero-fs")).toBe(mine);
});
