/**
 * Fileset membership bookkeeping: turn a grouping result (from @omero-fs/readers' groupFilesets)
 * into ledger operations, keeping fileset ids stable across regrouping. Pure.
 *
 * Invariants: a file is in at most one fileset (the ledger column is single-valued, so OMERO's
 * "steal" cannot happen); a file Bio-Formats puts in two filesets (readers FilesetPlan.shared) is a
 * member of its owner and recorded as shared by the others; a waiting or queued fileset whose members all moved elsewhere is
 * cancelled; two such filesets that a new file joins are merged into the older one. Membership is
 * decided until the import starts: a queued fileset whose members change goes back to waiting (its
 * wait restarts). Importing filesets are never input. Files already imported take part as context
 * only: a new file that groups with them is a late member of that imported fileset (the
 * changedAfterImport policy decides what becomes of it).
 */
import type { PlateSummary } from "@omero-fs/readers";
import type { ChangedAfterImport } from "./file-identity";

export interface PlanLike {
  key: string;
  reader: string;
  entry: string;
  files: string[];
  /** Members another plan owns that this one uses too (readers FilesetPlan.shared). */
  shared?: string[];
  missing: string[];
  reasons?: string[];
  /** Every member the entry lists, present or not (readers FilesetPlan.expected). */
  expected?: string[];
  /** HCS plates: what the index says the plate holds (readers FilesetPlan.plate). */
  plate?: PlateSummary;
}

export interface GroupingLike {
  filesets: PlanLike[];
  ignored: { path: string; reason: string }[];
  pending: { path: string; reason: string }[];
}

export interface ExistingFileset {
  id: number;
  entry: string;
  reader: string | null;
  /** Owned members, as listed (entry first once queued). */
  files: string[];
  /** Members another fileset owns (fileset_shared). */
  shared?: string[];
  /** Absent: waiting. A changed queued or incomplete fileset goes back to waiting. */
  state?: "waiting" | "queued" | "incomplete";
}

export interface FilesetUpsert {
  /** Existing waiting fileset id, or null for a new one. */
  id: number | null;
  key: string;
  entry: string;
  reader: string;
  files: string[];
  /** Members another fileset owns that this one uses too (sorted): the importer gets them, readiness waits for them. */
  shared?: string[];
  /** False when an existing fileset kept exactly the same entry, reader and members (shared ones included). */
  changed: boolean;
  /** An existing queued fileset that changed: back to waiting, its wait restarts. */
  unqueue?: boolean;
  /** An existing incomplete fileset that changed (a late file arrived): back to waiting. */
  reopen?: boolean;
  /** Members the entry lists that are not there (the fileset waits for them; see readiness). */
  missing: string[];
  /** Imported files this new fileset takes again (changedAfterImport=reimport with a late member): path -> old fileset. */
  reimports?: Map<string, number>;
}

export type FileAssignment =
  | { state: "grouped"; upsert: number }
  /** A late member of an imported fileset that is not imported (policy log or ignore). */
  | { state: "late"; fileset: number; reason: string; log: boolean }
  | { state: "pending"; reason: string }
  | { state: "ignored"; reason: string };

export interface MembershipOps {
  upserts: FilesetUpsert[];
  /** Waiting filesets left with no member. */
  cancelled: number[];
  /** Every input path's new state; `upsert` indexes `upserts`. */
  files: Map<string, FileAssignment>;
}

/** What a plan says of its completeness, for readiness (the facts the grouping keeps per fileset). */
export function planFacts(plan: { expected?: string[]; closed?: boolean; hold?: string }): {
  expectedCount?: number;
  closed?: boolean;
  hold?: string;
} {
  const f: { expectedCount?: number; closed?: boolean; hold?: string } = {};
  if (plan.expected) f.expectedCount = plan.expected.length;
  if (plan.closed) f.closed = true;
  if (plan.hold) f.hold = plan.hold;
  return f;
}

