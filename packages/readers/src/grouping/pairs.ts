/**
 * Pairs and companions found by computing the partner's name (README rule 6): ICS/IDS, DeltaVision
 * logs, Analyze/NIfTI .hdr/.img, CZI parts, OIR parts, FakeReader .ini, BigDataViewer .h5.
 */
import { baseOf, dirOf, join } from "../paths";
import { entry, find, findPath, member } from "./context";
import { deltavisionRule } from "./deltavision";
import { patternRefusal } from "./listed";
import { tcsXmlDecision } from "./tiff-sets";
import type { Ctx, Decision } from "./context";
import { R } from "./names";
import { headText } from "../head";
import type { CandidateFile } from "../types";

/** Replace the extension keeping the case style of the old one (Analyze .HDR <-> .IMG). */
export function swapExt(name: string, from: string, to: string): string {
  const ext = name.slice(name.length - from.length);
  const upper = ext === ext.toUpperCase() && ext !== ext.toLowerCase();
  return name.slice(0, name.length - from.length) + (upper ? to.toUpperCase() : to);
}

/** ICSReader's partner: the second-to-last character c<->d, case kept. */
export function icsPartner(name: string): string {
  const i = name.length - 2;
  const c = name[i]!;
  const swapped = c === "c" ? "d" : c === "d" ? "c" : c === "C" ? "D" : "C";
  return name.slice(0, i) + swapped + name.slice(i + 1);
}

/** Rules keyed by name: pairs and companions found by computing the partner's name. */
export function nameRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const has = ctx.idx.has;
  const dir = dirOf(f.path);
  const name = baseOf(f.path);

  // ICS / IDS
  if (has.has(R.ics) && (ln.endsWith(".ics") || ln.endsWith(".ids"))) {
    if (ln.endsWith(".ics")) return entry(R.ics);
    const ics = icsPartner(name);
    const found = find(ctx, dir, ics);
    return found
      ? member(R.ics, found)
      : { kind: "pending", waitsFor: join(dir, ics), reason: `${name} waits for its entry file ${join(dir, ics)}` };
  }

  // DeltaVision and its optional logs (deltavision.ts)
  const dv = deltavisionRule(ctx, f, ln);
  if (dv) return dv;

  // Analyze 7.5 / NIfTI pairs: the .hdr is the entry. AnalyzeReader/NiftiReader.initFile open
  // <base>.img (and <base>.hdr for an .img) in lower case: any other case fails or finds no reader.
  if ((has.has(R.analyze) || has.has(R.nifti)) && (ln.endsWith(".hdr") || ln.endsWith(".img"))) {
    const lower = name.endsWith(".hdr") || name.endsWith(".img");
    const base = name.slice(0, -4);
    const other = join(dir, `${base}.${ln.endsWith(".hdr") ? "img" : "hdr"}`);
    if (!lower || (!ctx.files.has(other) && findPath(ctx, other)))
      return {
        kind: "ignored",
        reason: `not an image Bio-Formats opens: AnalyzeReader and NiftiReader read a pair named ${base}.hdr and ${base}.img (lower-case suffixes, as their initFile opens them); rename the pair`,
      };
    if (ln.endsWith(".hdr")) {
      const r = hdrReader(ctx, f);
      if (r) return entry(r);
    } else {
      const hdrName = `${base}.hdr`;
      const hdr = ctx.files.has(join(dir, hdrName)) ? join(dir, hdrName) : null;
      if (hdr) {
        const r = hdrReader(ctx, ctx.files.get(hdr)!);
        if (r) return member(r, hdr);
      } else if (!find(ctx, dir, swapExt(name, ".img", ".hed")) && !find(ctx, dir, swapExt(name, ".img", ".inf"))) {
        return {
          kind: "pending",
          waitsFor: join(dir, hdrName),
          reason: `${name} is Analyze/NIfTI pixel data and waits for its entry file ${join(dir, hdrName)}`,
        };
      }
    }
  }

  // Zeiss CZI split acquisitions: "x (1).czi", "x(2).czi" join "x.czi" when it is there
  if (has.has(R.czi)) {
    const m = /^(.*?) ?\(\d+\)\.czi$/i.exec(name);
    if (m) {
      const master = find(ctx, dir, `${m[1]}.czi`);
      if (master) return member(R.czi, master);
    }
  }
  // Olympus OIR continuation parts "x_00001" join "x.oir"
  if (has.has(R.oir)) {
    const m = /^(.*)_\d{5}$/.exec(name);
    if (m) {
      const oir = find(ctx, dir, `${m[1]}.oir`);
      if (oir) return member(R.oir, oir);
    }
  }
  // FakeReader's companion x.fake.ini
  if (has.has(R.fake) && ln.endsWith(".fake.ini")) {
    const fake = find(ctx, dir, name.slice(0, -4));
    return fake
      ? member(R.fake, fake)
      : {
          kind: "pending",
          waitsFor: join(dir, name.slice(0, -4)),
          reason: `${name} waits for its entry file ${join(dir, name.slice(0, -4))}`,
        };
  }
  // BigDataViewer: x.h5 belongs to <name up to its first '.'>.xml
  if (has.has(R.bdv) && ln.endsWith(".h5")) {
    const xmlName = `${name.slice(0, name.indexOf("."))}.xml`;
    const xml = find(ctx, dir, xmlName);
    if (xml) {
      const xf = ctx.files.get(xml)!;
      if (!xf.probe?.head || headText(xf, 1000)!.includes("SpimData")) return member(R.bdv, xml);
    } else {
      return {
        kind: "pending",
        waitsFor: join(dir, xmlName),
        reason: `${name} is read through a BigDataViewer XML and waits for ${join(dir, xmlName)}`,
      };
    }
  }
  if (has.has(R.pattern) && ln.endsWith(".pattern")) {
    const why = patternRefusal(f);
    if (why) return { kind: "ignored", reason: why };
  }
  const tcsXml = tcsXmlDecision(ctx, f, ln);
  if (tcsXml) return tcsXml;
  if (has.has(R.ometiff) && ln.endsWith(".companion.ome")) return entry(R.ometiff);
  if (has.has(R.metamorph) && (ln.endsWith(".nd") || ln.endsWith(".scan"))) return entry(R.metamorph);
  return null;
}

/** NIfTI (magic ni1/n+1 at 344) before Analyze (348 at 0); without a probe: Analyze. */
export function hdrReader(ctx: Ctx, f: CandidateFile): string | null {
  const has = ctx.idx.has;
  const h = f.probe?.head;
  if (!h) return has.has(R.analyze) ? R.analyze : has.has(R.nifti) ? R.nifti : null;
  const magic = h.length >= 348 ? h.toString("latin1", 344, 347) : "";
  if (has.has(R.nifti) && (magic === "ni1" || magic === "n+1")) return R.nifti;
  if (has.has(R.analyze) && h.length >= 4 && (h.readInt32LE(0) === 348 || h.readInt32BE(0) === 348)) return R.analyze;
  return null;
}
