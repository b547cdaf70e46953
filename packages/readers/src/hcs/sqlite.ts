/**
 * A minimal read-only SQLite 3 file reader over a Buffer: enough to list one table's rows (Tecan's
 * `Image.RelativePath`). Pure. Follows the file format document (https://www.sqlite.org/fileformat.html):
 * the 100-byte header (page size at 16, reserved bytes at 20, text encoding at 56), table b-tree pages
 * (0x0D leaf, 0x05 interior), cell payloads with overflow pages, the record format (serial types), and
 * `sqlite_schema` on page 1. Not handled: WITHOUT ROWID tables, pages only in a `-wal` file.
 */

export type SqlValue = null | number | string | Buffer;

export interface SqlRow {
  rowid: number;
  values: SqlValue[];
}

export class SqliteError extends Error {}

const MAGIC = "SQLite format 3\0";
const MAX_PAGES_VISITED = 1_000_000;

export function isSqlite(b: Buffer): boolean {
  return b.length >= 100 && b.toString("latin1", 0, 16) === MAGIC;
}

export class SqliteFile {
  readonly pageSize: number;
  private readonly usable: number;
  private readonly encoding: "utf8" | "utf16le" | "utf16be";

  constructor(private readonly b: Buffer) {
    if (!isSqlite(b)) throw new SqliteError("not an SQLite 3 file");
    const ps = b.readUInt16BE(16);
    this.pageSize = ps === 1 ? 65536 : ps;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0)
      throw new SqliteError(`bad page size ${ps}`);
    this.usable = this.pageSize - b[20]!;
    const enc = b.readUInt32BE(56);
    this.encoding = enc === 2 ? "utf16le" : enc === 3 ? "utf16be" : "utf8";
  }

  /** Tables of sqlite_schema: name -> { rootpage, columns } (column names from the CREATE TABLE text). */
  tables(): Map<string, { rootpage: number; columns: Column[] }> {
    const out = new Map<string, { rootpage: number; columns: Column[] }>();
    for (const r of this.rows(1)) {
      const [type, name, , rootpage, sql] = r.values;
      if (type !== "table" || typeof name !== "string" || typeof rootpage !== "number") continue;
      out.set(name, { rootpage, columns: typeof sql === "string" ? parseColumns(sql) : [] });
    }
    return out;
  }

  /** Every row of the table b-tree rooted at `page`, in rowid order. */
  rows(root: number): SqlRow[] {
    const out: SqlRow[] = [];
    const seen = new Set<number>();
    const walk = (page: number) => {
      if (seen.has(page) || seen.size > MAX_PAGES_VISITED) throw new SqliteError(`page ${page} visited twice`);
      seen.add(page);
      const base = (page - 1) * this.pageSize;
      const hdr = page === 1 ? base + 100 : base;
      if (base + this.pageSize > this.b.length) throw new SqliteError(`page ${page} lies beyond the end`);
      const type = this.b[hdr]!;
      const cells = this.b.readUInt16BE(hdr + 3);
      if (type === 0x05) {
        for (let i = 0; i < cells; i++) walk(this.b.readUInt32BE(base + this.b.readUInt16BE(hdr + 12 + 2 * i)));
        walk(this.b.readUInt32BE(hdr + 8));
      } else if (type === 0x0d) {
        for (let i = 0; i < cells; i++) out.push(this.leafCell(base + this.b.readUInt16BE(hdr + 8 + 2 * i)));
      } else throw new SqliteError(`page ${page} is not a table b-tree page (type ${type})`);
    };
    walk(root);
    return out;
  }

  private leafCell(at: number): SqlRow {
    const [len, n] = varint(this.b, at);
    at += n;
    const [rowid, m] = varint(this.b, at);
    at += m;
    const u = this.usable;
    const x = u - 35;
    let local = len;
    if (len > x) {
      const min = Math.floor(((u - 12) * 32) / 255) - 23;
      const k = min + ((len - min) % (u - 4));
      local = k <= x ? k : min;
    }
    const parts = [this.b.subarray(at, at + local)];
    let rest = len - local;
    let next = rest > 0 ? this.b.readUInt32BE(at + local) : 0;
    const seen = new Set<number>();
    while (rest > 0 && next !== 0 && !seen.has(next)) {
      seen.add(next);
      const o = (next - 1) * this.pageSize;
      if (o + this.pageSize > this.b.length) throw new SqliteError(`overflow page ${next} lies beyond the end`);
      const take = Math.min(rest, u - 4);
      parts.push(this.b.subarray(o + 4, o + 4 + take));
      rest -= take;
      next = this.b.readUInt32BE(o);
    }
    if (rest > 0) throw new SqliteError("overflow chain ends early");
    return { rowid, values: this.record(Buffer.concat(parts)) };
  }

  private record(p: Buffer): SqlValue[] {
    const [hlen, n0] = varint(p, 0);
    const types: number[] = [];
    for (let at = n0; at < hlen; ) {
      const [t, n] = varint(p, at);
      types.push(t);
      at += n;
    }
    const out: SqlValue[] = [];
    let at = hlen;
    for (const t of types) {
      if (t === 0 || t === 10 || t === 11) out.push(null);
      else if (t === 8) out.push(0);
      else if (t === 9) out.push(1);
      else if (t <= 6) {
        const size = [0, 1, 2, 3, 4, 6, 8][t]!;
        out.push(size === 8 ? Number(p.readBigInt64BE(at)) : p.readIntBE(at, size));
        at += size;
      } else if (t === 7) {
        out.push(p.readDoubleBE(at));
        at += 8;
      } else {
        const size = (t - (t % 2 === 0 ? 12 : 13)) / 2;
        const v = p.subarray(at, at + size);
        at += size;
        if (t % 2 === 0) out.push(Buffer.from(v));
        else if (this.encoding === "utf16be") out.push(Buffer.from(v).swap16().toString("utf16le"));
        else out.push(v.toString(this.encoding));
      }
    }
    return out;
  }

  /** A table's rows as objects keyed by column name (an INTEGER PRIMARY KEY column reads the rowid). */
  table(name: string): Record<string, SqlValue>[] | null {
    const t = this.tables().get(name);
    if (!t) return null;
    return this.rows(t.rootpage).map((r) => {
      const o: Record<string, SqlValue> = {};
      t.columns.forEach((c, i) => {
        o[c.name] = c.rowid ? r.rowid : (r.values[i] ?? null);
      });
      return o;
    });
  }
}

