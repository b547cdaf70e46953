/**
 * How a name (a path, a user, any text that came from the file system or a user) is shown to a
 * person: in CLI tables and in log lines. One function, so a name reads the same everywhere.
 * Light on purpose (no imports): the CLI requires it without the package index (winston).
 *
 * - Control characters never reach a terminal or forge a line: `\n`, `\r`, `\t`, `\x1b`, other C0
 *   and DEL as `\xNN`; C1 controls as `\u0085`.
 * - Bytes that are not valid UTF-8 (a name given as a Buffer) show as `\xff`, one per byte.
 * - Characters that reorder or break lines on a terminal (bidi controls, U+2028/9, BOM) and lone
 *   surrogates as `\u202e`.
 * - Everything else, backslashes included, is shown as is, so escaping escaped text changes
 *   nothing. `--json` outputs carry the exact name instead.
 */

const NAMED: Record<number, string> = { 9: "\\t", 10: "\\n", 13: "\\r" };

const hex2 = (n: number) => `\\x${n.toString(16).padStart(2, "0")}`;
const hex4 = (n: number) => `\\u${n.toString(16).padStart(4, "0")}`;

/** The escape of one code point, or null when it is shown as is. */
function escapeCodePoint(cp: number): string | null {
  if (cp < 0x20 || cp === 0x7f) return NAMED[cp] ?? hex2(cp);
  if (cp < 0x80) return null;
  if (cp <= 0x9f) return hex4(cp);
  if (
    (cp >= 0xd800 && cp <= 0xdfff) || // a lone surrogate (a valid pair arrives as one code point)
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff
  )
    return hex4(cp);
  return null;
}

/** Whether any UTF-16 unit of s may need an escape (a quick scan: clean text is returned as is). */
function mayNeedEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x61c && escapeCodePoint(c) !== null)) return true;
  }
  return false;
}

function escapeString(s: string): string {
  if (!mayNeedEscape(s)) return s;
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += escapeCodePoint(cp) ?? ch;
  }
  return out;
}

/** Length of the valid UTF-8 sequence at b[i], or 0 when the byte there does not start one. */
function utf8Length(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // a surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xf0 && c1 < 0x90) return 0; // overlong
    if (c === 0xf4 && c1 >= 0x90) return 0; // beyond U+10FFFF
    return 4;
  }
  return 0;
}

function escapeBytes(b: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < b.length) {
    const n = utf8Length(b, i);
    if (n === 0) {
      out += hex2(b[i]!);
      i += 1;
      continue;
    }
    out += escapeString(Buffer.from(b.subarray(i, i + n)).toString("utf8"));
    i += n;
  }
  return out;
}

/** A name as people see it: one line, no terminal control, invalid UTF-8 bytes as `\xNN`. */
export function escapeName(name: string | Uint8Array): string {
  return typeof name === "string" ? escapeString(name) : escapeBytes(name);
}

/** Whether a name (raw bytes) is valid UTF-8. */
export function isValidUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; ) {
    const n = utf8Length(b, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

/**
 * The ledger's (and `files list`'s) text for a file name that is not valid UTF-8: reversible, so
 * the exact bytes can be found again. Each byte that is not part of a valid UTF-8 sequence is
 * `\xNN`, a backslash is `\\`, and what escapeName escapes is escaped the same way (`\n`, `\x1b`,
 * `\u202e`). The result is its own escapeName (a table shows it as stored).
 */
export function encodeBadName(b: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < b.length) {
    const n = utf8Length(b, i);
    if (n === 0) {
      out += hex2(b[i]!);
      i += 1;
      continue;
    }
    const ch = Buffer.from(b.subarray(i, i + n)).toString("utf8");
    out += ch === "\\" ? "\\\\" : (escapeCodePoint(ch.codePointAt(0)!) ?? ch);
    i += n;
  }
  return out;
}

const UNNAMED: Record<string, number> = { t: 9, n: 10, r: 13, "\\": 0x5c };

/** The bytes an encodeBadName text stands for, or null when the text is not such an encoding. */
export function decodeBadName(s: string): Buffer | null {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < s.length) {
    const bs = s.indexOf("\\", i);
    if (bs < 0) {
      parts.push(Buffer.from(s.slice(i), "utf8"));
      break;
    }
    if (bs > i) parts.push(Buffer.from(s.slice(i, bs), "utf8"));
    const k = s[bs + 1];
    if (k !== undefined && k in UNNAMED) {
      parts.push(Buffer.from([UNNAMED[k]!]));
      i = bs + 2;
    } else if (k === "x" && /^[0-9a-f]{2}$/.test(s.slice(bs + 2, bs + 4))) {
      parts.push(Buffer.from([Number.parseInt(s.slice(bs + 2, bs + 4), 16)]));
      i = bs + 4;
    } else if (k === "u" && /^[0-9a-f]{4}$/.test(s.slice(bs + 2, bs + 6))) {
      parts.push(Buffer.from(String.fromCodePoint(Number.parseInt(s.slice(bs + 2, bs + 6), 16)), "utf8"));
      i = bs + 6;
    } else return null;
  }
  return Buffer.concat(parts);
}

/** The label of a slot in messages: "watch 2 of 2 (zak)". Watch numbers count from 1 for people;
 * ConfigProblem.slot stays 0-based. */
export function slotLabel(slot: number, total: number, user: string | null): string {
  return `watch ${slot + 1} of ${total}${user ? ` (${user})` : ""}`;
}
