import { fastWatchBudget, parseMaxUserWatches, RecentDirs } from "./fastpath";

test("budget: at most half the inotify limit minus the watcher's own watches, capped; 0 = off", () => {
  expect(fastWatchBudget(4096, 192536, 100)).toBe(4096);
  expect(fastWatchBudget(4096, 8192, 1000)).toBe(3096);
  expect(fastWatchBudget(4096, 8192, 5000)).toBe(0);
  expect(fastWatchBudget(0, 192536, 1)).toBe(0);
  expect(fastWatchBudget(64, null, 1_000_000)).toBe(64);
});

test("max_user_watches parsing", () => {
  expect(parseMaxUserWatches("192536\n")).toBe(192536);
  expect(parseMaxUserWatches(null)).toBeNull();
  expect(parseMaxUserWatches("garbage")).toBeNull();
  expect(parseMaxUserWatches("0")).toBeNull();
});

test("RecentDirs evicts the least recently active directory", () => {
  const r = new RecentDirs(2);
  expect(r.touch("/a")).toEqual({ added: true, evicted: null });
  expect(r.touch("/b")).toEqual({ added: true, evicted: null });
  expect(r.touch("/a")).toEqual({ added: false, evicted: null }); // /a is now the most recent
  expect(r.touch("/c")).toEqual({ added: true, evicted: "/b" });
  expect(r.keys()).toEqual(["/a", "/c"]);
  expect(r.has("/b")).toBe(false);
});

test("RecentDirs: capacity 0 adds nothing; below() finds a subtree, not a name prefix", () => {
  expect(new RecentDirs(0).touch("/a")).toEqual({ added: false, evicted: null });
  const r = new RecentDirs(10);
  for (const d of ["/t/a", "/t/a/b", "/t/ab", "/t/c"]) r.touch(d);
  expect(r.below("/t/a").sort()).toEqual(["/t/a", "/t/a/b"]);
  r.delete("/t/a/b");
  expect(r.below("/t/a")).toEqual(["/t/a"]);
});