/** SQLite varint: 1-9 bytes, big-endian 7-bit groups, the 9th byte whole. */
function varint(b: Buffer, at: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[at + i];
    if (byte === undefined) throw new SqliteError("varint past the end");
    v = v * 128 + (byte & 0x7f);
    if (byte < 0x80) return [v, i + 1];
  }
  return [v * 256 + b[at + 8]!, 9];
}

export interface Column {
  name: string;
  /** INTEGER PRIMARY KEY: an alias of the rowid (stored as NULL in the record). */
  rowid: boolean;
}

/** Column names of a CREATE TABLE statement (constraints skipped, quotes removed). */
export function parseColumns(sql: string): Column[] {
  const open = sql.indexOf("(");
  const close = sql.lastIndexOf(")");
  if (open < 0 || close < open) return [];
  const body = sql.slice(open + 1, close);
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  let quote: string | null = null;
  for (const ch of body) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "[") quote = "]";
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  const out: Column[] = [];
  for (const raw of parts) {
    const p = raw.trim();
    if (/^(constraint|primary|unique|check|foreign)\b/i.test(p)) continue;
    const m = /^(?:"((?:[^"]|"")*)"|\[([^\]]*)\]|`([^`]*)`|([^\s]+))\s*(.*)$/s.exec(p);
    if (!m) continue;
    const name = m[1]?.replace(/""/g, '"') ?? m[2] ?? m[3] ?? m[4]!;
    const rest = m[5] ?? "";
    out.push({ name, rowid: /^integer\b/i.test(rest) && /\bprimary\s+key\b/i.test(rest) && !/\bdesc\b/i.test(rest) });
  }
  return out;
}
