import { cancelInDb, releaseInDb, requeueInDb } from "./requeue";
import { openLedgerDb } from "./schema";

describe("releaseInDb (imports release without a running DropBox)", () => {
  const db = openLedgerDb(":memory:");
  const ins = db.prepare(
    "INSERT INTO filesets(watch, user, key, entry, state, importer, created_at, waiting_for) VALUES (0, 'amy', 'k', '/w/amy/p/P.HTD', ?, 'local', 'x', 'why')",
  );
  for (const s of ["incomplete", "waiting", "queued", "imported", "failed"]) ins.run(s);
  const row = (id: number) =>
    db.prepare("SELECT state, released_at, waiting_for FROM filesets WHERE id = ?").get(id) as {
      state: string;
      released_at: string | null;
      waiting_for: string;
    };

  it("an incomplete or waiting fileset: waiting, released (imported as it is once its files are finished)", () => {
    expect(releaseInDb(db, 1, Date.parse("2026-11-28T10:00:00Z"))).toEqual({ id: 1, state: "waiting" });
    expect(row(1)).toEqual({
      state: "waiting",
      released_at: "2026-11-28T10:00:00.000Z",
      waiting_for: "released by hand: imported as it is once its files are finished",
    });
    expect(releaseInDb(db, 2, 0)).toEqual({ id: 2, state: "waiting" });
    // A second release keeps the first time.
    releaseInDb(db, 1, Date.parse("2026-11-29T10:00:00Z"));
    expect(row(1).released_at).toBe("2026-11-28T10:00:00.000Z");
  });

  it("refuses the others with the reason, and an unknown id", () => {
    expect(() => releaseInDb(db, 3, 0)).toThrow(
      "import 3 is queued; only an incomplete or waiting import can be released",
    );
    expect(() => releaseInDb(db, 4, 0)).toThrow(
      "import 4 is imported; only an incomplete or waiting import can be released",
    );
    expect(() => releaseInDb(db, 5, 0)).toThrow("import 5 failed; queue it again with omero-fs imports retry 5");
    expect(() => releaseInDb(db, 99, 0)).toThrow("no import with id 99");
  });
});

describe("requeueInDb (imports retry) and incomplete filesets", () => {
  it("refuses to queue an incomplete fileset (that would import it half), naming release", () => {
    const db = openLedgerDb(":memory:");
    db.prepare(
      "INSERT INTO filesets(watch, user, key, entry, state, importer, created_at) VALUES (0, 'amy', 'k', '/w/amy/p/P.HTD', 'incomplete', 'local', 'x')",
    ).run();
    expect(() => requeueInDb(db, 1, 0)).toThrow(
      "import 1 is incomplete (files missing, cut or empty); import it as it is with omero-fs imports release 1",
    );
    expect(db.prepare("SELECT state FROM filesets WHERE id = 1").pluck().get()).toBe("incomplete");
  });
});

describe("cancelInDb (imports cancel)", () => {
  it("cancels any state but imported and cancelled, removes its job, finishes an open run; retry queues it again", () => {
    const db = openLedgerDb(":memory:");
    const ins = db.prepare(
      "INSERT INTO filesets(watch, user, key, entry, state, importer, created_at) VALUES (0, 'amy', 'k', '/w/amy/a.tif', ?, 'local', 'x')",
    );
    for (const s of ["queued", "imported", "waiting"]) ins.run(s);
    db.prepare("INSERT INTO jobs(fileset, queued_at, not_before_ms, base_attempts) VALUES (1, 'x', 0, 0)").run();
    db.prepare("INSERT INTO attempts(fileset, n, importer, started_at) VALUES (1, 1, 'exec', 'x')").run();
    expect(cancelInDb(db, 1, Date.parse("2026-12-01T00:00:00Z"))).toEqual({ id: 1, state: "cancelled" });
    expect(db.prepare("SELECT state, error FROM filesets WHERE id = 1").get()).toEqual({
      state: "cancelled",
      error: "cancelled by hand (omero-fs imports cancel); omero-fs imports retry 1 queues it again",
    });
    expect(db.prepare("SELECT COUNT(*) FROM jobs").pluck().get()).toBe(0);
    expect(db.prepare("SELECT ok, error, finished_at FROM attempts").get()).toEqual({
      ok: 0,
      error: "cancelled by hand",
      finished_at: "2026-12-01T00:00:00.000Z",
    });
    expect(() => cancelInDb(db, 1, 0)).toThrow("import 1 is already cancelled");
    expect(() => cancelInDb(db, 2, 0)).toThrow("import 2 is already imported; there is nothing to cancel");
    expect(cancelInDb(db, 3, 0).state).toBe("cancelled");
    expect(requeueInDb(db, 1, 0)).toEqual({ id: 1, state: "queued" });
  });
});
