/**
 * Micro-Manager (README rule 3; MicromanagerReader): a folder with metadata.txt / *_metadata.txt
 * owns its TIFFs and Acqusition.xml; Pos_* sibling folders form one fileset.
 */
import { baseOf, dirOf } from "../paths";
import { entry, find, member } from "./context";
import type { Ctx, Decision } from "./context";
import { R, isTiffName } from "./names";
import { headText, headUtf8 } from "../head";
import { WHOLE_FILE_MAX_BYTES } from "../types";
import type { CandidateFile } from "../types";

export function mmEntryForDir(ctx: Ctx, dir: string, tiffName?: string): string | null {
  const list = ctx.mm.get(dir);
  if (!list || list.length === 0) return null;
  const folder = baseOf(dir);
  if (folder.includes("Pos_")) {
    const group = ctx.mmPos.get(dirOf(dir));
    if (group && group.length > 0) return group[0]!;
  }
  if (tiffName) {
    const prefix = tiffName.includes(".") ? tiffName.slice(0, tiffName.indexOf(".")) : tiffName;
    const own = find(ctx, dir, `${prefix}_metadata.txt`);
    if (own && list.includes(own)) return own;
  }
  const plain = list.find((p) => baseOf(p).toLowerCase() === "metadata.txt");
  return plain ?? list[0]!;
}

/** Micro-Manager: a TIFF (or Acqusition.xml) in a folder with metadata.txt belongs to it, never alone. */
export function microManagerRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  if (!ctx.idx.has.has(R.mm)) return null;
  const dir = dirOf(f.path);
  const list = ctx.mm.get(dir);
  if (!list) return null;
  if (list.includes(f.path)) {
    const e = mmEntryForDir(ctx, dir);
    return e && e !== f.path ? member(R.mm, e) : entry(R.mm);
  }
  if (isTiffName(ln) || ln === "acqusition.xml") {
    const e = mmEntryForDir(ctx, dir, baseOf(f.path));
    if (e) return member(R.mm, e);
  }
  return null;
}

export function mmFileNames(f: CandidateFile): string[] {
  const text = headUtf8(f);
  if (!text) return [];
  const out = new Set<string>();
  const re = /"FileName"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.add(m[1]!.replace(/\\(.)/g, "$1"));
  return [...out];
}

export function mmPasses(f: CandidateFile): boolean {
  const t = headText(f, WHOLE_FILE_MAX_BYTES);
  return t === undefined || /micro-?manager/i.test(t);
}
