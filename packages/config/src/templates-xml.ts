/**
 * A small tolerant scanner for OMERO's etc/grid/templates.xml (or bare `<property .../>` lines
 * pasted from the docs). Pure: text in, properties and problems out.
 *
 * Not a strict XML parser on purpose: users paste values from OMERO's docs, whose importArgs
 * example has `\"` inside a double-quoted attribute and a `<` in a regex. Rules:
 * - Inside a quoted attribute value, `\"` (`\'` in single quotes) is a literal quote and `<` is
 *   literal. Entities `&quot; &amp; &lt; &gt; &apos; &#N; &#xN;` are decoded; an unknown `&name;`
 *   stays as written.
 * - Comments, `<?...?>`, `<!DOCTYPE ...>` and CDATA are skipped.
 * - Malformed markup (unterminated comment/tag/value, unquoted value, mismatched or unclosed
 *   element, a property without name or value) is a problem with its line number.
 * - A property that would be silently lost is a problem too (scanning goes on): text such as
 *   `property name="omero.fs.x" value="1"/>` that lacks its `<`, and an element with another name
 *   (`<propery name="omero.fs.x" value=.../>`) carrying an omero.fs.* name and a value.
 */

/** Where a property sits in the file; decides whether and in which order it counts. */
export type XmlScope =
  /** Not inside any <properties>/<server>/<server-template> (bare lines, or directly in <icegrid>). */
  | "bare"
  /** Inside <properties id="DropBox">. */
  | "dropbox-block"
  /** Inside <properties id="Profile"> (OMERO's site customisation block, referenced after DropBox). */
  | "profile-block"
  /** Inside the DropBox server (<server-template id="DropBoxTemplate"> or <server id="DropBox">). */
  | "dropbox-server"
  /** Anywhere else: another properties block, another server, a <target>. Not read. */
  | "other";

export interface XmlProperty {
  name: string;
  value: string;
  /** 1-based line of the `<property`. */
  line: number;
  scope: XmlScope;
  /** Human description of the enclosing element, e.g. `<properties id="Blitz">`. */
  where: string;
}

export interface XmlProblem {
  line: number;
  message: string;
}

export interface XmlScanResult {
  properties: XmlProperty[];
  problems: XmlProblem[];
}

const ENTITIES: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">", apos: "'" };

