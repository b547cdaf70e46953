/** Structure checks (@omero-fs/readers checkFileStructure) cached by (path, size, mtime). */
import { checkFileStructure } from "@omero-fs/readers";
import type { StructureState } from "./core/readiness";

const MAX = 20_000;

export class StructureCache {
  private readonly m = new Map<string, { size: number; mtimeMs: number; s: StructureState }>();

  async check(p: string, size: number, mtimeMs: number): Promise<StructureState> {
    const e = this.m.get(p);
    if (e && e.size === size && e.mtimeMs === mtimeMs) return e.s;
    let s: StructureState;
    try {
      s = await checkFileStructure(p);
    } catch {
      s = { state: "unknown" };
    }
    this.m.delete(p);
    this.m.set(p, { size, mtimeMs, s });
    if (this.m.size > MAX) this.m.delete(this.m.keys().next().value as string);
    return s;
  }

  delete(p: string): void {
    this.m.delete(p);
  }
}
