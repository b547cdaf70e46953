/**
 * Which finished importer runs become notifications, and how far the cursor moves. Pure: the
 * notifier feeds it rows of the ledger's attempts table.
 *
 * The cursor is `after` (every run with an id up to it was handled) plus `done` (ids above it
 * already handled). Runs finish out of id order when imports run concurrently, so the cursor only
 * moves up to just below the first run still going; the runs finished beyond it are in `done`.
 */

export type NotifyOn = "failed" | "all";
export type NotifyUsers = "off" | "failed" | "all";
/** `omero.paused` / `omero.resumed`: the DropBox paused its queue for an OMERO outage, or resumed it (issue 20). */
export type NotifyEvent = "import.failed" | "import.succeeded" | "import.incomplete" | "omero.paused" | "omero.resumed";

/**
 * Who hears of an event: the facility's channels (omero.fs.notifyOn: failures, or also successes;
 * OMERO's pauses always) and the OMERO user who dropped the files (omero.fs.notifyUsers: off,
 * failed = failed and incomplete, all = also imported; never OMERO's pauses).
 */
export function audience(event: NotifyEvent, on: NotifyOn, users: NotifyUsers): { facility: boolean; user: boolean } {
  if (event === "omero.paused" || event === "omero.resumed") return { facility: true, user: false };
  if (event === "import.succeeded") return { facility: on === "all", user: users === "all" };
  return { facility: true, user: users !== "off" };
}

/** The runs to look at: successes too when either audience wants them. */
export function widest(on: NotifyOn, users: NotifyUsers): NotifyOn {
  return on === "all" || users === "all" ? "all" : "failed";
}

export interface Cursor {
  after: number;
  done: number[];
}

export interface FinishedRun {
  id: number;
  fileset: number;
  n: number;
  ok: boolean;
  filesetState: string;
  filesetAttempts: number;
}

/** The event a finished run means, or null (a failure that will be retried, a success with notifyOn=failed). */
export function eventOf(run: FinishedRun, on: NotifyOn): NotifyEvent | null {
  if (run.ok) return on === "all" && run.filesetState === "imported" ? "import.succeeded" : null;
  // A failure is final when the fileset stayed failed after this, its latest run.
  return run.filesetState === "failed" && run.n === run.filesetAttempts ? "import.failed" : null;
}

export interface Step {
  notify: { fileset: number; attempt: number; event: NotifyEvent }[];
  cursor: Cursor;
}

/**
 * One poll: `finished` are runs with id > cursor.after that have finished (id order);
 * `firstRunning` the lowest id > cursor.after of a run still going (null: none).
 */
export function step(cursor: Cursor, finished: FinishedRun[], firstRunning: number | null, on: NotifyOn): Step {
  const done = new Set(cursor.done);
  const notify: Step["notify"] = [];
  let maxSeen = cursor.after;
  for (const r of finished) {
    maxSeen = Math.max(maxSeen, r.id);
    if (done.has(r.id)) continue;
    done.add(r.id);
    const event = eventOf(r, on);
    // Two runs of one fileset with the same number (DropBox reuses the number of a run that found
    // its files changed before it started) would both look final: one event per fileset and kind.
    if (event && !notify.some((n) => n.fileset === r.fileset && n.event === event))
      notify.push({ fileset: r.fileset, attempt: r.id, event });
  }
  const after = firstRunning === null ? maxSeen : Math.max(cursor.after, Math.min(maxSeen, firstRunning - 1));
  return { notify, cursor: { after, done: [...done].filter((id) => id > after).sort((a, b) => a - b) } };
}

/** The cursor of a first start on an existing ledger: nothing that finished before now is notified. */
export function initialCursor(lastId: number, firstRunning: number | null, finishedAbove: number[]): Cursor {
  if (firstRunning === null) return { after: lastId, done: [] };
  return { after: firstRunning - 1, done: finishedAbove.filter((id) => id >= firstRunning).sort((a, b) => a - b) };
}

/** Retry delay of a delivery after `failures` failures in a row: 1 s doubling, capped at 5 min. */
export function retryDelayMs(failures: number, baseMs = 1000, maxMs = 300_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Incomplete filesets (a plate whose index lists files that never came) are notified like failures
 * (with notifyOn=failed and all): once each time a fileset becomes incomplete. `seen`: ids notified
 * and still incomplete at the last poll; `now`: ids incomplete now. A fileset that left the state (a
 * late file, a release) is forgotten, so becoming incomplete again is notified again.
 */
export function incompleteStep(
  seen: readonly number[],
  now: readonly number[],
): { notify: number[]; forget: number[] } {
  const was = new Set(seen);
  const is = new Set(now);
  return {
    notify: [...is].filter((id) => !was.has(id)).sort((a, b) => a - b),
    forget: [...was].filter((id) => !is.has(id)).sort((a, b) => a - b),
  };
}
