import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS, openLedgerDb, SCHEMA_VERSION } from "./schema";

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
});
