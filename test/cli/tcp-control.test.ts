/**
 * The node's and the DropBox's control endpoints on TCP (issue 19: one raw ZeroMQ `shutdown`
 * stopped a node bound to plain TCP, and `importExisting` was accepted). Real node, real servers,
 * real sockets: with CURVE keys, the CLI gets in with the server's keys and an unauthorised raw
 * ZeroMQ client (no key, a key not in authorized_keys, a wrong server key) gets no answer at all,
 * so `shutdown` does nothing; without keys `config check` fails and the node does not start,
 * unless omero.fs.insecureTcp=true.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { AdminStatusJsonSchema } from "@omero-fs/protocol";
import * as zmq from "zeromq";
import { waitFor } from "../helpers/wait";
import { jsonOf, makeHome, readLog, type TestHome } from "./harness";

jest.setTimeout(120_000);

let home: TestHome;
afterEach(() => home?.cleanup());

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function tcpHome(extra: Record<string, string> = {}): Promise<{ node: string; dropbox: string }> {
  const node = `tcp://127.0.0.1:${await freePort()}`;
  const dropbox = `tcp://127.0.0.1:${await freePort()}`;
  home = makeHome({ config: { "omero.fs.nodeControl": node, "omero.fs.dropboxControl": dropbox, ...extra } });
  return { node, dropbox };
}

/**
 * One request from a raw ZeroMQ DEALER (what an intruder on the network sends): the reply, or
 * null when nothing came back within `ms`.
 */
async function raw(
  endpoint: string,
  method: string,
  params: unknown,
  curve: { serverKey: string; publicKey: string; secretKey: string } | null,
  ms = 1500,
): Promise<string | null> {
  const s = new zmq.Dealer({ linger: 0, receiveTimeout: ms });
  if (curve) {
    s.curveServerKey = curve.serverKey;
    s.curvePublicKey = curve.publicKey;
    s.curveSecretKey = curve.secretKey;
  }
  s.connect(endpoint);
  try {
    await s.send(JSON.stringify({ v: 1, id: "x", method, params }));
    const [reply] = await s.receive();
    return reply!.toString();
  } catch {
    return null;
  } finally {
    s.close();
  }
}

const pubOf = (file: string) => fs.readFileSync(file, "utf8").trim();

test("node and DropBox control on TCP with CURVE: the CLI gets in; an unauthorised client gets no answer and shutdown does nothing", async () => {
  const ep = await tcpHome();
  for (const name of ["server", "client", "intruder"]) expect((await home.cli(["curve", "keygen", name])).code).toBe(0);
  const curve = path.join(home.dir, "etc", "curve");
  fs.writeFileSync(path.join(curve, "authorized_keys"), `${pubOf(path.join(curve, "client.pub"))} ops@laptop\n`);
  expect(await home.cli(["config", "check"])).toMatchObject({ code: 0 });

  // The CLI and the node talk to the node and the DropBox with this home's server keys.
  expect(await home.cli(["admin", "start"])).toMatchObject({ code: 0 });
  const status = async () => AdminStatusJsonSchema.parse(jsonOf(await home.cli(["admin", "status", "--json"])));
  const before = await status();
  expect(before.node.running).toBe(true);
  expect(before.servers.find((s) => s.name === "DropBox")?.state).toBe("running");
  expect(await home.cli(["dropbox", "sync"])).toMatchObject({ code: 0 });

  const serverKey = pubOf(path.join(curve, "server.pub"));
  const key = (name: string) => ({
    publicKey: pubOf(path.join(curve, `${name}.pub`)),
    secretKey: pubOf(path.join(curve, `${name}.key`)),
  });
  const client = key("client");
  const intruder = key("intruder");
  // An authorised key gets answers (so the silences below are the refusals, not a broken socket).
  expect(JSON.parse((await raw(ep.node, "ping", {}, { serverKey, ...client }, 15_000))!)).toMatchObject({ ok: true });
  // No key at all, a key not in authorized_keys, a wrong server key: nothing comes back.
  expect(await raw(ep.node, "shutdown", {}, null)).toBeNull();
  expect(await raw(ep.node, "shutdown", {}, { serverKey, ...intruder })).toBeNull();
  expect(await raw(ep.node, "shutdown", {}, { serverKey: intruder.publicKey, ...client })).toBeNull();
  expect(await raw(ep.dropbox, "importExisting", {}, null)).toBeNull();
  expect(await raw(ep.dropbox, "importExisting", {}, { serverKey, ...intruder })).toBeNull();

  // shutdown did nothing: the same node and DropBox still run and answer.
  const after = await status();
  expect(after.node.pid).toBe(before.node.pid);
  expect(after.servers.find((s) => s.name === "DropBox")).toMatchObject({
    state: "running",
    pid: before.servers.find((s) => s.name === "DropBox")!.pid,
  });
  await waitFor(
    () => readLog(home.dir, "Node").includes(`REFUSED CURVE client ${intruder.publicKey}`),
    "the node's refusal of the intruder's key in its log",
  );
  expect(readLog(home.dir, "Node")).toMatch(/node control endpoint tcp:\/\/127\.0\.0\.1:\d+: CURVE encryption/);
  expect(readLog(home.dir, "DropBox")).toMatch(/DropBox control endpoint tcp:\/\/127\.0\.0\.1:\d+: CURVE encryption/);
});

test("TCP control without keys: config check fails naming the fix and the node does not start; insecureTcp=true allows it with a warning", async () => {
  const ep = await tcpHome();
  const check = await home.cli(["config", "check"]);
  expect(check.code).toBe(1);
  expect(check.stdout + check.stderr).toContain(
    `omero.fs.nodeControl: ${ep.node} is a TCP endpoint, but ${path.join(home.dir, "etc", "curve", "server.key")} does not exist: without CURVE anyone who can reach the port could stop the node and its servers`,
  );
  expect(check.stdout + check.stderr).toContain(`omero.fs.dropboxControl: ${ep.dropbox} is a TCP endpoint`);
  const start = await home.cli(["admin", "start"]);
  expect(start.code).not.toBe(0);
  expect(start.stderr).toMatch(/omero\.fs\.insecureTcp=true/);

  expect((await home.cli(["config", "set", "insecureTcp", "true"])).code).toBe(0);
  const ok = await home.cli(["config", "check"]);
  expect(ok.code).toBe(0);
  expect(ok.stdout + ok.stderr).toContain(
    `omero.fs.nodeControl: ${ep.node} is plain TCP (omero.fs.insecureTcp=true): unencrypted, and anyone who can reach the port can stop the node and its servers`,
  );
});
