import { DEFAULT_TIMINGS } from "./policy";
import { resolveMonitorOptions } from "./options";

test("seconds become milliseconds in one place; a vanished root is looked for every 500 ms or every poll", () => {
  const o = resolveMonitorOptions(
    { watchBackend: "auto", watcher: "dirs", pollInterval: 2, timings: DEFAULT_TIMINGS },
    { timeout: 1.5 },
  );
  expect(o).toMatchObject({ watchBackend: "auto", pollIntervalMs: 2000, timeoutMs: 1500, rootCheckMs: 500 });
  expect(
    resolveMonitorOptions(
      { watchBackend: "poll", watcher: "parcel", pollInterval: 0.3, timings: DEFAULT_TIMINGS },
      { timeout: 0 },
    ),
  ).toMatchObject({ pollIntervalMs: 300, timeoutMs: 0, rootCheckMs: 300 });
});
