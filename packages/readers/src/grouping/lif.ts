/**
 * Leica LIF optional companions (LIFReader, ome/bioformats df36e691 components/formats-gpl/src/loci/formats/in/
 * LIFReader.java: initFile reads the UTF-16 XML header, getImageNames the series names, getSeriesUsedFiles): a
 * `.lif` uses, when they exist in its folder, `<series name>.xml` for each series (the names of the image's
 * Element ancestors below the project, joined by '/'), `LeicaLogo.jpg` and `LASAF_CIP.xsl` (LAS exports).
 * The series names need the header whole in the probe (HEADER_BYTES); the logo and stylesheet do not.
 */
import { baseOf, dirOf, join } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import { P } from "./names";
import { walkOrder } from "./pruning";

export const LIF = `${P}LIFReader`;
export const LIF_EXTRAS = ["LeicaLogo.jpg", "LASAF_CIP.xsl"];

type Claim = (member: string, entry: string, reader: string) => void;

/** The series names of a LIF whose XML header is in the probe, or null. */
export function lifSeriesNames(f: CandidateFile): string[] | null {
  const h = f.probe?.head;
  if (!h || h.length < 13 || h.readInt32LE(0) !== 0x70 || h[8] !== 0x2a) return null;
  const chars = h.readInt32LE(9);
  if (chars <= 0 || 13 + chars * 2 > h.length) return null;
  const xml = h.toString("utf16le", 13, 13 + chars * 2);
  const stack: string[] = [];
  const names: string[] = [];
  for (const m of xml.matchAll(/<(\/?)(Element|Image)\b([^>]*?)(\/?)>/g)) {
    if (m[2] === "Element") {
      if (m[1]) stack.pop();
      else if (!m[4]) stack.push(/\bName="([^"]*)"/.exec(m[3]!)?.[1] ?? "");
    } else if (!m[1]) {
      // getImageNames: the Element ancestors, the project (outermost) left out.
      names.push(stack.slice(1).join("/"));
    }
  }
  return names;
}

export function lifClaims(ctx: Ctx, sorted: CandidateFile[], claim: Claim): void {
  if (!ctx.idx.has.has(LIF)) return;
  const lifs = sorted.filter((f) => f.path.toLowerCase().endsWith(".lif")).sort((a, b) => walkOrder(a.path, b.path));
  for (const f of lifs) {
    const dir = dirOf(f.path);
    for (const name of lifSeriesNames(f) ?? []) {
      const xml = join(dir, `${name.trim()}.xml`);
      if (ctx.files.has(xml)) claim(xml, f.path, LIF);
    }
    // Every .lif of the folder uses them; the first one walked keeps them here (one fileset per file).
    for (const extra of LIF_EXTRAS) if (ctx.files.has(join(dir, extra))) claim(join(dir, extra), f.path, LIF);
  }
}

/** LeicaLogo.jpg / LASAF_CIP.xsl with no .lif in the folder: a LAS export's .lif may still come. */
export function lifExtraHold(ctx: Ctx, path: string): string | undefined {
  const name = baseOf(path);
  if (!LIF_EXTRAS.includes(name) || !ctx.idx.has.has(LIF)) return undefined;
  if (ctx.dirs.get(dirOf(path))?.names.some((n) => n.toLowerCase().endsWith(".lif"))) return undefined;
  return `${name} is what Leica LAS exports beside a .lif, and may belong to one not here yet`;
}
