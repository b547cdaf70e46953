/**
 * The one control-socket server (`ControlServer` of @omero-fs/protocol/zmq) on a real ROUTER, as
 * the node, the MonitorServer and the DropBox run it: framing, error codes, concurrency, close.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ControlError } from "@omero-fs/protocol";
import { ControlCallError, ControlClient, ControlServer } from "@omero-fs/protocol/zmq";
import * as zmq from "zeromq";
import { z } from "zod";

const methods = {
  ping: z.strictObject({}),
  echo: z.strictObject({ text: z.string() }),
  slow: z.strictObject({}),
  refuse: z.strictObject({}),
  crash: z.strictObject({}),
  lie: z.strictObject({}),
};
const results = { echo: z.object({ text: z.string() }), lie: z.object({ n: z.number() }) };

describe("ControlServer", () => {
  let dir: string;
  let server: ControlServer<typeof methods, typeof results>;
  let endpoint: string;
  let release: () => void = () => undefined;
  const logged: string[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-ctl-"));
    endpoint = `ipc://${dir}/run/ctl.sock`;
    server = new ControlServer({
      endpoint,
      methods,
      results,
      log: {
        debug: () => undefined,
        warn: (m) => logged.push(`warn ${m}`),
        error: (m) => logged.push(`error ${m}`),
      },
      handlers: {
        ping: () => ({ pid: process.pid }),
        echo: ({ text }) => ({ text }),
        slow: async () => {
          await new Promise<void>((r) => {
            release = r;
          });
          return { done: true };
        },
        refuse: () => {
          throw new ControlError("UNKNOWN_MONITOR", "no such thing\nsecond line");
        },
        crash: () => {
          throw new Error("boom");
        },
        // A server bug the compiler would catch: the cast makes one, to see it answered INTERNAL.
        lie: () => ({ n: "not a number" }) as unknown as { n: number },
      },
    });
    await server.bind();
  });

  afterEach(async () => {
    release();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("answers REQ with the delimiter and every bad message with its code, and keeps serving", async () => {
    const req = new zmq.Request({ linger: 0, receiveTimeout: 5000 });
    req.connect(endpoint);
    const ask = async (frame: string) => {
      await req.send(frame);
      const [reply] = await req.receive();
      return JSON.parse(reply!.toString());
    };
    expect(await ask("{")).toMatchObject({ v: 1, id: null, ok: false, error: { code: "BAD_FRAME" } });
    expect(await ask(JSON.stringify({ v: 2, id: "a", method: "ping" }))).toMatchObject({
      id: "a",
      error: { code: "BAD_VERSION" },
    });
    expect(await ask(JSON.stringify({ v: 1, id: "b", method: "fly" }))).toMatchObject({
      id: "b",
      error: { code: "UNKNOWN_METHOD" },
    });
    expect(await ask(JSON.stringify({ v: 1, id: "c", method: "echo", params: { text: 1 } }))).toMatchObject({
      id: "c",
      error: { code: "BAD_PARAMS", message: expect.stringContaining("params.text") },
    });
    expect(await ask(JSON.stringify({ v: 1, id: "d", method: "refuse" }))).toEqual({
      v: 1,
      id: "d",
      ok: false,
      error: { code: "UNKNOWN_MONITOR", message: "no such thing" },
    });
    expect(await ask(JSON.stringify({ v: 1, id: "e", method: "crash" }))).toMatchObject({
      id: "e",
      error: { code: "INTERNAL", message: "boom" },
    });
    expect(await ask(JSON.stringify({ v: 1, id: "f", method: "lie" }))).toMatchObject({
      id: "f",
      error: { code: "INTERNAL", message: expect.stringContaining("result of lie failed validation") },
    });
    expect(await ask(JSON.stringify({ v: 1, id: "g", method: "echo", params: { text: "hi" } }))).toEqual({
      v: 1,
      id: "g",
      ok: true,
      result: { text: "hi" },
    });
    req.close();
    expect(logged.some((l) => l.startsWith("error control: crash failed: boom"))).toBe(true);
  });

  test("answers a DEALER without the delimiter; two payload frames are BAD_FRAME", async () => {
    const dealer = new zmq.Dealer({ linger: 0, receiveTimeout: 5000 });
    dealer.connect(endpoint);
    await dealer.send(["one", "two"]);
    const frames = await dealer.receive();
    expect(frames).toHaveLength(1);
    expect(JSON.parse(frames[0]!.toString())).toMatchObject({ id: null, error: { code: "BAD_FRAME" } });
    await dealer.send(JSON.stringify({ v: 1, id: "x", method: "ping" }));
    const [ok] = await dealer.receive();
    expect(JSON.parse(ok!.toString())).toMatchObject({ id: "x", ok: true, result: { pid: process.pid } });
    dealer.close();
  });

  test("a slow call does not hold up others; close removes the ipc socket file", async () => {
    const client = new ControlClient(endpoint, { timeoutMs: 5000 });
    try {
      const slow = client.call("slow");
      await expect(client.call("ping")).resolves.toEqual({ pid: process.pid });
      release();
      await expect(slow).resolves.toEqual({ done: true });
      await expect(client.call("refuse")).rejects.toMatchObject({ code: "UNKNOWN_MONITOR" });
      await expect(client.call("refuse")).rejects.toBeInstanceOf(ControlCallError);
    } finally {
      client.close();
    }
    const file = endpoint.slice("ipc://".length);
    expect(fs.existsSync(file)).toBe(true);
    await server.close();
    expect(fs.existsSync(file)).toBe(false);
  });
});