/** Decode XML entities; unknown ones stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (m, body: string) => {
    if (body.startsWith("#x")) return safeFromCodePoint(Number.parseInt(body.slice(2), 16)) ?? m;
    if (body.startsWith("#")) return safeFromCodePoint(Number.parseInt(body.slice(1), 10)) ?? m;
    return ENTITIES[body] ?? m;
  });
}

function safeFromCodePoint(n: number): string | null {
  try {
    return String.fromCodePoint(n);
  } catch {
    return null;
  }
}

interface OpenElement {
  name: string;
  attrs: Map<string, string>;
  line: number;
}

/** Scan templates.xml text. Never throws. */
export function scanTemplatesXml(text: string): XmlScanResult {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (pos: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  const properties: XmlProperty[] = [];
  const problems: XmlProblem[] = [];
  const stack: OpenElement[] = [];
  let i = 0;
  const n = text.length;

  const fail = (pos: number, message: string): XmlScanResult => {
    problems.push({ line: lineOf(pos), message });
    return { properties, problems };
  };

  // Text between tags is not read: say so when it holds what was meant as a property.
  const checkText = (from: number, to: number) => {
    const re = /\bproperty\s+name\s*=/g;
    const seg = text.slice(from, to);
    for (let m = re.exec(seg); m; m = re.exec(seg)) {
      const at = from + m.index;
      const end = text.indexOf("\n", at);
      const snippet = text.slice(at, end < 0 ? n : end).trim();
      const shown = snippet.length > 80 ? `${snippet.slice(0, 79)}…` : snippet;
      problems.push({
        line: lineOf(at),
        message: `\`${shown}\` lacks its opening \`<\`, so it is not read; write <property name="..." value="..."/>`,
      });
    }
  };

  while (i < n) {
    const lt = text.indexOf("<", i);
    checkText(i, lt < 0 ? n : lt);
    if (lt < 0) break;
    i = lt;
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) return fail(i, "unterminated comment: `<!--` without `-->`");
      i = end + 3;
      continue;
    }
    if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i);
      if (end < 0) return fail(i, "unterminated CDATA section");
      i = end + 3;
      continue;
    }
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) return fail(i, "unterminated `<?` processing instruction");
      i = end + 2;
      continue;
    }
    if (text.startsWith("<!", i)) {
      const end = text.indexOf(">", i);
      if (end < 0) return fail(i, "unterminated `<!` declaration");
      i = end + 1;
      continue;
    }
    if (text.startsWith("</", i)) {
      const m = /^<\/\s*([A-Za-z_][\w.:-]*)\s*>/.exec(text.slice(i, i + 200));
      if (!m) return fail(i, "malformed closing tag: expected `</name>`");
      const name = m[1]!;
      const top = stack.pop();
      if (!top) return fail(i, `closing tag </${name}> without a matching opening tag`);
      if (top.name !== name)
        return fail(i, `closing tag </${name}> does not match <${top.name}> opened on line ${top.line}`);
      i += m[0].length;
      continue;
    }
    // Start tag.
    const tagLine = lineOf(i);
    const nm = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 200));
    if (!nm) return fail(i, "`<` that does not start a tag (write &lt; for a literal <)");
    const name = nm[1]!;
    let j = i + nm[0].length;
    const attrs = new Map<string, string>();
    let selfClosing = false;
    for (;;) {
      while (j < n && /\s/.test(text[j]!)) j++;
      if (j >= n) return fail(i, `unterminated tag <${name}>: no closing \`>\``);
      if (text[j] === ">") {
        j++;
        break;
      }
      if (text.startsWith("/>", j)) {
        selfClosing = true;
        j += 2;
        break;
      }
      if (text[j] === "<") return fail(i, `unterminated tag <${name}>: no closing \`>\` before line ${lineOf(j)}`);
      const am = /^([A-Za-z_][\w.:-]*)\s*=\s*/.exec(text.slice(j, j + 200));
      if (!am) {
        return fail(j, `malformed attribute in <${name}>: expected name="value"`);
      }
      const attrName = am[1]!;
      j += am[0].length;
      const q = text[j];
      if (q !== '"' && q !== "'")
        return fail(j, `attribute ${attrName} of <${name}> must be quoted: ${attrName}="..."`);
      j++;
      let raw = "";
      let closed = false;
      while (j < n) {
        const c = text[j]!;
        if (c === "\\" && text[j + 1] === q) {
          raw += q;
          j += 2;
          continue;
        }
        if (c === q) {
          closed = true;
          j++;
          break;
        }
        raw += c;
        j++;
      }
      if (!closed) return fail(j - raw.length - 1, `unterminated value of attribute ${attrName} in <${name}>`);
      if (attrs.has(attrName)) return fail(j, `attribute ${attrName} given twice in <${name}>`);
      attrs.set(attrName, decodeEntities(raw));
    }
    if (name === "property") {
      const pname = attrs.get("name");
      const value = attrs.get("value");
      if (pname === undefined) return fail(i, "<property> without a name attribute");
      if (value === undefined) return fail(i, `<property name="${pname}"> without a value attribute`);
      const { scope, where } = scopeOf(stack);
      properties.push({ name: pname, value, line: tagLine, scope, where });
    } else if (/^omero\.(fs\.|data\.dir$)/.test(attrs.get("name") ?? "") && attrs.has("value")) {
      problems.push({
        line: tagLine,
        message: `<${name} name="${attrs.get("name")}" ...> is not read: the element must be <property>`,
      });
    }
    if (!selfClosing) stack.push({ name, attrs, line: tagLine });
    i = j;
  }
  if (stack.length) {
    const top = stack[stack.length - 1]!;
    problems.push({ line: top.line, message: `<${top.name}> opened on line ${top.line} is never closed` });
  }
  return { properties, problems };
}

function describe(e: OpenElement): string {
  const id = e.attrs.get("id");
  return id !== undefined ? `<${e.name} id="${id}">` : `<${e.name}>`;
}

/** Where a property inside these open elements counts (see XmlScope). */
function scopeOf(stack: OpenElement[]): { scope: XmlScope; where: string } {
  const relevant = stack.filter((e) => e.name !== "icegrid" && e.name !== "application");
  if (relevant.length === 0) return { scope: "bare", where: "top level" };
  const where = relevant.map(describe).join(" ");
  if (relevant.some((e) => e.name === "target")) return { scope: "other", where };
  const server = relevant.find((e) => e.name === "server-template" || e.name === "server");
  if (server) {
    const id = server.attrs.get("id");
    const isDropBox = (server.name === "server-template" && id === "DropBoxTemplate") || id === "DropBox";
    if (!isDropBox) return { scope: "other", where };
    // Directly in the server's anonymous <properties> (or in the server itself).
    const named = relevant.find((e) => e.name === "properties" && e.attrs.has("id"));
    return named ? { scope: "other", where } : { scope: "dropbox-server", where };
  }
  const block = relevant.find((e) => e.name === "properties");
  if (block && relevant.length === 1) {
    const id = block.attrs.get("id");
    if (id === "DropBox") return { scope: "dropbox-block", where };
    if (id === "Profile") return { scope: "profile-block", where };
  }
  return { scope: "other", where };
}

/** Rank of a scope: a higher rank wins; within a rank the later line wins. Null: not read. */
export function scopeRank(scope: XmlScope): number | null {
  switch (scope) {
    case "bare":
    case "dropbox-block":
      return 0;
    case "profile-block":
      return 1;
    case "dropbox-server":
      return 2;
    default:
      return null;
  }
}
