/** Structure checks (@omero-fs/readers checkFileStructure) cached by (path, size, mtime). */
import { checkFileStructure, checkFilesetStructureOnDisk } from "@omero-fs/readers";
import type { StructureState } from "./core/readiness";

const MAX = 20_000;
const MAX_SETS = 2_000;

export class StructureCache {
  private readonly m = new Map<string, { size: number; mtimeMs: number; s: StructureState }>();
  private readonly sets = new Map<string, { key: string; problems: { path: string; reason: string }[] }>();

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

  /** Cross-file rules of one fileset, cached by its members' (path, size, mtime). */
  async checkFileset(
    entry: string,
    reader: string | null,
    members: readonly { path: string; size: number; mtimeMs: number }[],
  ): Promise<{ path: string; reason: string }[]> {
    const key = `${reader}\0${entry}\0${members.map((m) => `${m.path}\0${m.size}\0${m.mtimeMs}`).join("\0")}`;
    const hit = this.sets.get(entry);
    if (hit && hit.key === key) return hit.problems;
    let problems: { path: string; reason: string }[];
    try {
      problems = await checkFilesetStructureOnDisk({
        key: entry,
        reader: reader ?? "",
        entry,
        files: members.map((m) => m.path),
        missing: [],
        reasons: [],
      });
    } catch {
      problems = [];
    }
    this.sets.delete(entry);
    this.sets.set(entry, { key, problems });
    if (this.sets.size > MAX_SETS) this.sets.delete(this.sets.keys().next().value as string);
    return problems;
  }

  delete(p: string): void {
    this.m.delete(p);
  }
}
