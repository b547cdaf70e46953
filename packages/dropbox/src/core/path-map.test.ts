import { blockToLocal, toLocal, toRemote } from "./path-map";

const map = { remote: "/data/x", local: "/mnt/storage/x" };

describe("toLocal (event paths from a remote MonitorServer)", () => {
  test("a path under REMOTE maps under LOCAL", () => {
    expect(toLocal(map, "/data/x/alice/a.tif")).toBe("/mnt/storage/x/alice/a.tif");
  });
  test("REMOTE itself maps to LOCAL", () => {
    expect(toLocal(map, "/data/x")).toBe("/mnt/storage/x");
  });
  test("a sibling sharing the prefix is outside (/data/x vs /data/xy)", () => {
    expect(toLocal(map, "/data/xy/a.tif")).toBeNull();
    expect(toLocal(map, "/data/xy")).toBeNull();
  });
  test("a path above or beside REMOTE is outside", () => {
    expect(toLocal(map, "/data")).toBeNull();
    expect(toLocal(map, "/other/a.tif")).toBeNull();
  });
  test("trailing and doubled slashes are normalised", () => {
    expect(toLocal(map, "/data/x/")).toBe("/mnt/storage/x");
    expect(toLocal(map, "/data//x/alice/")).toBe("/mnt/storage/x/alice");
    expect(toLocal({ remote: "/data/x/", local: "/mnt/storage/x/" }, "/data/x/a")).toBe("/mnt/storage/x/a");
  });
  test(".. cannot climb out of REMOTE", () => {
    expect(toLocal(map, "/data/x/../y/a.tif")).toBeNull();
  });
  test("no map: paths are the same on both hosts", () => {
    expect(toLocal(null, "/data/xy/a.tif")).toBe("/data/xy/a.tif");
  });
  test("a root REMOTE or LOCAL", () => {
    expect(toLocal({ remote: "/", local: "/mnt/s" }, "/a/b")).toBe("/mnt/s/a/b");
    expect(toLocal({ remote: "/srv", local: "/" }, "/srv/a")).toBe("/a");
  });
});

describe("toRemote (watch directories, blacklist entries)", () => {
  test("a path under LOCAL maps under REMOTE", () => {
    expect(toRemote(map, "/mnt/storage/x/alice")).toBe("/data/x/alice");
    expect(toRemote(map, "/mnt/storage/x")).toBe("/data/x");
  });
  test("outside LOCAL (prefix sibling) is null", () => {
    expect(toRemote(map, "/mnt/storage/xy")).toBeNull();
  });
  test("round trip", () => {
    const p = "/mnt/storage/x/bob/plate 1/a=b.tif";
    expect(toLocal(map, toRemote(map, p)!)).toBe(p);
  });
});

describe("blockToLocal", () => {
  const ev = (p: string) => ({ path: p, type: "Creation" as const, isDir: false, catchUp: false });
  test("maps event paths, refuses those outside REMOTE, maps the rescan path", () => {
    const block = {
      v: 1 as const,
      monitorId: "m",
      seq: 3,
      events: [ev("/data/x/alice/a.tif"), ev("/data/xy/b.tif")],
      rescan: { reason: "overflow", path: "/data/x/alice" },
    };
    const r = blockToLocal(map, block, "/mnt/storage/x");
    expect(r.block.events.map((e) => e.path)).toEqual(["/mnt/storage/x/alice/a.tif"]);
    expect(r.refused).toEqual(["/data/xy/b.tif"]);
    expect(r.block.rescan).toEqual({ reason: "overflow", path: "/mnt/storage/x/alice" });
    expect(r.block.seq).toBe(3);
  });
  test("a rescan notice outside REMOTE rescans the whole watch", () => {
    const block = { v: 1 as const, monitorId: "m", seq: 1, events: [], rescan: { reason: "r", path: "/elsewhere" } };
    expect(blockToLocal(map, block, "/mnt/storage/x").block.rescan?.path).toBe("/mnt/storage/x");
  });
  test("no map: the block as it came", () => {
    const block = { v: 1 as const, monitorId: "m", seq: 1, events: [ev("/a/b")], rescan: null };
    expect(blockToLocal(null, block, "/a").block).toBe(block);
  });
});
