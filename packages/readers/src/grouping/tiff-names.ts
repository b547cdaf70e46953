/**
 * TIFF naming (README rule 5): BinaryOnly OME-TIFF -> its MetadataFile, Leica `.lei` prefixes,
 * MetaMorph `.nd`/`.scan` prefixes, OME-XML in the description, else TiffDelegateReader.
 */
import { isOmeXml, isOmeXmlWithImage, omeBinaryOnlyMetadataFile } from "../omexml";
import { baseOf, dirOf, resolveRef } from "../paths";
import { entry, find, findPath, member } from "./context";
import type { Ctx, Decision } from "./context";
import { OME_TIFF_SUFFIXES, R, endsWithAny, isTiffName } from "./names";
import type { CandidateFile } from "../types";

export function tiffRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const has = ctx.idx.has;
  const dir = dirOf(f.path);
  const name = baseOf(f.path);
  const desc = f.probe?.tiffDescription;
  const isStk = ln.endsWith(".stk");
  if (!isTiffName(ln) && !isStk) return null;

  if (has.has(R.ometiff) && desc && isOmeXml(desc) && !isOmeXmlWithImage(desc)) {
    const meta = omeBinaryOnlyMetadataFile(desc);
    if (meta) {
      const target = resolveRef(dir, meta);
      const found = findPath(ctx, target);
      if (found) return member(R.ometiff, found);
      return {
        kind: "pending",
        waitsFor: target,
        reason: `${name} is a BinaryOnly OME-TIFF and waits for its metadata file ${target}`,
      };
    }
  }
  if (has.has(R.leica) && !isStk) {
    let base = name.slice(0, name.lastIndexOf("."));
    for (;;) {
      const lei = find(ctx, dir, `${base}.lei`);
      if (lei) return member(R.leica, lei);
      const cut = base.lastIndexOf("_");
      if (cut <= 0) break;
      base = base.slice(0, cut);
    }
  }
  if (has.has(R.metamorph)) {
    for (const nd of ctx.nd.get(dir) ?? []) {
      const ndName = baseOf(nd);
      const b = ndName.slice(0, ndName.lastIndexOf(".")).toLowerCase();
      const prefix = ln.includes("_") ? ln.slice(0, ln.indexOf("_")) : null;
      if (ln.startsWith(`${b}_`) || prefix === b) return member(R.metamorph, nd);
    }
    if (isStk) return entry(R.metamorph);
  }
  if (has.has(R.ometiff)) {
    if (desc === undefined ? endsWithAny(ln, OME_TIFF_SUFFIXES) : isOmeXmlWithImage(desc)) return entry(R.ometiff);
  }
  return null;
}
