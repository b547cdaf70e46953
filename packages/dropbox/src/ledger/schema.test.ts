import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { checkLedgerFile, MIGRATIONS, openLedgerDb, SCHEMA_VERSION } from "./schema";

describe("ledger schema versions", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-schema-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a new ledger is at the last migration (PRAGMA user_version)", () => {
    const db = openLedgerDb(":memory:");
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("a ledger written before user_version was kept (0) is migrated, its rows kept", () => {
    const file = path.join(dir, "old.sqlite");
    const old = openLedgerDb(file);
    old
      .prepare(
        "INSERT INTO files(path, watch, user, size, mtime_ms, state, last_event_ms, seen_at) VALUES ('/w/a/x', 0, 'a', 1, 1, 'pending', 1, 'x')",
      )
      .run();
    old.pragma("user_version = 0");
    old.close();
    const db = openLedgerDb(file);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT COUNT(*) FROM files").pluck().get()).toBe(1);
    db.close();
  });

  it("import processes: a version-6 ledger keeps its filesets (plate columns too) and ids, gains cancelled and attempts.pgid", () => {
    const file = path.join(dir, "v6.sqlite");
    const v6 = new Database(file);
    const at = MIGRATIONS.findIndex((m) => m.name === "import processes");
    for (const m of MIGRATIONS.slice(0, at)) m.up(v6);
    v6.pragma(`user_version = ${at}`);
    const ins = v6.prepare(
      "INSERT INTO filesets(watch, user, key, entry, state, importer, created_at, missing_count, plate, released_at) VALUES (0, 'a', 'k', '/w/a/x', 'incomplete', 'local', 'x', 3, '{\"p\":1}', 'r')",
    );
    for (let i = 0; i < 5; i++) ins.run();
    v6.prepare("DELETE FROM filesets WHERE id = 5").run();
    expect(() => v6.prepare("UPDATE filesets SET state = 'cancelled' WHERE id = 1").run()).toThrow(/CHECK/);
    v6.close();
    const db = openLedgerDb(file);
    expect(db.prepare("SELECT missing_count, plate, released_at FROM filesets WHERE id = 4").get()).toEqual({
      missing_count: 3,
      plate: '{"p":1}',
      released_at: "r",
    });
    db.prepare("UPDATE filesets SET state = 'cancelled' WHERE id = 1").run();
    db.prepare(
      "INSERT INTO attempts(fileset, n, importer, started_at, pgid, pgid_start) VALUES (1, 1, 'exec', 'x', 42, '7')",
    ).run();
    expect(Number(db.prepare(ins.source).run().lastInsertRowid)).toBe(6);
    db.close();
  });

  it("birth times: a version-8 ledger keeps its files and their history, gains birth_ms (NULL: unknown)", () => {
    const file = path.join(dir, "v8.sqlite");
    const v8 = new Database(file);
    const at = MIGRATIONS.findIndex((m) => m.name === "birth times");
    for (const m of MIGRATIONS.slice(0, at)) m.up(v8);
    v8.pragma(`user_version = ${at}`);
    v8.prepare(
      "INSERT INTO files(path, watch, user, size, mtime_ms, dev, ino, state, last_event_ms, seen_at) VALUES ('/w/a/x', 0, 'a', 1, 1, 2, 3, 'imported', 1, 'x')",
    ).run();
    v8.prepare(
      "INSERT INTO files_history(path, watch, user, size, mtime_ms, state, seen_at, ended_at) VALUES ('/w/a/y', 0, 'a', 1, 1, 'imported', 'x', 'y')",
    ).run();
    v8.close();
    const db = openLedgerDb(file);
    expect(db.prepare("SELECT path, dev, ino, birth_ms FROM files").all()).toEqual([
      { path: "/w/a/x", dev: 2, ino: 3, birth_ms: null },
    ]);
    expect(db.prepare("SELECT path, birth_ms FROM files_history").all()).toEqual([{ path: "/w/a/y", birth_ms: null }]);
    db.prepare("UPDATE files SET birth_ms = 1796603193199.2756").run();
    expect(db.prepare("SELECT birth_ms FROM files").pluck().get()).toBe(1796603193199.2756);
    db.close();
  });

  it("refuses a ledger from a newer omero-fs, saying what to do", () => {
    const file = path.join(dir, "new.sqlite");
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openLedgerDb(file)).toThrow(/newer than this omero-fs .*run the newer omero-fs/);
  });

  it("plates: a version-3 ledger gets the incomplete state and the plate columns; ids are never reused", () => {
    const file = path.join(dir, "v3.sqlite");
    const v3 = new Database(file);
    for (const m of MIGRATIONS.slice(0, 3)) m.up(v3);
    v3.pragma("user_version = 3");
    const ins = v3.prepare(
      "INSERT INTO filesets(watch, user, key, entry, state, importer, created_at, waiting_for) VALUES (0, 'a', 'k', '/w/a/x', 'waiting', 'local', 'x', 'why')",
    );
    for (let i = 0; i < 9; i++) ins.run();
    v3.prepare("DELETE FROM filesets WHERE id IN (8, 9)").run();
    expect(() => v3.prepare("UPDATE filesets SET state = 'incomplete' WHERE id = 1").run()).toThrow(/CHECK/);
    v3.close();
    const db = openLedgerDb(file);
    expect(db.prepare("SELECT COUNT(*) FROM filesets").pluck().get()).toBe(7);
    expect(db.prepare("SELECT waiting_for FROM filesets WHERE id = 7").pluck().get()).toBe("why");
    db.prepare("UPDATE filesets SET state = 'incomplete', missing_count = 3, plate = '{}' WHERE id = 1").run();
    expect(Number(db.prepare(ins.source).run().lastInsertRowid)).toBe(10);
    db.close();
  });
  it("a ledger of random bytes, or a truncated one, is refused as damaged, naming it and the recovery", () => {
    const junk = path.join(dir, "junk.sqlite");
    fs.writeFileSync(junk, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    expect(() => openLedgerDb(junk)).toThrow(
      `the ledger ${junk} is damaged (file is not a database); the DropBox does not run on it. To recover: move it aside (mv ${junk} ${junk}.corrupt)`,
    );
    expect(checkLedgerFile(junk)).toEqual({ ok: false, problem: "file is not a database" });

    const cut = path.join(dir, "cut.sqlite");
    const db = openLedgerDb(cut);
    const ins = db.prepare(
      "INSERT INTO files(path, watch, user, size, mtime_ms, state, last_event_ms, seen_at) VALUES (?, 0, 'a', 1, 1, 'pending', 1, 'x')",
    );
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) ins.run(`/w/a/${i}${"x".repeat(50)}`);
    })();
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    expect(checkLedgerFile(cut)).toEqual({ ok: true, version: SCHEMA_VERSION });
    fs.truncateSync(cut, Math.floor(fs.statSync(cut).size / 2));
    expect(() => openLedgerDb(cut)).toThrow(/the ledger .*cut\.sqlite is damaged \(database disk image is malformed\)/);
    expect(checkLedgerFile(cut).ok).toBe(false);
  });
  it("migration `existing files`: rows kept, the existing state allowed, a walks table", () => {
    const file = path.join(dir, "v3-existing.sqlite");
    const old = new Database(file);
    for (let v = 0; v < 3; v++) MIGRATIONS[v]!.up(old);
    old.pragma("user_version = 3");
    old
      .prepare(
        "INSERT INTO files(path, watch, user, size, mtime_ms, state, last_event_ms, seen_at) VALUES ('/w/a/x', 0, 'a', 1, 1, 'imported', 1, 'x')",
      )
      .run();
    expect(() =>
      old
        .prepare(
          "INSERT INTO files(path, watch, user, size, mtime_ms, state, last_event_ms, seen_at) VALUES ('/w/a/y', 0, 'a', 1, 1, 'existing', 1, 'x')",
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    old.close();
    const db = openLedgerDb(file);
    expect(db.prepare("SELECT path, state FROM files").all()).toEqual([{ path: "/w/a/x", state: "imported" }]);
    db.prepare(
      "INSERT INTO files(path, watch, user, size, mtime_ms, state, last_event_ms, seen_at) VALUES ('/w/a/y', 0, 'a', 1, 1, 'existing', 1, 'x')",
    ).run();
    expect(db.prepare("SELECT COUNT(*) FROM walks").pluck().get()).toBe(0);
    const idx = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'files' ORDER BY name")
      .pluck()
      .all();
    expect(idx).toEqual(
      expect.arrayContaining(["files_dev_ino", "files_fileset", "files_state_user", "files_watch_user_state"]),
    );
    db.close();
  });
});
