import { buildBlocks, splitBlocks } from "./blocking";

const ev = (i: number) => ({ path: `/w/${i}`, type: "Create" as const, isDir: false, catchUp: false });

test("splitBlocks", () => {
  expect(splitBlocks([1, 2, 3], 0)).toEqual([[1, 2, 3]]);
  expect(splitBlocks([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  expect(splitBlocks([], 2)).toEqual([]);
  // blockSize 0 = everything pending, but never more than max events in one block.
  expect(splitBlocks([1, 2, 3, 4, 5], 0, 2)).toEqual([[1, 2], [3, 4], [5]]);
  expect(splitBlocks([1, 2, 3, 4, 5], 4, 2)).toEqual([[1, 2], [3, 4], [5]]);
  expect(
    splitBlocks(
      Array.from({ length: 12_000 }, (_, i) => i),
      0,
    ).map((c) => c.length),
  ).toEqual([5000, 5000, 2000]);
});

test("buildBlocks numbers seq from lastSeq+1; rescan rides on the first block or stands alone", () => {
  const events = Array.from({ length: 100 }, (_, i) => ev(i));
  const blocks = buildBlocks("m", 4, events, { reason: "r", path: "/w" }, 7);
  expect(blocks.map((b) => b.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
  expect(blocks.map((b) => b.events.length)).toEqual([...Array(14).fill(7), 2]);
  expect(blocks[0].rescan).toEqual({ reason: "r", path: "/w" });
  expect(blocks.slice(1).every((b) => b.rescan === null)).toBe(true);
  expect(buildBlocks("m", 0, [], { reason: "r", path: "/w" }, 0)).toEqual([
    { v: 1, monitorId: "m", seq: 1, events: [], rescan: { reason: "r", path: "/w" } },
  ]);
  expect(buildBlocks("m", 0, [], null, 0)).toEqual([]);
});
