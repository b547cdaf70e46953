import { TestHookError } from "@omero-fs/config";
import { monitorTestHooks } from "./hooks";
import { DEFAULT_TIMINGS } from "./policy";

describe("the MonitorServer's test hooks are parsed loudly", () => {
  test("unset: production values", () => {
    expect(monitorTestHooks({}, 5000)).toEqual({
      timings: DEFAULT_TIMINGS,
      overrides: {},
      memlogMs: 0,
      heartbeatMs: 5000,
    });
  });

  test("set: timings merged over the defaults, overrides and numbers as given", () => {
    const h = monitorTestHooks(
      {
        OMERO_FS_TEST_MONITOR_TIMINGS: '{"settleQuietMs":100,"maxDirWatches":3}',
        OMERO_FS_TEST_MONITOR_OVERRIDES: '{"watchBackend":"poll","pollInterval":0.3,"watcher":"parcel"}',
        OMERO_FS_TEST_MONITOR_MEMLOG_MS: "200",
        OMERO_FS_TEST_MONITOR_HEARTBEAT_MS: "150",
      },
      5000,
    );
    expect(h.timings).toEqual({ ...DEFAULT_TIMINGS, settleQuietMs: 100, maxDirWatches: 3 });
    expect(h.overrides).toEqual({ watchBackend: "poll", pollInterval: 0.3, watcher: "parcel" });
    expect(h).toMatchObject({ memlogMs: 200, heartbeatMs: 150 });
  });

  // Each of these used to be ignored without a word: a test then ran with production delays.
  test.each([
    ["OMERO_FS_TEST_MONITOR_TIMINGS", "{settleQuietMs:100}"],
    ["OMERO_FS_TEST_MONITOR_TIMINGS", '{"settleQuiteMs":100}'],
    ["OMERO_FS_TEST_MONITOR_TIMINGS", '{"settleQuietMs":"100"}'],
    ["OMERO_FS_TEST_MONITOR_OVERRIDES", '{"watchBackend":"polling"}'],
    ["OMERO_FS_TEST_MONITOR_OVERRIDES", '{"monitorControl":"tcp://127.0.0.1:0"}'],
    ["OMERO_FS_TEST_MONITOR_MEMLOG_MS", "soon"],
    ["OMERO_FS_TEST_MONITOR_HEARTBEAT_MS", "50"],
  ])("%s=%s is refused, naming the variable and the value", (name, value) => {
    const read = () => monitorTestHooks({ [name]: value }, 5000);
    expect(read).toThrow(TestHookError);
    expect(read).toThrow(`${name}=${JSON.stringify(value)} is not allowed: expected`);
  });
});
