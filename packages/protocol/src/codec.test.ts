import {
  AdminStatusJsonSchema,
  DropBoxMethodParams,
  decodeEventBlock,
  decodeReply,
  decodeRequest,
  encodeError,
  encodeEventBlock,
  encodeRequest,
  encodeResult,
  ImportJsonSchema,
  MonitorMethodParams,
  MonitorMethodResults,
  withMonitorDefaults,
} from "./index";

function req(obj: unknown): string {
  return JSON.stringify(obj);
}

describe("decodeRequest", () => {
  it("accepts a createMonitor request with only watchDir and applies OMERO's defaults", () => {
    const d = decodeRequest(
      req({ v: 1, id: "a", method: "createMonitor", params: { watchDir: "/data/DropBox" } }),
      MonitorMethodParams,
    );
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.method).toBe("createMonitor");
    expect(withMonitorDefaults(d.value.params as { watchDir: string })).toEqual({
      watchDir: "/data/DropBox",
      eventTypes: ["Creation", "Modification"],
      pathMode: "Follow",
      whitelist: [],
      blacklist: [],
      timeout: 0,
      blockSize: 0,
      ignoreSysFiles: true,
      ignoreDirEvents: true,
    });
  });

  it("accepts a request without params for a no-params method", () => {
    const d = decodeRequest(req({ v: 1, id: "p", method: "ping" }), MonitorMethodParams);
    expect(d.ok && d.value.method).toBe("ping");
  });

  it("accepts a Buffer frame", () => {
    const d = decodeRequest(
      Buffer.from(req({ v: 1, id: "b", method: "listMonitors", params: {} })),
      MonitorMethodParams,
    );
    expect(d.ok).toBe(true);
  });

  it.each([
    ["not JSON", "{nope", "BAD_FRAME", null],
    ["a JSON array", "[1,2]", "BAD_FRAME", null],
    ["a missing method", req({ v: 1, id: "x" }), "BAD_FRAME", "x"],
    ["a numeric id", req({ v: 1, id: 7, method: "ping" }), "BAD_FRAME", null],
    ["params that are not an object", req({ v: 1, id: "x", method: "ping", params: [] }), "BAD_FRAME", "x"],
    ["another protocol version", req({ v: 2, id: "x", method: "ping" }), "BAD_VERSION", "x"],
    ["an unknown method", req({ v: 1, id: "x", method: "deleteEverything" }), "UNKNOWN_METHOD", "x"],
    [
      "a relative watchDir",
      req({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "rel" } }),
      "BAD_PARAMS",
      "x",
    ],
    [
      "an unknown pathMode",
      req({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "/d", pathMode: "Sideways" } }),
      "BAD_PARAMS",
      "x",
    ],
    [
      "an unknown event type",
      req({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "/d", eventTypes: ["Creation", "All"] } }),
      "BAD_PARAMS",
      "x",
    ],
    [
      "a negative blockSize",
      req({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "/d", blockSize: -1 } }),
      "BAD_PARAMS",
      "x",
    ],
    [
      "a string timeout",
      req({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "/d", timeout: "10" } }),
      "BAD_PARAMS",
      "x",
    ],
    [
      "an unknown createMonitor key",
      req({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "/d", colour: "red" } }),
      "BAD_PARAMS",
      "x",
    ],
    ["startMonitor without monitorId", req({ v: 1, id: "x", method: "startMonitor", params: {} }), "BAD_PARAMS", "x"],
  ])("rejects %s with %s", (_what, frame, code, id) => {
    const d = decodeRequest(frame, MonitorMethodParams);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error.code).toBe(code);
    expect(d.error.requestId).toBe(id);
    expect(d.error.message).not.toContain("\n");
    expect(d.error.message.length).toBeGreaterThan(10);
  });

  it("names the offending field in BAD_PARAMS", () => {
    const d = decodeRequest(
      req({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "/d", blockSize: "big" } }),
      MonitorMethodParams,
    );
    expect(!d.ok && d.error.message).toContain("params.blockSize");
  });

  it("uses the method table it is given (DropBox control)", () => {
    expect(decodeRequest(req({ v: 1, id: "r", method: "retry", params: { id: 3 } }), DropBoxMethodParams).ok).toBe(
      true,
    );
    const bad = decodeRequest(req({ v: 1, id: "r", method: "retry", params: { id: 0 } }), DropBoxMethodParams);
    expect(!bad.ok && bad.error.code).toBe("BAD_PARAMS");
    const unknown = decodeRequest(req({ v: 1, id: "r", method: "createMonitor", params: {} }), DropBoxMethodParams);
    expect(!unknown.ok && unknown.error.code).toBe("UNKNOWN_METHOD");
  });
});

