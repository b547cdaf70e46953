import { parseBootTime, parseRss, parseStat, startTimeSeconds } from "./proc";

test("stat, status and boot time as the kernel writes them", () => {
  // A command name with a space and a parenthesis: fields count from the last ")".
  const stat =
    "4242 (node (x) y) S 1 4242 4242 0 -1 4194560 5106 0 0 0 250 75 0 0 20 0 11 0 123456 1187880960 13390 18446744073709551615";
  expect(parseStat(stat)).toEqual({ cpuSeconds: 3.25, startTicks: 123456 });
  expect(parseStat("garbage")).toBeNull();
  expect(parseRss("Name:\tnode\nVmRSS:\t   53560 kB\nThreads: 11\n")).toBe(53560 * 1024);
  expect(parseRss("Name:\tkthreadd\n")).toBeNull();
  expect(parseBootTime("cpu  1 2 3\nbtime 1700000000\nprocesses 9\n")).toBe(1700000000);
  expect(startTimeSeconds(123456, 1700000000)).toBe(1700001234.56);
});
