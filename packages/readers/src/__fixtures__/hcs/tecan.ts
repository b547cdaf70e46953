/**
 * A Tecan Spark Cyto export as TecanReader.initFile expects it: the SQLite database in its own folder,
 * `Images/` beside that folder (the images the database names; Tecan's file names come from the
 * database, these are the fixture's own, in per-well sub-folders the database names with `\`), `Export/`
 * with analysis output (the `.xlsx` parseSpreadsheet reads). The `.db` is a real SQLite file with the
 * tables TecanReader queries for files (PlateDefinition, SelectedWell, Image, ObjectList).
 */
import { makeSqlite } from "../sqlite";
import type { FixtureFile, PlateFixture } from "./plate";
import { tinyTiff } from "./plate";

/** The tables TecanReader reads, as a Spark Cyto workspace database holds them (other tables omitted). */
export function tecanDb(wells: string[], images: string[], objects: string[] = []): Buffer {
  return makeSqlite([
    {
      name: "PlateDefinition",
      columns: [
        '"Id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT',
        '"Name" TEXT',
        '"Rows" INTEGER',
        '"Columns" INTEGER',
      ],
      rows: [[1, "Greiner 96 Flat Bottom", 8, 12]],
    },
    {
      name: "SelectedWell",
      columns: ['"Id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT', '"AlphanumericCoordinate" TEXT'],
      rows: wells.map((w, i) => [i + 1, w]),
    },
    {
      name: "Image",
      columns: [
        '"Id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT',
        '"ImageTypeId" INTEGER',
        '"ImagingResultId" INTEGER',
        '"RelativePath" TEXT',
        '"PixelSizeInNm" REAL',
      ],
      rows: images.map((p, i) => [i + 1, 1, i + 1, p, 650.5]),
    },
    {
      name: "ObjectList",
      columns: ['"Id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT', '"ImagingResultId" INTEGER', '"Path" TEXT'],
      rows: objects.map((p, i) => [i + 1, i + 1, p]),
    },
  ]);
}

export function tecanPlate(opts: { wells?: string[]; channels?: string[] } = {}): PlateFixture {
  const wells = opts.wells ?? ["A1", "A2"];
  const channels = opts.channels ?? ["BF", "Green"];
  const files: FixtureFile[] = [];
  const listed: string[] = [];
  for (const w of wells) {
    for (const c of channels) {
      files.push({ path: `Images/${w}/${w}_1_1_${c}_Raw_1.tif`, content: tinyTiff(), kind: "image" });
      listed.push(`${w}\\${w}_1_1_${c}_Raw_1.tif`);
    }
  }
  files.push({ path: `Images/${wells[0]}/${wells[0]}_objects.svg`, content: Buffer.from("<svg/>"), kind: "metadata" });
  const db = tecanDb(wells, listed, [`${wells[0]}\\${wells[0]}_objects.svg`]);
  files.unshift({ path: "Database/SparkCyto.db", content: db, kind: "index" });
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
