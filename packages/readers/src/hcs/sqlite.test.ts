import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeSqlite } from "../__fixtures__/sqlite";
import { SqliteFile, parseColumns } from "./sqlite";

function python3Sqlite(): boolean {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import sqlite3"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("SqliteFile", () => {
  it("reads the fixture writer's tables (rowid alias, text, real, null)", () => {
    const db = makeSqlite([
      {
        name: "T",
        columns: ['"Id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT', '"Path" TEXT', '"Size" REAL', "Note"],
        rows: [[7, "a\\b.tif", 1.5, null]],
      },
    ]);
    expect(new SqliteFile(db).table("T")).toEqual([{ Id: 7, Path: "a\\b.tif", Size: 1.5, Note: null }]);
  });

  it("parseColumns skips constraints and unquotes names", () => {
    const cols = parseColumns(
      'CREATE TABLE "Image" ("Id" INTEGER NOT NULL CONSTRAINT "PK_Image" PRIMARY KEY AUTOINCREMENT, [RelativePath] TEXT NULL, `X` REAL, CONSTRAINT "FK" FOREIGN KEY ("X") REFERENCES "Y" ("Id"))',
    );
    expect(cols).toEqual([
      { name: "Id", rowid: true },
      { name: "RelativePath", rowid: false },
      { name: "X", rowid: false },
    ]);
  });

  const real = python3Sqlite() ? it : it.skip;
  if (!python3Sqlite()) console.warn("sqlite.test: /usr/bin/python3 with sqlite3 not found, multi-page test skipped");
  real("reads a multi-page database written by python3's sqlite3 (interior pages, overflow chains)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-"));
    try {
      const file = path.join(dir, "t.db");
      const script = `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute('CREATE TABLE "Image" ("Id" INTEGER NOT NULL CONSTRAINT "PK_Image" PRIMARY KEY AUTOINCREMENT, "RelativePath" TEXT NULL, "Blob" BLOB)')
for i in range(1, 6001):
    c.execute('INSERT INTO "Image" ("RelativePath", "Blob") VALUES (?, ?)', ('W%04d\\\\img_%05d.tif' % (i % 384, i), b'x' * (5000 if i % 1000 == 0 else 3)))
c.commit(); c.close()
`;
      execFileSync("/usr/bin/python3", ["-c", script, file]);
      const rows = new SqliteFile(fs.readFileSync(file)).table("Image")!;
      expect(rows).toHaveLength(6000);
      expect(rows[0]).toMatchObject({ Id: 1, RelativePath: "W0001\\img_00001.tif" });
      expect(rows[5999]).toMatchObject({ Id: 6000, RelativePath: "W0240\\img_06000.tif" });
      expect((rows[999]!.Blob as Buffer).length).toBe(5000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
