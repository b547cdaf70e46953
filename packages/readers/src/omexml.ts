/** Minimal, dependency-free reading of the OME-XML bits the watcher needs. Pure. */

export interface OmePixels {
  name: string;
  sizeX: number;
  sizeY: number;
  sizeZ: number;
  sizeC: number;
  sizeT: number;
  pixelType: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITIES[e]!;
  });
}

/** Attributes of one start tag's attribute text, entity-decoded. */
export function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[1]!.includes(":") ? m[1]!.slice(m[1]!.indexOf(":") + 1) : m[1]!;
    out.set(key, decodeXmlEntities(m[2] ?? m[3] ?? ""));
  }
  return out;
}

/** True when the text is OME-XML with at least one Image (what OMETiffReader.isThisType asks of the first IFD). */
export function isOmeXmlWithImage(text: string | null | undefined): boolean {
  if (!text) return false;
  return /<(?:\w+:)?OME[\s>/]/.test(text) && /<(?:\w+:)?Image[\s>/]/.test(text);
}

/** True when the text is any OME-XML root (with or without images, e.g. a BinaryOnly stub). */
export function isOmeXml(text: string | null | undefined): boolean {
  return !!text && /<(?:\w+:)?OME[\s>/]/.test(text);
}

/** The file names an OME-XML document points to (TiffData/UUID@FileName), in document order, unique. */
export function omeReferencedFiles(xml: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const re = /<(?:\w+:)?UUID\b([^>]*)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const name = parseAttributes(m[1]!).get("FileName");
    if (name && !seen.has(name)) {
      seen.add(name);
      out.push(name);
    }
  }
  return out;
}

/** BinaryOnly@MetadataFile: the companion file holding the metadata of a "binary only" OME-TIFF. */
export function omeBinaryOnlyMetadataFile(xml: string): string | null {
  const m = /<(?:\w+:)?BinaryOnly\b([^>]*)>/.exec(xml);
  if (!m) return null;
  return parseAttributes(m[1]!).get("MetadataFile") ?? null;
}

function int(v: string | undefined, fallback: number): number {
  const n = v === undefined ? Number.NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Every Image/Pixels of an OME-XML document. */
export function omeImages(xml: string): OmePixels[] {
  const out: OmePixels[] = [];
  const imageRe = /<(?:\w+:)?Image\b([^>]*)>/g;
  const pixelsRe = /<(?:\w+:)?Pixels\b([^>]*)>/g;
  for (let m = imageRe.exec(xml); m; m = imageRe.exec(xml)) {
    const image = parseAttributes(m[1]!);
    pixelsRe.lastIndex = imageRe.lastIndex;
    const p = pixelsRe.exec(xml);
    const px = p ? parseAttributes(p[1]!) : new Map<string, string>();
    out.push({
      name: image.get("Name") ?? image.get("ID") ?? `Image ${out.length}`,
      sizeX: int(px.get("SizeX"), 1),
      sizeY: int(px.get("SizeY"), 1),
      sizeZ: int(px.get("SizeZ"), 1),
      sizeC: int(px.get("SizeC"), 1),
      sizeT: int(px.get("SizeT"), 1),
      pixelType: px.get("Type") ?? "uint8",
    });
  }
  return out;
}
