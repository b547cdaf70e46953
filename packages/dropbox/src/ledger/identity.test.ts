/** Ledger side of issue 9: ended histories, distinct attempt rows, the "identity" migration. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Ledger } from "./index";
import { MIGRATIONS, openLedgerDb } from "./schema";
import { openLedgerView } from "./view";

const stat = { size: 10, mtimeMs: 1000, dev: 1, ino: 7 };

describe("ledger identity", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-ident-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a run that found its files changed before it started keeps its own attempts row", () => {
    const l = Ledger.open(":memory:");
    l.files.recordNew(
      { path: "/w/a/x.tif", watch: 0, user: "a", stat, state: "pending", reason: null, fileset: null },
      1,
    );
    const rec = l.files.byPath("/w/a/x.tif")!;
    const ops = {
      upserts: [{ id: null, key: "k", entry: rec.path, reader: "R", files: [rec.path], changed: true, missing: [] }],
      cancelled: [],
      files: new Map([[rec.path, { state: "grouped" as const, upsert: 0 }]]),
    };
    const [id] = l.filesets.applyMembership(0, "a", ops, new Map([[rec.path, rec.id]]), "local", 1);
    const out = { ok: false, target: null, images: null, error: "changed before the start" };
    l.filesets.markQueued(id!, [l.files.byPath(rec.path)!], 2);
    expect(l.filesets.markImporting(id!, "local", 3).attempt).toBe(1);
    l.filesets.recordOutcome(id!, 1, out, { kind: "back-to-waiting" }, 4);
    l.filesets.markQueued(id!, [l.files.byPath(rec.path)!], 5);
    expect(l.filesets.markImporting(id!, "local", 6).attempt).toBe(2);
    const rows = l.db.prepare("SELECT n, error FROM attempts WHERE fileset = ? ORDER BY n").raw().all(id) as unknown[];
    expect(rows).toEqual([
      [1, "changed before the start"],
      [2, null],
    ]);
    l.close();
  });

  it("a retired file leaves its path free and stays listed in files list", () => {
    const file = path.join(dir, "h.sqlite");
    const l = Ledger.open(file);
    const f = { path: "/w/a/x.tif", watch: 0, user: "a", stat, reason: null };
    l.files.recordNew({ ...f, state: "imported", fileset: 3 }, 1);
    l.files.retire(
      l.files.byPath(f.path)!.id,
      "deleted or moved away after import; a new file was later dropped at this path",
      2,
    );
    expect(l.files.byPath(f.path)).toBeNull();
    l.files.recordNew({ ...f, state: "pending", fileset: null }, 3);
    l.close();
    const v = openLedgerView(file);
    expect(v.listFiles().map((r) => [r.state, r.fileset])).toEqual([
      ["pending", null],
      ["imported", 3],
    ]);
    expect(v.countFiles({ state: "imported" })).toBe(1);
    v.close();
  });

  it("migrates a v1 ledger: files_history exists, whitelist-ignored files are seen again by the first walk", () => {
    const file = path.join(dir, "v1.sqlite");
    const db = openLedgerDb(file);
    db.exec("DROP TABLE files_history");
    db.prepare(
      "INSERT INTO files(path, watch, user, size, mtime_ms, state, reason, last_event_ms, seen_at) VALUES ('/w/a/x.ids', 0, 'a', 1, 5, 'ignored', 'excluded by the watch''s whitelist', 1, 'x')",
    ).run();
    db.pragma("user_version = 1");
    db.close();
    const again = openLedgerDb(file);
    expect(MIGRATIONS.map((m) => m.name)).toContain("identity");
    expect(again.prepare("SELECT mtime_ms FROM files").pluck().get()).toBe(-1);
    expect(again.prepare("SELECT COUNT(*) FROM files_history").pluck().get()).toBe(0);
    again.close();
  });
});
