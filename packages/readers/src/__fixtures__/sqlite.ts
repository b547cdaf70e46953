/**
 * Writes small SQLite 3 database files for tests (https://www.sqlite.org/fileformat.html): 4096-byte
 * pages, sqlite_schema on page 1, one leaf page per table (a table must fit in one page), rowid tables,
 * integers as 8-byte (serial type 6), reals as serial type 7, text as UTF-8. Enough for the readers'
 * SQLite parser and Tecan fixtures; larger files come from python3's sqlite3 in the tests.
 */
export type Cell = null | number | string;

export interface TableSpec {
  name: string;
  /** Column definitions as in CREATE TABLE (the first `INTEGER PRIMARY KEY` column is the rowid). */
  columns: string[];
  rows: Cell[][];
}

const PAGE = 4096;

function varint(v: number): Buffer {
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x % 128);
    x = Math.floor(x / 128);
  } while (x > 0);
  return Buffer.from(bytes.map((b, i) => (i < bytes.length - 1 ? b | 0x80 : b)));
}

function record(values: Cell[]): Buffer {
  const types: Buffer[] = [];
  const body: Buffer[] = [];
  for (const v of values) {
    if (v === null) types.push(varint(0));
    else if (typeof v === "number" && Number.isInteger(v)) {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(v));
      types.push(varint(6));
      body.push(b);
    } else if (typeof v === "number") {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v);
      types.push(varint(7));
      body.push(b);
    } else {
      const b = Buffer.from(v, "utf8");
      types.push(varint(13 + 2 * b.length));
      body.push(b);
    }
  }
  const t = Buffer.concat(types);
  let hlen = t.length + 1;
  if (varint(hlen).length > 1) hlen = t.length + varint(t.length + 2).length;
  return Buffer.concat([varint(hlen), t, ...body]);
}

function leafPage(rows: { rowid: number; values: Cell[] }[], headerAt: number): Buffer {
  const page = Buffer.alloc(PAGE);
  let content = PAGE;
  const pointers: number[] = [];
  for (const r of rows) {
    const payload = record(r.values);
    if (payload.length > PAGE - 35) throw new Error("fixture sqlite: row too large for one page");
    const cell = Buffer.concat([varint(payload.length), varint(r.rowid), payload]);
    content -= cell.length;
    if (content < headerAt + 8 + 2 * (pointers.length + 1)) throw new Error("fixture sqlite: table over one page");
    cell.copy(page, content);
    pointers.push(content);
  }
  page[headerAt] = 0x0d;
  page.writeUInt16BE(rows.length, headerAt + 3);
  page.writeUInt16BE(content === PAGE ? 0 : content, headerAt + 5);
  pointers.forEach((p, i) => {
    page.writeUInt16BE(p, headerAt + 8 + 2 * i);
  });
  return page;
}

export function makeSqlite(tables: TableSpec[]): Buffer {
  const pages: Buffer[] = [];
  const schema: { rowid: number; values: Cell[] }[] = [];
  tables.forEach((t, i) => {
    const rootpage = i + 2;
    const sql = `CREATE TABLE "${t.name}" (${t.columns.join(", ")})`;
    schema.push({ rowid: i + 1, values: ["table", t.name, t.name, rootpage, sql] });
    const pk = t.columns.findIndex((c) => /^\S+\s+INTEGER\s+.*PRIMARY KEY/i.test(c));
    pages.push(
      leafPage(
        t.rows.map((r, k) => {
          const rowid = pk >= 0 && typeof r[pk] === "number" ? (r[pk] as number) : k + 1;
          return { rowid, values: r.map((v, c) => (c === pk ? null : v)) };
        }),
        0,
      ),
    );
  });
  const first = leafPage(schema, 100);
  first.write("SQLite format 3\0", 0, "latin1");
  first.writeUInt16BE(PAGE, 16);
  first[18] = 1;
  first[19] = 1;
  first[20] = 0;
  first[21] = 64;
  first[22] = 32;
  first[23] = 32;
  first.writeUInt32BE(1, 24);
  first.writeUInt32BE(pages.length + 1, 28);
  first.writeUInt32BE(1, 40);
  first.writeUInt32BE(4, 44);
  first.writeUInt32BE(1, 56);
  first.writeUInt32BE(1, 92);
  first.writeUInt32BE(3040001, 96);
  return Buffer.concat([first, ...pages]);
}