/** Why a late member of imported fileset N is not imported. */
export function lateReason(fileset: number, policy: ChangedAfterImport): string {
  return policy === "ignore"
    ? `late, after import of fileset ${fileset}: not imported (omero.fs.changedAfterImport=ignore)`
    : `late, after import of fileset ${fileset}: not imported (omero.fs.changedAfterImport=log; set it to reimport to import the fileset again with it)`;
}

/**
 * @param current path -> id of the waiting or queued fileset it is in now (null: none)
 * @param existing the filesets referenced by `current`
 * @param imported files already imported given as context: path -> their imported fileset
 */
export function applyGrouping(
  grouping: GroupingLike,
  current: Map<string, number | null>,
  existing: Map<number, ExistingFileset>,
  imported: Map<string, number> = new Map(),
  policy: ChangedAfterImport = "log",
): MembershipOps {
  const upserts: FilesetUpsert[] = [];
  const files = new Map<string, FileAssignment>();
  const kept = new Set<number>();
  const plans = [...grouping.filesets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const plan of plans) {
    const old = plan.files.filter((f) => imported.has(f));
    if (old.length === plan.files.length) continue; // already imported, nothing new
    if (old.length > 0 && policy !== "reimport") {
      const n = imported.get(plan.entry) ?? imported.get(old[0]!)!;
      for (const f of plan.files)
        if (!imported.has(f))
          files.set(f, { state: "late", fileset: n, reason: lateReason(n, policy), log: policy === "log" });
      continue;
    }
    // A set with members missing is held whole (issue 18, the one allowed difference from Bio-Formats,
    // which would import the present part): a waiting fileset that says "N of M present; missing ...",
    // goes incomplete after incompleteWait and can be released (imports release).
    const ids = new Set<number>();
    for (const f of plan.files) {
      const id = current.get(f);
      if (id !== null && id !== undefined && !kept.has(id)) ids.add(id);
    }
    const id = ids.size > 0 ? Math.min(...ids) : null;
    if (id !== null) kept.add(id);
    const was = id !== null ? existing.get(id) : undefined;
    const shared = [...(plan.shared ?? [])].sort();
    const wasShared = [...(was?.shared ?? [])].sort();
    const changed =
      !was ||
      was.entry !== plan.entry ||
      was.reader !== plan.reader ||
      was.files.length !== plan.files.length ||
      was.files.some((f, i) => f !== plan.files[i]) ||
      wasShared.length !== shared.length ||
      wasShared.some((f, i) => f !== shared[i]);
    const u: FilesetUpsert = {
      id,
      key: plan.key,
      entry: plan.entry,
      reader: plan.reader,
      files: [...plan.files],
      changed,
      missing: [...plan.missing],
    };
    if (shared.length > 0) u.shared = shared;
    if (changed && was?.state === "queued") u.unqueue = true;
    if (changed && was?.state === "incomplete") u.reopen = true;
    if (old.length > 0) u.reimports = new Map(old.map((f) => [f, imported.get(f)!]));
    upserts.push(u);
    for (const f of plan.files) files.set(f, { state: "grouped", upsert: upserts.length - 1 });
  }
  for (const p of grouping.pending) files.set(p.path, { state: "pending", reason: p.reason });
  for (const p of grouping.ignored) files.set(p.path, { state: "ignored", reason: p.reason });
  // Imported files were context: they keep their record unless a reimport takes them again.
  for (const p of imported.keys()) {
    const a = files.get(p);
    if (a && !(a.state === "grouped" && upserts[a.upsert]!.reimports?.has(p))) files.delete(p);
  }
  const cancelled: number[] = [];
  for (const id of existing.keys()) if (!kept.has(id)) cancelled.push(id);
  return { upserts, cancelled: cancelled.sort((a, b) => a - b), files };
}

/** "37 of 40 present; missing: a.tif, b.tif, c.tif (entry x)": what a fileset whose entry lists its members waits for. */
export function presentOf(present: number, missing: readonly string[], entry: string): string {
  const names = missing.slice(0, 10).map((p) => p.slice(p.lastIndexOf("/") + 1));
  const more = missing.length > 10 ? ` and ${missing.length - 10} more` : "";
  return `${present} of ${present + missing.length} present; missing: ${names.join(", ")}${more} (entry ${entry})`;
}
