/**
 * Text index files, which entries that list their members are (companion OME-XML, Leica .xlef,
 * plate indexes, Micro-Manager metadata.txt, MetaMorph .nd, MetaXpress .HTD, .ndpis): each says where
 * it ends. XML: the root element's end tag closes the document (XML 1.0: one root element);
 * JSON: the whole text parses (RFC 8259); MetaMorph/MetaXpress: the `"EndFile"` line that
 * MetamorphReader and MetaxpressTiffReader stop at; .ndpis (NDPISReader): the ImageN=x.ndpi line of
 * every one of its NoImages images.
 */
import { type Bytes, COMPLETE, incomplete, type StructureCheck, UNKNOWN } from "./types";

const HEAD = 4096;
const TAIL = 4096;
/** A JSON document or .ndpis larger than this is not parsed. */
const WHOLE_MAX = 64 * 1024 * 1024;

/** The root element's name of an XML document head (after the declaration, comments, DOCTYPE, PIs). */
export function rootName(head: string): string | null {
  let s = head.replace(/^\uFEFF/, "");
  for (;;) {
    const t = s.replace(/^\s*(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)/, "");
    if (t === s) break;
    s = t;
  }
  return /^\s*<([A-Za-z_][\w.:-]*)/.exec(s)?.[1] ?? null;
}

export async function checkXml(src: Bytes, what: string): Promise<StructureCheck> {
  const size = src.size;
  const head = (await src.get(0, Math.min(size, HEAD))).toString("utf8");
  const root = rootName(head);
  if (!root) return size < HEAD ? incomplete(`${what} incomplete: no root element yet (${size} bytes)`) : UNKNOWN;
  // An empty root (<AssayLayout .../>) closes the document with its start tag.
  const start = new RegExp(`<${root.replace(/\./g, "\\.")}\\b(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>`).exec(head);
  if (start?.[1] === "/") return COMPLETE;
  const tail = (await src.get(Math.max(0, size - TAIL), Math.min(size, TAIL))).toString("utf8").trimEnd();
  const end = `</${root}>`;
  return tail.endsWith(end) ? COMPLETE : incomplete(`${what} incomplete: it does not end with ${end} (${size} bytes)`);
}

export async function checkJson(src: Bytes, what: string): Promise<StructureCheck> {
  if (src.size > WHOLE_MAX) return UNKNOWN;
  const text = (await src.get(0, src.size)).toString("utf8");
  try {
    JSON.parse(text);
    return COMPLETE;
  } catch {
    return incomplete(`${what} incomplete: it is not whole JSON yet (${src.size} bytes)`);
  }
}

/** MetaMorph .nd / MetaXpress .HTD: the last line is "EndFile". */
export async function checkEndFile(src: Bytes, what: string): Promise<StructureCheck> {
  const tail = (await src.get(Math.max(0, src.size - 256), Math.min(src.size, 256))).toString("latin1");
  const last =
    tail
      .trimEnd()
      .split(/\r?\n|\r/)
      .pop() ?? "";
  return last.trim() === '"EndFile"'
    ? COMPLETE
    : incomplete(`${what} incomplete: no "EndFile" line at its end (${src.size} bytes)`);
}

/** .ndpis: NoImages=N and an ImageI=<name>.ndpi line for each of 0..N-1 (NDPISReader's indexes). */
export async function checkNdpis(src: Bytes): Promise<StructureCheck> {
  if (src.size > WHOLE_MAX) return UNKNOWN;
  const text = (await src.get(0, src.size)).toString("latin1");
  const n = /^\s*NoImages\s*=\s*(\d+)/im.exec(text);
  if (!n) return incomplete(`NDPIS incomplete: no NoImages= line yet (${src.size} bytes)`);
  for (let i = 0; i < Number(n[1]); i++)
    if (!new RegExp(`^\\s*Image${i}\\s*=.*\\.ndpi\\s*$`, "im").test(text))
      return incomplete(`NDPIS incomplete: NoImages=${n[1]} but no Image${i}= line (${src.size} bytes)`);
  return COMPLETE;
}
