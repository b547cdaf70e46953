import { watchdogIntervalMs } from "./sd-notify";

test("watchdogIntervalMs: half of WATCHDOG_USEC, for this pid only", () => {
  expect(watchdogIntervalMs({ WATCHDOG_USEC: "60000000" }, 7)).toBe(30_000);
  expect(watchdogIntervalMs({ WATCHDOG_USEC: "60000000", WATCHDOG_PID: "7" }, 7)).toBe(30_000);
  expect(watchdogIntervalMs({ WATCHDOG_USEC: "60000000", WATCHDOG_PID: "8" }, 7)).toBeNull();
  expect(watchdogIntervalMs({}, 7)).toBeNull();
});
