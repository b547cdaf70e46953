import { judge, type PendingFacts, STUCK_GRACE_MS, summarize, type WaitRules } from "./stuck";

const MIN = 60_000;
const rules: WaitRules = {
  dirImportWaitMs: () => MIN,
  incompleteWaitMs: () => 24 * 60 * MIN,
  companionWaitMs: () => 10 * MIN,
  throttleMs: () => 10_000,
  importTimeoutMs: 60 * MIN,
};
const NOW = 1_000_000_000;
const f = (o: Partial<PendingFacts>): PendingFacts => ({
  id: 1,
  state: "waiting",
  watch: 0,
  createdMs: NOW - 2 * 60 * MIN,
  lastEventMs: NOW - 2 * 60 * MIN,
  missingCount: 0,
  released: false,
  hold: false,
  retired: false,
  notBeforeMs: null,
  startedMs: null,
  ...o,
});

test("a plate waiting for its last wells is waiting, however long, until incompleteWait", () => {
  const plate = f({ missingCount: 6 });
  expect(judge(plate, rules, NOW, true)).toMatchObject({ kind: "files", stuck: false });
  // Past incompleteWait it should have become `incomplete`: still `waiting` means stuck.
  expect(judge(plate, rules, NOW + 23 * 60 * MIN, true).stuck).toBe(true);
  // A watch removed from the configuration: its filesets wait for it on purpose.
  expect(judge(f({ retired: true }), rules, NOW, true)).toMatchObject({ kind: "watch removed", stuck: false });
  // Released by hand: only its quiet period counts.
  expect(judge({ ...plate, released: true }, rules, NOW, true)).toMatchObject({ kind: "quiet", stuck: true });
});

test("a complete fileset past its quiet period and the grace is stuck; within it, waiting", () => {
  expect(judge(f({ lastEventMs: NOW - 30_000 }), rules, NOW, true)).toMatchObject({ kind: "quiet", stuck: false });
  expect(judge(f({ lastEventMs: NOW - MIN - STUCK_GRACE_MS + 1 }), rules, NOW, true).stuck).toBe(false);
  const late = judge(f({ lastEventMs: NOW - MIN - STUCK_GRACE_MS - 1000 }), rules, NOW, true);
  expect(late).toMatchObject({ stuck: true, overdueMs: STUCK_GRACE_MS + 1000 });
  // A companion hold waits companionWait from when it was first seen.
  expect(judge(f({ hold: true, createdMs: NOW - 5 * MIN, lastEventMs: NOW - 5 * MIN }), rules, NOW, true).stuck).toBe(
    false,
  );
});

test("queued: its turn while the queue moves; stuck when nothing has run for throttle + grace", () => {
  const q = f({ state: "queued" });
  expect(judge(q, rules, NOW, true)).toMatchObject({ kind: "queue", dueMs: null, stuck: false });
  expect(judge(q, rules, NOW, false).stuck).toBe(true);
  // A retry backoff in the future is a legitimate wait.
  expect(judge({ ...q, notBeforeMs: NOW + MIN }, rules, NOW, false).stuck).toBe(false);
});

test("importing past importTimeout (and the grace) is stuck; no timeout: never", () => {
  const i = f({ state: "importing", startedMs: NOW - 61 * MIN - STUCK_GRACE_MS });
  expect(judge(i, rules, NOW, true).stuck).toBe(true);
  expect(judge(i, { ...rules, importTimeoutMs: 0 }, NOW, true).stuck).toBe(false);
});

test("summarize: counts, the most overdue first, the oldest legitimate wait apart", () => {
  const pending = [
    f({ id: 1, missingCount: 3, createdMs: NOW - 5 * 60 * MIN }), // a plate: waiting 5 h, fine
    f({ id: 2, lastEventMs: NOW - 10 * MIN }), // stuck 9 min past its quiet period
    f({ id: 3, lastEventMs: NOW - 30 * MIN }), // stuck 29 min
    f({ id: 4, state: "queued", createdMs: NOW - 5 * MIN, lastEventMs: NOW - 5 * MIN }),
  ];
  // The last run ended 2 min ago and nothing is importing: the queue does not move.
  const s = summarize(pending, rules, NOW, NOW - 2 * MIN, false);
  expect(s.stuckIds).toEqual([3, 2, 4]);
  expect(s.stuck).toBe(3);
  expect(s.oldestStuckSeconds).toBe(29 * 60);
  expect(s.oldestWaitingSeconds).toBe(5 * 60 * 60);
  // A run that just finished: the queued one waits its turn.
  expect(summarize(pending, rules, NOW, NOW - 1000, false).stuckIds).toEqual([3, 2]);
  expect(s.oldestWaitingId).toBe(1);
  expect(s.overdueMs.get(3)).toBe(29 * MIN);
  expect(summarize([], rules, NOW, null, false)).toEqual({
    stuck: 0,
    oldestStuckSeconds: 0,
    oldestWaitingSeconds: 0,
    stuckIds: [],
    overdueMs: new Map(),
    oldestWaitingId: null,
  });
});

test("a queue paused for OMERO (an outage) waits for OMERO: queued filesets are not stuck, however long", () => {
  const queued = f({ id: 7, state: "queued", lastEventMs: NOW - 3 * 60 * MIN });
  expect(judge(queued, rules, NOW, false).stuck).toBe(true);
  expect(judge(queued, rules, NOW, false, true)).toMatchObject({ kind: "OMERO", stuck: false, dueMs: null });
  // What OMERO does not hold up is judged as ever: a fileset quiet long ago and never queued is stuck.
  const quiet = f({ id: 8, lastEventMs: NOW - 3 * 60 * MIN });
  const s = summarize([queued, quiet], rules, NOW, NOW - 3 * 60 * MIN, true);
  expect(s.stuckIds).toEqual([8]);
  expect(s.oldestWaitingId).toBe(7);
  expect(summarize([queued, quiet], rules, NOW, NOW - 3 * 60 * MIN, false).stuckIds).toEqual([7, 8]);
});