describe("replies", () => {
  it("round-trips an ok reply and validates its result", () => {
    const frame = encodeResult("a", { monitorId: "m1" });
    expect(JSON.parse(frame)).toEqual({ v: 1, id: "a", ok: true, result: { monitorId: "m1" } });
    const d = decodeReply(frame, MonitorMethodResults.createMonitor);
    expect(d.ok && d.value.ok && d.value.result).toEqual({ monitorId: "m1" });
  });

  it("encodes an error reply exactly as the README's wire protocol section", () => {
    expect(JSON.parse(encodeError(null, "BAD_FRAME", "frame is not valid JSON"))).toEqual({
      v: 1,
      id: null,
      ok: false,
      error: { code: "BAD_FRAME", message: "frame is not valid JSON" },
    });
  });

  it("rejects a reply whose result does not match the method", () => {
    const d = decodeReply(encodeResult("a", { monitorId: 5 }), MonitorMethodResults.createMonitor);
    expect(!d.ok && d.error.code).toBe("BAD_FRAME");
  });

  it("rejects a reply of another version and an unknown error code", () => {
    const v2 = decodeReply(JSON.stringify({ v: 2, id: "a", ok: true, result: 1 }));
    expect(!v2.ok && v2.error.code).toBe("BAD_VERSION");
    const code = decodeReply(JSON.stringify({ v: 1, id: "a", ok: false, error: { code: "OOPS", message: "x" } }));
    expect(!code.ok && code.error.code).toBe("BAD_FRAME");
  });

  it("encodes requests in the envelope", () => {
    expect(JSON.parse(encodeRequest("i", "ping"))).toEqual({ v: 1, id: "i", method: "ping", params: {} });
  });
});

describe("event blocks", () => {
  const block = {
    v: 1 as const,
    monitorId: "m1",
    seq: 1,
    events: [{ path: "/d/amy/Übersicht_細胞 (1).tif", type: "Create" as const, isDir: false, catchUp: false }],
    rescan: null,
  };

  it("round-trips a block as two frames, topic first", () => {
    const frames = encodeEventBlock(block);
    expect(frames[0]).toBe("m1");
    const d = decodeEventBlock(frames.map((f) => Buffer.from(f)));
    expect(d.ok && d.value).toEqual(block);
  });

  it("accepts a rescan notice block with no events", () => {
    const d = decodeEventBlock(encodeEventBlock({ ...block, events: [], rescan: { reason: "overflow", path: "/d" } }));
    expect(d.ok && d.value.rescan).toEqual({ reason: "overflow", path: "/d" });
  });

  it.each([
    ["one frame", [JSON.stringify(block)], "BAD_FRAME"],
    ["a topic that differs from monitorId", ["m2", JSON.stringify(block)], "BAD_FRAME"],
    ["seq 0", ["m1", JSON.stringify({ ...block, seq: 0 })], "BAD_FRAME"],
    [
      "an unknown event type",
      ["m1", JSON.stringify({ ...block, events: [{ ...block.events[0], type: "Moved" }] })],
      "BAD_FRAME",
    ],
    [
      "a relative path",
      ["m1", JSON.stringify({ ...block, events: [{ ...block.events[0], path: "a.tif" }] })],
      "BAD_FRAME",
    ],
    ["a missing rescan key", ["m1", JSON.stringify({ v: 1, monitorId: "m1", seq: 1, events: [] })], "BAD_FRAME"],
    ["version 2", ["m1", JSON.stringify({ ...block, v: 2 })], "BAD_VERSION"],
    ["garbage", ["m1", "not json"], "BAD_FRAME"],
  ])("rejects %s", (_what, frames, code) => {
    const d = decodeEventBlock(frames);
    expect(d.ok).toBe(false);
    expect(!d.ok && d.error.code).toBe(code);
  });
});

describe("CLI JSON shapes", () => {
  it("accepts the documented admin status shape and rejects an unknown state", () => {
    const ok = {
      node: { pid: 10, running: true },
      servers: [
        {
          name: "MonitorServer",
          enabled: true,
          state: "running",
          pid: 11,
          restarts: 0,
          log: "/h/var/log/MonitorServer.log",
        },
        { name: "DropBox", enabled: false, state: "stopped", pid: null, restarts: 2, log: "/h/var/log/DropBox.log" },
      ],
    };
    expect(AdminStatusJsonSchema.safeParse(ok).success).toBe(true);
    const bad = { ...ok, servers: [{ ...ok.servers[0], state: "sleeping" }] };
    expect(AdminStatusJsonSchema.safeParse(bad).success).toBe(false);
  });

  it("requires every documented key of an import", () => {
    const imp = {
      id: 1,
      user: "amy",
      watch: 0,
      state: "imported",
      reader: "loci.formats.in.ICSReader",
      entry: "/d/amy/x.ics",
      files: ["/d/amy/x.ics", "/d/amy/x.ids"],
      attempts: 1,
      error: null,
      importer: "local",
      createdAt: "2026-11-25T10:00:00.000Z",
      importedAt: "2026-11-25T10:01:00.000Z",
      target: "/h/data/ManagedRepository/amy/2026-11/25/10-01-00.000",
      images: [{ name: "x.ics", sizeX: 512, sizeY: 512, sizeZ: 1, sizeC: 2, sizeT: 1, pixelType: "uint16" }],
    };
    expect(ImportJsonSchema.safeParse(imp).success).toBe(true);
    const { images: _images, ...missing } = imp;
    expect(ImportJsonSchema.safeParse(missing).success).toBe(false);
  });
});
