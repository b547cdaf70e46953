/** The ledger views the CLI uses: shapes, filters, requeue, and speed on 100,000 files (real SQLite file). */
import * as path from "node:path";
import { LedgerError, openLedgerView, requeueImport } from "@omero-fs/dropbox/ledger";
import { FileJsonSchema, ImportJsonSchema } from "@omero-fs/protocol";
import { openLedgerDb } from "../../packages/dropbox/src/ledger";
import { tempDir } from "../helpers/wait";

describe("ledger views", () => {
  const t = tempDir("ofs-ledger-");
  const file = path.join(t.dir, "dropbox.sqlite");
  afterAll(() => t.cleanup());

  it("says plainly when no DropBox has run in this home", () => {
    expect(() => openLedgerView(path.join(t.dir, "nope.sqlite"))).toThrow(/no DropBox has run in this home yet/);
  });

  it("lists 100,000 files in 50,000 filesets in the --json shapes (speed: scripts/bench/cli/bench.js)", () => {
    const db = openLedgerDb(file);
    const now = Date.now();
    const stamp = new Date(now).toISOString();
    const insFs = db.prepare(
      "INSERT INTO filesets(watch, user, key, reader, entry, state, importer, created_at, imported_at, attempts) VALUES (0, ?, ?, 'loci.formats.in.ICSReader', ?, ?, 'local', ?, ?, ?)",
    );
    const insFile = db.prepare(
      "INSERT INTO files(path, watch, user, size, mtime_ms, dev, ino, state, reason, fileset, last_event_ms, seen_at) VALUES (?, 0, ?, 10, ?, 1, ?, ?, NULL, ?, ?, ?)",
    );
    const insMember = db.prepare(
      "INSERT INTO fileset_files(fileset, ord, path, size, mtime_ms) VALUES (?, ?, ?, 10, ?)",
    );
    db.transaction(() => {
      for (let i = 0; i < 50_000; i++) {
        const user = i % 2 ? "amy" : "zak";
        const state = i === 7 ? "failed" : "imported";
        const a = `/w/${user}/d${i % 100}/x${i}.ics`;
        const b = `/w/${user}/d${i % 100}/x${i}.ids`;
        const id = Number(insFs.run(user, a, a, state, stamp, state === "imported" ? stamp : null, 1).lastInsertRowid);
        [a, b].forEach((p, k) => {
          insFile.run(p, user, now, i * 2 + k, state === "imported" ? "imported" : "grouped", id, now, stamp);
          insMember.run(id, k, p, now);
        });
      }
    })();
    db.close();
    const v = openLedgerView(file);
    try {
      const all = v.listImports();
      expect(all).toHaveLength(50_000);
      expect(ImportJsonSchema.parse(all[0])).toEqual(all[0]);
      expect(all[0]!.files).toEqual(["/w/zak/d0/x0.ics", "/w/zak/d0/x0.ids"]);
      expect(v.listImports({ user: "amy", state: "failed" }).map((i) => i.id)).toEqual([8]);
      expect(v.getImport(8)!.files).toHaveLength(2);
      expect(v.getImport(999_999)).toBeNull();
      const files = v.listFiles({ user: "amy" });
      expect(files).toHaveLength(50_000);
      expect(FileJsonSchema.parse(files[0])).toEqual(files[0]);
      expect(v.counts()).toMatchObject({
        "files.imported": 99_998,
        "files.grouped": 2,
        "imports.failed": 1,
        "imports.waiting": 0,
      });
    } finally {
      v.close();
    }
  });

  it("requeues a failed import, and refuses an imported or unknown one with a clear message", () => {
    expect(requeueImport(file, 8)).toEqual({ id: 8, state: "queued" });
    const v = openLedgerView(file);
    expect(v.getImport(8)!.state).toBe("queued");
    v.close();
    expect(() => requeueImport(file, 1)).toThrow(/already imported; it is never imported twice/);
    expect(() => requeueImport(file, 999_999)).toThrow(LedgerError);
    expect(() => requeueImport(file, 999_999)).toThrow(/no import with id 999999/);
  });
});
