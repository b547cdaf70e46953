import { monitorRootsOf, tcpPolicyProblems } from "./tcp-policy";
import type { GlobalConfig } from "./types";

const ipc = {
  nodeControl: "ipc:///h/var/run/node-control.sock",
  dropboxControl: "ipc:///h/var/run/dropbox-control.sock",
  monitorBindControl: "ipc:///h/var/run/monitor-control.sock",
  monitorBindEvents: "ipc:///h/var/run/monitor-events.sock",
  insecureTcp: false,
  monitorRoots: [] as string[],
};
const g = (over: Partial<typeof ipc>) => ({ ...ipc, ...over }) as unknown as GlobalConfig;
const keys = { dir: "/h/etc/curve", serverKey: true, authorizedKeys: true };
const noKeys = { ...keys, serverKey: false, authorizedKeys: false };

describe("TCP endpoints of this home's servers: CURVE with authorized_keys, or refused unless insecureTcp", () => {
  test("ipc endpoints need nothing", () => {
    expect(tcpPolicyProblems(g({}), noKeys)).toEqual({ problems: [], warnings: [] });
  });

  test.each([
    ["nodeControl", "stop the node and its servers"],
    ["dropboxControl", "start imports and rescans"],
  ] as const)("%s on TCP without keys is a problem naming the key file, the fix and the risk", (key, risk) => {
    const r = tcpPolicyProblems(g({ [key]: "tcp://0.0.0.0:4064" }), noKeys);
    expect(r.problems).toEqual([
      {
        property: `omero.fs.${key}`,
        slot: null,
        message: `omero.fs.${key}: tcp://0.0.0.0:4064 is a TCP endpoint, but /h/etc/curve/server.key does not exist: without CURVE anyone who can reach the port could ${risk}. Write the server's keys with \`omero-fs curve keygen server\` and list the clients allowed (the content of each one's client.pub) in /h/etc/curve/authorized_keys, or set omero.fs.insecureTcp=true for plain TCP`,
      },
    ]);
  });

  test("a server key without authorized_keys is a problem too (a CURVE server lets in only listed clients)", () => {
    const r = tcpPolicyProblems(g({ dropboxControl: "tcp://0.0.0.0:4064" }), { ...keys, authorizedKeys: false });
    expect(r.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("but /h/etc/curve/authorized_keys does not exist"),
    ]);
    // ... also with insecureTcp: a server key means CURVE.
    expect(
      tcpPolicyProblems(g({ dropboxControl: "tcp://0.0.0.0:4064", insecureTcp: true }), {
        ...keys,
        authorizedKeys: false,
      }).problems,
    ).toHaveLength(1);
  });

  test("with both key files: fine; insecureTcp without keys: a warning saying what anyone can do", () => {
    expect(tcpPolicyProblems(g({ nodeControl: "tcp://0.0.0.0:4064" }), keys)).toEqual({ problems: [], warnings: [] });
    expect(tcpPolicyProblems(g({ nodeControl: "tcp://0.0.0.0:4064", insecureTcp: true }), noKeys)).toEqual({
      problems: [],
      warnings: [
        "omero.fs.nodeControl: tcp://0.0.0.0:4064 is plain TCP (omero.fs.insecureTcp=true): unencrypted, and anyone who can reach the port can stop the node and its servers",
      ],
    });
  });

  test("a MonitorServer on TCP must have omero.fs.monitorRoots", () => {
    const tcp = { monitorBindControl: "tcp://0.0.0.0:4061", monitorBindEvents: "tcp://0.0.0.0:4062" };
    expect(tcpPolicyProblems(g(tcp), keys).problems.map((p) => p.property)).toEqual(["omero.fs.monitorRoots"]);
    expect(tcpPolicyProblems(g({ ...tcp, monitorRoots: ["/export/data"] }), keys).problems).toEqual([]);
  });
});

test("monitorRootsOf: the property, or this home's watch folders", () => {
  expect(monitorRootsOf({ monitorRoots: ["/export/a", "/export/b"] }, ["/h/data/DropBox"])).toEqual([
    "/export/a",
    "/export/b",
  ]);
  expect(monitorRootsOf({ monitorRoots: [] }, ["/h/data/DropBox", "/d/x", "/h/data/DropBox"])).toEqual([
    "/h/data/DropBox",
    "/d/x",
  ]);
});
