/** Finding properties by name, their defaults for people, and the README table generated from PROPERTIES. */
import { PROPERTIES, type PropertyDef } from "./properties";

const BY_NAME = new Map(PROPERTIES.map((p) => [p.name, p]));
const BY_SHORT = new Map(PROPERTIES.map((p) => [p.short, p]));

/** The property with this full or short name (exact spelling), or undefined. */
export function findProperty(key: string): PropertyDef | undefined {
  return BY_NAME.get(key) ?? BY_SHORT.get(key);
}

/** The default raw string of a property for a home. */
export function defaultRaw(def: PropertyDef, home: string): string {
  return typeof def.default === "function" ? def.default(home) : def.default;
}

/** Levenshtein distance (insert, delete, substitute; all cost 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known property closest to `key` (full or short name, case-insensitive), as its full name, or
 * null when nothing is close (distance above a third of the name's length, at least 2).
 */
export function didYouMean(key: string): string | null {
  const k = key.toLowerCase();
  const kShort = k.startsWith("omero.fs.") ? k.slice("omero.fs.".length) : k;
  let best: { name: string; d: number } | null = null;
  for (const p of PROPERTIES) {
    const d = Math.min(levenshtein(k, p.name.toLowerCase()), levenshtein(kShort, p.short.toLowerCase()));
    if (!best || d < best.d) best = { name: p.name, d };
  }
  if (!best) return null;
  const limit = Math.max(2, Math.floor(kShort.length / 3));
  return best.d <= limit ? best.name : null;
}

/** " (did you mean omero.fs.X?)" or "". */
export function didYouMeanSuffix(key: string): string {
  const s = didYouMean(key);
  return s ? ` (did you mean ${s}?)` : "";
}

/** Display form of a default for documentation: `<home>` stands for the home directory. */
export function defaultForDocs(def: PropertyDef): string {
  const raw = typeof def.default === "function" ? def.default("<home>") : def.default;
  return raw === "" ? '""' : raw;
}

/**
 * The property reference as a Markdown table (the README's section between the
 * `<!-- properties:begin -->` and `<!-- properties:end -->` markers is this text; a test keeps
 * them equal).
 */
export function propertiesMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const rows = PROPERTIES.map((p) => {
    const env = `OMERO_FS_${p.short.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
    const kind = p.allowed ? `${p.kind}: ${p.allowed.join(", ")}` : p.kind;
    return `| \`${p.name}\` | \`${p.short}\` | ${p.scope} | ${esc(kind)} | \`${esc(defaultForDocs(p))}\` | \`${env}\` | ${esc(p.description).replace(/</g, "&lt;")} |`;
  });
  return [
    "| property | short name | scope | kind | default | environment | description |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
