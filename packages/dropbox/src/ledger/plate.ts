/** A plate as the CLI and the status page show it, from the ledger's plate column (readers' PlateSummary as JSON). */
import type { PlateJson } from "@omero-fs/protocol";
import type Database from "better-sqlite3";

/** The stored plate column (readers' PlateSummary as JSON) as `imports show --json` gives it. */
export function plateJson(text: string | null | undefined, reader: string | null): PlateJson | undefined {
  if (!text) return undefined;
  try {
    const p = JSON.parse(text) as Omit<PlateJson, "reader" | "missingImages">;
    return { ...p, reader, missingImages: Math.max(0, p.expectedImages - p.presentImages) };
  } catch {
    return undefined;
  }
}

/** The one-line plate summary of `imports list` and the status page. */
export function plateLine(p: PlateJson): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const dims = [`${p.wells} well${p.wells === 1 ? "" : "s"}`, `${p.fields} field${p.fields === 1 ? "" : "s"}`];
  dims.push(`${p.channels} channel${p.channels === 1 ? "" : "s"}`);
  if (p.timepoints > 1) dims.push(`${p.timepoints} timepoints`);
  if (p.zSteps > 1) dims.push(`${p.zSteps} z`);
  const images =
    p.expectedImages > 0
      ? `${n(p.presentImages)} of ${n(p.expectedImages)} images`
      : `${n(p.presentImages)} images (the plate lists none)`;
  return `${p.format} plate ${p.name}: ${dims.join(" x ")}: ${images}`;
}

/** Whether the ledger has the plates migration's columns (the CLI may read a ledger no DropBox opened since). */
export function hasPlateColumns(db: Database.Database): boolean {
  return (db.prepare("PRAGMA table_info(filesets)").all() as { name: string }[]).some((c) => c.name === "plate");
}
