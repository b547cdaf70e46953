import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openLedgerDb } from "./schema";
import { openLedgerView } from "./view";

/** The read queries of files show, /metrics, the status page and the notifier, on a small ledger. */
describe("ledger-show", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-show-"));
  const file = path.join(dir, "dropbox.sqlite");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    const db = openLedgerDb(file);
    const fsIns = db.prepare(
      `INSERT INTO filesets(id, watch, user, key, entry, state, importer, created_at, target, error, attempts)
       VALUES (?, 0, ?, ?, ?, ?, 'exec', ?, ?, ?, ?)`,
    );
    const member = db.prepare("INSERT INTO fileset_files(fileset, ord, path) VALUES (?, 0, ?)");
    const fileIns = db.prepare(
      `INSERT INTO files(path, watch, user, size, mtime_ms, state, reason, fileset, last_event_ms, seen_at)
       VALUES (?, 0, ?, 1, 0, ?, ?, ?, 0, 'x')`,
    );
    const attempt = db.prepare(
      "INSERT INTO attempts(id, fileset, n, importer, started_at, finished_at, ok, error, target) VALUES (?, ?, ?, 'exec', ?, ?, ?, ?, ?)",
    );
    // 1: imported after a failed first run, then renamed; 2: failed; 3: waiting; 4: importing.
    fsIns.run(1, "amy", "k1", "/w/amy/b.tif", "imported", "2026-01-01T00:00:00.000Z", "Image:1", null, 2);
    fsIns.run(
      2,
      "zak",
      "k2",
      "/w/zak/bad.tif",
      "failed",
      "2026-01-01T00:00:01.000Z",
      null,
      "exec command exited 1: x",
      1,
    );
    fsIns.run(3, "amy", "k3", "/w/amy/c.tif", "waiting", "2026-01-01T00:00:02.000Z", null, null, 0);
    fsIns.run(4, "amy", "k4", "/w/amy/d.tif", "importing", "2026-01-01T00:00:03.000Z", null, null, 1);
    member.run(1, "/w/amy/b.tif");
    member.run(2, "/w/zak/bad.tif");
    member.run(3, "/w/amy/c.tif");
    member.run(4, "/w/amy/d.tif");
    fileIns.run("/w/amy/b.tif", "amy", "imported", "renamed after import from /w/amy/a.tif; not reimported", 1);
    fileIns.run("/w/zak/bad.tif", "zak", "grouped", null, 2);
    fileIns.run("/w/amy/c.tif", "amy", "grouped", null, 3);
    fileIns.run("/w/amy/d.tif", "amy", "grouped", null, 4);
    fileIns.run("/w/amy/x.ids", "amy", "pending", "incomplete fileset: waits for x.ics (entry /w/amy/x.ics)", null);
    attempt.run(1, 1, 1, "2026-01-01T00:00:10.000Z", "2026-01-01T00:00:12.000Z", 0, "boom", null);
    attempt.run(2, 2, 1, "2026-01-01T00:00:11.000Z", "2026-01-01T00:00:11.500Z", 0, "exec command exited 1: x", null);
    attempt.run(3, 4, 1, "2026-01-01T00:00:12.000Z", null, null, null, null);
    attempt.run(4, 1, 2, "2026-01-01T00:00:13.000Z", "2026-01-01T00:01:13.000Z", 1, null, "Image:1");
    db.close();
  });

  test("findFile: by the current path, else by the old path of a rename", () => {
    const v = openLedgerView(file);
    try {
      expect(v.findFile(["/nope", "/w/amy/b.tif"])).toMatchObject({
        file: { path: "/w/amy/b.tif" },
        renamedFrom: null,
      });
      expect(v.findFile(["/w/amy/a.tif"])).toMatchObject({
        file: { path: "/w/amy/b.tif", fileset: 1 },
        renamedFrom: "/w/amy/a.tif",
      });
      expect(v.findFile(["/w/amy/zz.tif"])).toBeNull();
    } finally {
      v.close();
    }
  });

  test("attempts: every run, oldest first", () => {
    const v = openLedgerView(file);
    try {
      expect(v.attempts(1).map((a) => [a.attempt, a.result, a.error, a.target])).toEqual([
        [1, "failed", "boom", null],
        [2, "succeeded", null, "Image:1"],
      ]);
      expect(v.attempts(4)[0]).toMatchObject({ result: "running", finishedAt: null });
    } finally {
      v.close();
    }
  });

  test("metrics: states, finished runs by result, duration buckets, oldest waiting", () => {
    const v = openLedgerView(file);
    try {
      const m = v.metrics();
      expect(m.filesets).toEqual({
        waiting: 1,
        queued: 0,
        importing: 1,
        imported: 1,
        failed: 1,
        incomplete: 0,
        cancelled: 0,
      });
      expect(m.files).toEqual({ pending: 1, grouped: 3, imported: 1, ignored: 0, refused: 0, existing: 0 });
      expect(m.attempts).toEqual({ succeeded: 1, failed: 2 });
      expect(m.duration.count).toBe(3);
      expect(m.duration.sum).toBeCloseTo(62.5, 3);
      // Bounds 1, 5, 15, 30, 60, 120, ...: 0.5 s, 2 s, 60 s.
      expect(m.duration.buckets.slice(0, 6)).toEqual([1, 2, 2, 2, 3, 3]);
      expect(m.oldestWaitingMs).toBe(Date.parse("2026-01-01T00:00:02.000Z"));
    } finally {
      v.close();
    }
  });

  test("page: in progress, failed, imported per user, pending files; a search narrows every list", () => {
    const v = openLedgerView(file);
    try {
      const p = v.page();
      expect(p.users).toEqual(["amy", "zak"]);
      // Newest first (the page shows the oldest waiting one under "needs attention").
      expect(p.active.map((f) => [f.id, f.state])).toEqual([
        [4, "importing"],
        [3, "waiting"],
      ]);
      expect(p.active[0]!.startedAt).toBe("2026-01-01T00:00:12.000Z");
      expect(p.failed.map((f) => f.id)).toEqual([2]);
      expect(p.imported.map((f) => [f.id, f.target])).toEqual([[1, "Image:1"]]);
      expect(p.files.map((f) => f.path)).toEqual(["/w/amy/x.ids"]);
      const q = v.page({ q: "BAD" });
      expect(q.users).toEqual(["zak"]);
      expect(q.failed.map((f) => f.id)).toEqual([2]);
      expect(q.active).toEqual([]);
      // LIKE wildcards in the search are literal.
      expect(v.page({ q: "%" }).users).toEqual([]);
    } finally {
      v.close();
    }
  });
});

test("page: a backlog of queued filesets is capped per user, the summary counts them all", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-show-cap-"));
  try {
    const file = path.join(dir, "dropbox.sqlite");
    const db = openLedgerDb(file);
    const ins = db.prepare(
      `INSERT INTO filesets(watch, user, key, entry, state, importer, created_at) VALUES (0, ?, ?, ?, ?, 'local', 'x')`,
    );
    for (let i = 0; i < 12; i++) ins.run("amy", `k${i}`, `/w/amy/${i}.tif`, "queued");
    ins.run("amy", "ki", "/w/amy/i.tif", "importing");
    ins.run("zak", "kz", "/w/zak/z.tif", "queued");
    db.close();
    const v = openLedgerView(file);
    try {
      const p = v.page({ recent: 1 });
      // Every importing one, and the newest two waiting or queued of each user, newest first.
      expect(p.active.map((f) => `${f.id}:${f.user}:${f.state}`)).toEqual([
        "14:zak:queued",
        "13:amy:importing",
        "12:amy:queued",
        "11:amy:queued",
      ]);
      expect(p.totals).toContainEqual({ user: "amy", state: "queued", n: 12 });
    } finally {
      v.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
