import { type HealthFacts, healthItems, type OmeroHealth } from "./status-health";

const T = Date.parse("2026-11-28T09:00:00Z");
const facts = (o: Partial<HealthFacts> = {}): HealthFacts => ({
  node: { pid: 10, startedMs: T },
  servers: [
    { name: "MonitorServer", enabled: true, state: "running", pid: 11 },
    { name: "DropBox", enabled: true, state: "running", pid: 12 },
  ],
  importer: "local",
  omero: undefined,
  ledger: { path: "/h/var/db/dropbox.sqlite", exists: true },
  checks: {},
  watches: [{ n: 1, user: "default", watchDir: "/h/data/DropBox" }],
  remote: [],
  ...o,
});
const level = (items: ReturnType<typeof healthItems>) => Object.fromEntries(items.map((i) => [i.key, i.level]));

test("all well: every part ok; OMERO only with the omero importer", () => {
  expect(level(healthItems(facts(), T))).toEqual({
    node: "ok",
    "server:MonitorServer": "ok",
    "server:DropBox": "ok",
    ledger: "ok",
    "watch:1": "ok",
  });
});

test("the DropBox stopped: said on the DropBox, the ledger and every watch", () => {
  const items = healthItems(
    facts({
      servers: [
        { name: "MonitorServer", enabled: true, state: "running", pid: 11 },
        { name: "DropBox", enabled: true, state: "stopped", pid: null },
      ],
      checks: null,
      importer: "omero",
    }),
    T,
  );
  expect(level(items)).toEqual({
    node: "ok",
    "server:MonitorServer": "ok",
    "server:DropBox": "bad",
    omero: "warn",
    ledger: "warn",
    "watch:1": "bad",
  });
  expect(items.find((i) => i.key === "server:DropBox")!.text).toContain("nothing is imported");
  expect(items.find((i) => i.key === "omero")!.text).toBe("unknown: the DropBox does not answer");
});

test("OMERO down, a ledger that cannot be written, a missing watch folder, an unreachable storage host", () => {
  const items = healthItems(
    facts({
      importer: "omero",
      omero: { up: false, since: T - 3_600_000, reason: "connection refused", checkedAt: T },
      checks: {
        ledger: "ledger cannot be written (disk full)",
        "watch:1": "watch 1 (default): watchDir /x does not exist",
      },
      remote: [
        {
          control: "tcp://s1:4097",
          state: "unreachable",
          lastContact: new Date(T - 600_000).toISOString(),
          watches: [1],
        },
      ],
    }),
    T,
  );
  const by = Object.fromEntries(items.map((i) => [i.key, i]));
  expect(by.omero).toMatchObject({
    level: "bad",
    text: expect.stringContaining("unreachable since 08:00 UTC: connection refused"),
  });
  expect(by.ledger).toMatchObject({ level: "bad", text: "ledger cannot be written (disk full)" });
  expect(by["watch:1"]!.level).toBe("bad");
  expect(by["remote:tcp://s1:4097"]).toMatchObject({ level: "bad", text: expect.stringContaining("(10 min)") });
  // Paused, as the DropBox reports it: what, why, that nothing fails, when it is asked again.
  const omero = (o: Partial<OmeroHealth>) =>
    healthItems(
      facts({ importer: "omero", omero: { up: false, since: T - 60_000, reason: "r", checkedAt: T, ...o } }),
      T,
    ).find((i) => i.key === "omero")!.text;
  expect(omero({ kind: "unreachable", nextProbeAt: T + 5000 })).toBe(
    "unreachable since 08:59 UTC: r; imports paused (none counted as failed); asked again at 09:00:05 UTC",
  );
  expect(omero({ kind: "login-refused", nextProbeAt: T - 1 })).toBe(
    "login refused since 08:59 UTC: r; imports paused (none counted as failed); being asked now",
  );
  expect(omero({ kind: "server-error", reason: null, nextProbeAt: null })).toBe(
    "server error since 08:59 UTC; imports paused (none counted as failed)",
  );
  expect(
    healthItems(facts({ importer: "omero", omero: { up: true, since: T, reason: null, checkedAt: T } }), T).find(
      (i) => i.key === "omero",
    ),
  ).toMatchObject({ level: "ok" });
});

test("disabled is off, degraded is a warning with its reason", () => {
  const items = healthItems(
    facts({
      servers: [
        { name: "MonitorServer", enabled: false, state: "stopped", pid: null },
        { name: "DropBox", enabled: true, state: "degraded", pid: 12, reason: "watch 1: missing" },
      ],
    }),
    T,
  );
  expect(items[1]).toMatchObject({ level: "off" });
  expect(items[2]).toMatchObject({ level: "warn", text: "running, degraded: watch 1: missing" });
});
