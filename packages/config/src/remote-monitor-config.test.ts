import { configHome, props } from "./__fixtures__/config-home";

const h = configHome();
const { writeXml, load } = h;

describe("per-watch MonitorServers (monitorControl, monitorEvents, monitorServerKey, monitorPathMap)", () => {
  const KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
  const two = (o: Record<string, string>) => writeXml(props({ importUsers: "amy;zak", watchDir: "/a;/mnt/s/z", ...o }));

  test("an empty slot is the local MonitorServer; a set slot is that watch's own", () => {
    two({
      monitorControl: ";tcp://storage:4061",
      monitorEvents: ";tcp://storage:4062",
      monitorServerKey: `;${KEY}`,
      monitorPathMap: ";/export/data=/mnt/s/",
    });
    const r = load();
    expect(r.problems).toEqual([]);
    const [amy, zak] = r.config!.watches;
    expect(amy).toMatchObject({ monitorControl: "", monitorEvents: "", monitorServerKey: "", monitorPathMap: null });
    expect(zak).toMatchObject({
      monitorControl: "tcp://storage:4061",
      monitorEvents: "tcp://storage:4062",
      monitorServerKey: KEY,
      monitorPathMap: { remote: "/export/data", local: "/mnt/s" },
    });
  });

  test("monitorServerKey may be an absolute path to a .pub file", () => {
    two({ monitorControl: ";tcp://s:1", monitorEvents: ";tcp://s:2", monitorServerKey: ";/etc/keys/server.pub" });
    expect(load().config!.watches[1]!.monitorServerKey).toBe("/etc/keys/server.pub");
    // Relative: a .pub file in <home>/etc/curve.
    two({ monitorControl: ";tcp://s:1", monitorEvents: ";tcp://s:2", monitorServerKey: ";storage1.pub" });
    expect(load().config!.watches[1]!.monitorServerKey).toBe("storage1.pub");
  });

  const bad = (o: Record<string, string>) => {
    two(o);
    const r = load();
    expect(r.config).toBeNull();
    expect(r.problems).toHaveLength(1);
    return r.problems[0]!;
  };

  test("monitorControl without monitorEvents names the missing one and the slot", () => {
    const p = bad({ monitorControl: ";tcp://s:1", insecureTcp: "true" });
    expect(p).toMatchObject({ property: "omero.fs.monitorEvents", slot: 1 });
    expect(p.message).toContain("watch 2 of 2 (zak)");
    expect(p.message).toContain("give both endpoints");
  });

  test("TCP without a server key is refused unless insecureTcp", () => {
    const p = bad({ monitorControl: ";tcp://s:1", monitorEvents: ";tcp://s:2" });
    expect(p).toMatchObject({ property: "omero.fs.monitorServerKey", slot: 1 });
    expect(p.message).toContain("omero-fs curve keygen server");
    expect(p.message).toContain("insecureTcp=true");
    two({ monitorControl: ";tcp://s:1", monitorEvents: ";tcp://s:2", insecureTcp: "true" });
    expect(load().problems).toEqual([]);
  });

  test("one control endpoint with two events endpoints", () => {
    const p = bad({
      monitorControl: "tcp://s:1;tcp://s:1",
      monitorEvents: "tcp://s:2;tcp://s:3",
      insecureTcp: "true",
    });
    expect(p).toMatchObject({ property: "omero.fs.monitorEvents", slot: 1 });
    expect(p.message).toContain("one MonitorServer has one events endpoint");
  });

  test.each([
    ["monitorServerKey", ";tooShort", "neither a Z85 CURVE public key"],
    ["monitorServerKey", ";../x.pub", "neither a Z85 CURVE public key"],
    ["monitorPathMap", ";/export/data", "REMOTE=LOCAL"],
    ["monitorPathMap", ";export=/mnt/s", "REMOTE=LOCAL"],
    ["monitorControl", ";storage:4061", "not an endpoint"],
  ])("%s=%s", (name, value, why) => {
    const p = bad({ [name]: value });
    expect(p).toMatchObject({ property: `omero.fs.${name}`, slot: 1 });
    expect(p.message).toContain(why);
  });

  test("a watchDir outside the path map's LOCAL (prefix sibling)", () => {
    const p = bad({ monitorPathMap: ";/export=/mnt/s/zz" });
    expect(p).toMatchObject({ property: "omero.fs.monitorPathMap", slot: 1 });
    expect(p.message).toContain("watchDir /mnt/s/z is not under /mnt/s/zz");
  });
});
