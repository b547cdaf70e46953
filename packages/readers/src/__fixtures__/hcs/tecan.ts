/**
 * A Tecan Spark Cyto export as TecanReader.initFile expects it: the SQLite database in its own folder,
 * `Images/` beside that folder (the images the database names; Tecan's file names come from the
 * database, these are the fixture's own), `Export/` with analysis output (the `.xlsx` parseSpreadsheet
 * reads). The `.db` here is only the SQLite header page (the grouping reads no table).
 */
import type { FixtureFile, PlateFixture } from "./plate";
import { tinyTiff } from "./plate";

export function sqliteStub(): Buffer {
  const b = Buffer.alloc(4096);
  b.write("SQLite format 3\0", 0, "latin1");
  b.writeUInt16BE(4096, 16);
  b.write("CREATE TABLE PlateDefinition (Id INTEGER, Name TEXT, Rows INTEGER, Columns INTEGER)", 200, "latin1");
  return b;
}

export function tecanPlate(opts: { wells?: string[]; channels?: string[] } = {}): PlateFixture {
  const wells = opts.wells ?? ["A1", "A2"];
  const channels = opts.channels ?? ["BF", "Green"];
  const files: FixtureFile[] = [{ path: "Database/SparkCyto.db", content: sqliteStub(), kind: "index" }];
  for (const w of wells) {
    for (const c of channels) {
      files.push({ path: `Images/${w}_1_1_${c}_Raw_1.tif`, content: tinyTiff(), kind: "image" });
    }
  }
  files.push({ path: "Export/Results.xlsx", content: Buffer.from("PK\x03\x04"), kind: "metadata" });
  return {
    entry: "Database/SparkCyto.db",
    reader: "loci.formats.in.TecanReader",
    files,
    wells: wells.length,
    fields: 1,
    channels: channels.length,
    timepoints: 1,
  };
}
