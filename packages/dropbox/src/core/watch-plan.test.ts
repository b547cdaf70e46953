import type { WatchConfig } from "@omero-fs/config";
import { planWatches } from "./watch-plan";

const base: WatchConfig = {
  index: 0,
  user: "default",
  watchDir: "/d",
  eventTypes: ["Creation", "Modification"],
  pathMode: "Follow",
  whitelist: [],
  blacklist: [],
  timeout: 0,
  blockSize: 0,
  ignoreSysFiles: true,
  ignoreDirEvents: true,
  dirImportWait: 60,
  fileBatch: 10,
  throttleImport: 5,
  readers: "",
  importArgs: "",
  settleTime: 2,
  importWhenComplete: true,
  companionWait: 30,
  completeMarker: "",
};
const w = (o: Partial<WatchConfig>): WatchConfig => ({ ...base, ...o });

describe("planWatches", () => {
  test("monitor parameters re-create the monitor; names carry the watch number from 1 with several watches", () => {
    const c = planWatches(
      [w({}), w({ index: 1, user: "bob", watchDir: "/b" })],
      [w({}), w({ index: 1, user: "bob", watchDir: "/b", blacklist: ["/b/tmp"], dirImportWait: 1 })],
    );
    expect(c).toHaveLength(1);
    expect(c[0]!.kind).toBe("recreate");
    expect(c[0]!.applied.sort()).toEqual(["omero.fs.blacklist (watch 2)", "omero.fs.dirImportWait (watch 2)"]);
  });

  test("plain values need nothing but the new value", () => {
    const c = planWatches([w({})], [w({ throttleImport: 0, importArgs: "-T x" })]);
    expect(c.map((x) => [x.kind, x.regroup])).toEqual([["plain", false]]);
  });

  test("a key the table does not know is reported as needing a restart and keeps its running value", () => {
    const after = { ...w({}), someFutureKey: 3 } as unknown as WatchConfig;
    const c = planWatches([w({})], [after]);
    expect(c[0]!.restart).toEqual(["omero.fs.someFutureKey"]);
    expect((c[0]!.watch as unknown as Record<string, unknown>).someFutureKey).toBeUndefined();
  });

  test("no change, no entry", () => {
    expect(planWatches([w({})], [w({})])).toEqual([]);
  });
});
