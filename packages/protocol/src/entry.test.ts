import * as path from "node:path";

/**
 * The schema entry point must not load the ZeroMQ addon: the readers, the monitor's filters and
 * the DropBox's path rules import it, and a native addon is heavy (and absent on a machine that
 * only lints or parses). The sockets are in `@omero-fs/protocol/zmq`.
 */
const loadedZeromq = () => Object.keys(require.cache).filter((k) => k.includes(`${path.sep}zeromq${path.sep}`));

describe("entry points", () => {
  beforeEach(() => jest.resetModules());

  it("the schema entry point does not load zeromq", () => {
    for (const k of loadedZeromq()) delete require.cache[k];
    const protocol = require("./index") as typeof import("./index");
    expect(protocol.CreateMonitorParamsSchema).toBeDefined();
    expect(protocol.isSysFileName(".DS_Store")).toBe(true);
    expect(loadedZeromq()).toEqual([]);
  });

  it("the zmq entry point does load it (so the check above can fail)", () => {
    const zmq = require("./zmq") as typeof import("./zmq");
    expect(zmq.ControlServer).toBeDefined();
    expect(loadedZeromq().length).toBeGreaterThan(0);
  });
});
