import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { countExisting, releaseExistingForNextStart, releaseExistingPage, WalksTable } from "./existing";
import { openLedgerDb } from "./schema";

describe("existing files in the ledger", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-existing-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const seed = (file: string) => {
    const db = openLedgerDb(file);
    const ins = db.prepare(
      "INSERT INTO files(path, watch, user, size, mtime_ms, state, reason, last_event_ms, seen_at) VALUES (?, 0, ?, 1, 5, ?, NULL, 1, 'x')",
    );
    for (const [p, st] of [
      ["/w/amy/a/1.tif", "existing"],
      ["/w/amy/a/2.tif", "existing"],
      ["/w/amy/ab.tif", "existing"],
      ["/w/amy/b/\u{1F52C}.tif", "existing"],
      ["/w/zak/3.tif", "existing"],
      ["/w/zak/4.tif", "imported"],
    ] as const)
      ins.run(p, p.split("/")[2], st);
    return db;
  };

  it("releases those under a folder (not its namesake siblings), then the rest, any name", () => {
    const db = seed(":memory:");
    expect(releaseExistingPage(db, "/w/amy/a").map((r) => r.path)).toEqual(["/w/amy/a/1.tif", "/w/amy/a/2.tif"]);
    expect(releaseExistingPage(db, "/w/amy/a")).toEqual([]);
    expect(countExisting(db)).toBe(3);
    expect(releaseExistingPage(db, null).map((r) => r.path)).toEqual([
      "/w/amy/ab.tif",
      "/w/amy/b/\u{1F52C}.tif",
      "/w/zak/3.tif",
    ]);
    expect(db.prepare("SELECT state, COUNT(*) FROM files GROUP BY state ORDER BY state").raw().all()).toEqual([
      ["imported", 1],
      ["pending", 5],
    ]);
    db.close();
  });

  it("without a DropBox: pending with an impossible mtime, so the next start's walk regroups them", () => {
    const file = path.join(dir, "l.sqlite");
    seed(file).close();
    expect(releaseExistingForNextStart(file, ["/w/zak"])).toBe(1);
    expect(releaseExistingForNextStart(file, null)).toBe(4);
    const db = openLedgerDb(file);
    expect(db.prepare("SELECT COUNT(*) FROM files WHERE state = 'pending' AND mtime_ms = -1").pluck().get()).toBe(5);
    db.close();
  });

  it("a first walk is recorded started, then completed", () => {
    const db = openLedgerDb(":memory:");
    const w = new WalksTable(db);
    expect(w.firstWalkOf("default", "/w")).toEqual({ state: "none" });
    w.started("default", "/w", 1234);
    w.started("default", "/w", 9999);
    expect(w.firstWalkOf("default", "/w")).toEqual({ state: "started", startedMs: 1234 });
    w.completed("default", "/w", 3, 5000);
    expect(w.firstWalkOf("default", "/w")).toEqual({ state: "done" });
    expect(w.firstWalkOf("amy", "/w")).toEqual({ state: "none" });
    db.close();
  });
});
