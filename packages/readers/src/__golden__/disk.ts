/** Golden layouts on disk: where the families live, writing a layout, its hash. */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { GoldenLayout, RecordedFamily } from "./types";

/** The layout modules (layouts/<family>.ts, or .js once compiled). */
export const LAYOUTS_DIR = path.join(__dirname, "layouts");
/** Recorded answers live in the sources (dist/__golden__ -> src/__golden__ when compiled). */
export const RECORDED_DIR = path.resolve(__dirname, "..", "..", "src", "__golden__", "recorded");

export interface Family {
  family: string;
  layouts: GoldenLayout[];
}

/** Every family in layouts/ (or those named), sorted by name. */
export function loadFamilies(only: readonly string[] = []): Family[] {
  const names = fs
    .readdirSync(LAYOUTS_DIR)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .map((f) => f.replace(/\.(ts|js)$/, ""))
    .sort();
  const unknown = only.filter((o) => !names.includes(o));
  if (unknown.length > 0)
    throw new Error(
      `unknown golden famil${unknown.length === 1 ? "y" : "ies"} ${unknown.join(", ")}; known: ${names.join(", ")}`,
    );
  return names
    .filter((n) => only.length === 0 || only.includes(n))
    .map((family) => {
      const mod = require(path.join(LAYOUTS_DIR, family)) as { layouts?: GoldenLayout[] };
      if (!Array.isArray(mod.layouts)) throw new Error(`layouts/${family} exports no \`layouts\` array`);
      return { family, layouts: mod.layouts };
    });
}

export function recordedPath(family: string): string {
  return path.join(RECORDED_DIR, `${family}.json`);
}

/** recorded/<family>.json, or null when it was never recorded. */
export function loadRecorded(family: string): RecordedFamily | null {
  const p = recordedPath(family);
  return fs.existsSync(p) ? (JSON.parse(fs.readFileSync(p, "utf8")) as RecordedFamily) : null;
}

/** A digest of the layout's files (paths and bytes) and missingOnPurpose: recorded answers name it. */
export function layoutHash(layout: GoldenLayout): string {
  const h = createHash("sha256");
  for (const rel of Object.keys(layout.files).sort()) {
    const c = layout.files[rel]!;
    h.update(rel)
      .update("\0")
      .update(typeof c === "string" ? Buffer.from(c, "utf8") : c)
      .update("\0");
  }
  h.update(JSON.stringify([...(layout.missingOnPurpose ?? [])].sort()));
  return h.digest("hex").slice(0, 16);
}

/** Writes the layout's files under `root` (created); returns their absolute paths, sorted. */
export function writeLayout(layout: GoldenLayout, root: string): string[] {
  const out: string[] = [];
  for (const rel of Object.keys(layout.files).sort()) {
    if (rel.startsWith("/") || rel.split("/").includes(".."))
      throw new Error(`layout ${layout.name}: ${rel} is not a relative path inside the layout`);
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, layout.files[rel]!);
    out.push(p);
  }
  return out;
}

/** `p` relative to `root` (POSIX), or `p` itself when outside. */
export function relativeTo(root: string, p: string): string {
  return p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p;
}
