import { eventOf, type FinishedRun, incompleteStep, initialCursor, retryDelayMs, step } from "./notify-cursor";

const run = (id: number, ok: boolean, filesetState: string, n = 1, filesetAttempts = n, fileset = id): FinishedRun => ({
  id,
  fileset,
  n,
  ok,
  filesetState,
  filesetAttempts,
});

describe("eventOf", () => {
  test("a final failure is import.failed; one that will be retried is nothing", () => {
    expect(eventOf(run(1, false, "failed"), "failed")).toBe("import.failed");
    expect(eventOf(run(1, false, "queued"), "failed")).toBeNull();
    // An earlier failed run of a fileset that failed again later: only the last one counts.
    expect(eventOf(run(1, false, "failed", 1, 2), "failed")).toBeNull();
    // Back to waiting (files changed before the start): not a failure of the import.
    expect(eventOf(run(1, false, "waiting"), "all")).toBeNull();
  });
  test("a success is import.succeeded only with notifyOn=all", () => {
    expect(eventOf(run(1, true, "imported"), "failed")).toBeNull();
    expect(eventOf(run(1, true, "imported"), "all")).toBe("import.succeeded");
  });
});

describe("step", () => {
  test("moves the cursor to the last finished run when nothing runs", () => {
    const s = step({ after: 0, done: [] }, [run(1, false, "failed"), run(2, true, "imported")], null, "all");
    expect(s.notify).toEqual([
      { fileset: 1, attempt: 1, event: "import.failed" },
      { fileset: 2, attempt: 2, event: "import.succeeded" },
    ]);
    expect(s.cursor).toEqual({ after: 2, done: [] });
  });
  test("stops below a run still going, remembering the ones finished beyond it", () => {
    const s = step({ after: 4, done: [] }, [run(6, false, "failed"), run(7, false, "failed")], 5, "failed");
    expect(s.notify.map((n) => n.attempt)).toEqual([6, 7]);
    expect(s.cursor).toEqual({ after: 4, done: [6, 7] });
    // Run 5 finishes: it is notified, 6 and 7 are not again.
    const t = step(
      s.cursor,
      [run(5, false, "failed"), run(6, false, "failed"), run(7, false, "failed")],
      null,
      "failed",
    );
    expect(t.notify.map((n) => n.attempt)).toEqual([5]);
    expect(t.cursor).toEqual({ after: 7, done: [] });
  });
  test("two runs of one fileset with the same number: one event", () => {
    const s = step(
      { after: 0, done: [] },
      [run(1, false, "failed", 1, 1, 9), run(2, false, "failed", 1, 1, 9)],
      null,
      "failed",
    );
    expect(s.notify).toEqual([{ fileset: 9, attempt: 1, event: "import.failed" }]);
    expect(s.cursor).toEqual({ after: 2, done: [] });
  });
  test("nothing new: the same cursor", () => {
    expect(step({ after: 3, done: [] }, [], null, "failed")).toEqual({ notify: [], cursor: { after: 3, done: [] } });
    expect(step({ after: 3, done: [] }, [], 4, "failed")).toEqual({ notify: [], cursor: { after: 3, done: [] } });
  });
});

test("initialCursor: nothing that finished before the first start is notified", () => {
  expect(initialCursor(10, null, [])).toEqual({ after: 10, done: [] });
  expect(initialCursor(10, 8, [9, 10])).toEqual({ after: 7, done: [9, 10] });
});

test("retryDelayMs doubles from the base up to the cap", () => {
  expect([1, 2, 3, 4].map((n) => retryDelayMs(n))).toEqual([1000, 2000, 4000, 8000]);
  expect(retryDelayMs(30)).toBe(300_000);
});

describe("incompleteStep (import.incomplete, notified like failures)", () => {
  it("notifies each fileset once when it becomes incomplete, and again after it left the state", () => {
    expect(incompleteStep([], [7, 3])).toEqual({ notify: [3, 7], forget: [] });
    expect(incompleteStep([3, 7], [3, 7])).toEqual({ notify: [], forget: [] });
    // 7 got a late file (waiting again): forgotten; when it is incomplete again it is notified again.
    expect(incompleteStep([3, 7], [3])).toEqual({ notify: [], forget: [7] });
    expect(incompleteStep([3], [3, 7])).toEqual({ notify: [7], forget: [] });
  });
});

describe("audience: the facility and the user who dropped the files", () => {
  const { audience, widest } = require("./notify-cursor") as typeof import("./notify-cursor");
  it("failures and incomplete filesets reach the user with notifyUsers failed or all; successes only with all", () => {
    expect(audience("import.failed", "failed", "off")).toEqual({ facility: true, user: false });
    expect(audience("import.failed", "failed", "failed")).toEqual({ facility: true, user: true });
    expect(audience("import.incomplete", "failed", "failed")).toEqual({ facility: true, user: true });
    expect(audience("import.succeeded", "failed", "failed")).toEqual({ facility: false, user: false });
    expect(audience("import.succeeded", "failed", "all")).toEqual({ facility: false, user: true });
    expect(audience("import.succeeded", "all", "off")).toEqual({ facility: true, user: false });
    expect(audience("omero.paused", "failed", "all")).toEqual({ facility: true, user: false });
    expect(widest("failed", "all")).toBe("all");
    expect(widest("failed", "failed")).toBe("failed");
  });
});
