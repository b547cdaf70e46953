/**
 * FilePattern.findPattern(name, dir, nameList) (ome/bioformats df36e691,
 * components/formats-bsd/src/loci/formats/FilePattern.java l. 442-585, NumberFilter.java): the pattern
 * Bio-Formats guesses from one file name and the names of its folder, e.g. `slice<01-10>.vff`. Readers that
 * group numbered files this way (MicroCTReader) use the files its expansion names (`expandPattern`).
 * Without excludeAxes (AxisGuesser is not consulted then). Pure.
 */
import { expandPattern } from "./listed";

function numberOf(name: string, pre: string, post: string): bigint | null {
  if (!name.startsWith(pre) || !name.endsWith(post) || name.length < pre.length + post.length) return null;
  const mid = name.slice(pre.length, name.length - post.length);
  return /^[+-]?\d+$/.test(mid) ? BigInt(mid) : null;
}

function matchFiles(names: readonly string[], pre: string, post: string): string[] {
  return names.filter((n) => numberOf(n, pre, post) !== null);
}

/** FilePattern.getBounds. */
function bounds(numbers: bigint[], fixed: boolean): string | null {
  if (numbers.length < 2) return null;
  const b = numbers[0]!;
  const e = numbers[numbers.length - 1]!;
  const s = numbers[1]! - b;
  if (s === 0n) return null;
  for (let i = 2; i < numbers.length; i++) if (numbers[i]! - numbers[i - 1]! !== s) return null;
  const sb = b.toString();
  const se = e.toString();
  let out = "<";
  if (fixed) out += "0".repeat(Math.max(0, se.length - sb.length));
  out += `${sb}-${se}`;
  if (s !== 1n) out += `:${s}`;
  return `${out}>`;
}

const sortBig = (xs: bigint[]) => xs.sort((a, c) => (a < c ? -1 : a > c ? 1 : 0));

/** The recursive split of a fixed-width varying block (the private findPattern overload). */
function split(name: string, names: readonly string[], ndx: number, end: number, p: string): string | null {
  if (ndx === end) return p;
  for (let i = end - ndx; i >= 1; i--) {
    const list = matchFiles(names, name.slice(0, ndx), name.slice(ndx + i));
    const numbers = sortBig(list.map((n) => BigInt(n.slice(ndx, ndx + i))));
    const b = bounds(numbers, true);
    if (b === null) continue;
    const pat = split(name, names, ndx + i, end, p + b);
    if (pat !== null) return pat;
  }
  return null;
}

/** The pattern for `name` among `names` (its folder's entries), or null where Bio-Formats finds none. */
export function findPattern(name: string, names: readonly string[]): string | null {
  const blocks: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= name.length; i++) {
    const digit = i < name.length && name[i]! >= "0" && name[i]! <= "9";
    if (digit && start < 0) start = i;
    if (!digit && start >= 0) {
      blocks.push([start, i]);
      start = -1;
    }
  }
  let sb = "";
  for (let q = 0; q < blocks.length; q++) {
    const [ndx, end] = blocks[q]!;
    const last = q > 0 ? blocks[q - 1]![1] : 0;
    sb += name.slice(last, ndx);
    const pre = name.slice(0, ndx);
    const post = name.slice(end);
    const list = matchFiles(names, pre, post);
    if (list.length === 0) return null;
    if (list.length === 1) {
      sb += name.slice(ndx, end);
      continue;
    }
    if (list.every((s) => s.length === name.length)) {
      const width = end - ndx;
      const same = Array.from({ length: width }, (_, j) => list.every((s) => s[ndx + j] === name[ndx + j]));
      let j = 0;
      while (j < width) {
        if (same[j]) {
          sb += name[ndx + j];
          j++;
          continue;
        }
        const jx = ndx + j;
        while (j < width && !same[j]) j++;
        const p = split(name, names, jx, ndx + j, "");
        const c = ndx > 0 ? name[ndx - 1]! : ".";
        if (p === null && !"SsEe".includes(c)) return null;
        sb += p ?? name[end - 1];
      }
    } else {
      const numbers = sortBig(list.map((s) => numberOf(s, pre, post)!));
      const b = bounds(numbers, false);
      if (b === null) return null;
      sb += b;
    }
  }
  return sb + (blocks.length > 0 ? name.slice(blocks[blocks.length - 1]![1]) : name);
}

/** FilePattern(findPattern(file)).getFiles(): the names the guessed pattern expands to (null: no pattern). */
export function patternFiles(name: string, names: readonly string[]): string[] | null {
  const p = findPattern(name, names);
  if (p === null) return null;
  return p.includes("<") ? expandPattern(p) : [p];
}
