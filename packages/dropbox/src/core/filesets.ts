/**
 * Fileset membership bookkeeping: turn a grouping result (from @omero-fs/readers' groupFilesets)
 * into ledger operations, keeping fileset ids stable across regrouping. Pure.
 *
 * Invariants: a file is in at most one fileset (the ledger column is single-valued, so OMERO's
 * "steal" cannot happen); a waiting fileset whose members all moved elsewhere is cancelled; two
 * waiting filesets that a new file joins are merged into the older one.
 */

export interface PlanLike {
  key: string;
  reader: string;
  entry: string;
  files: string[];
  missing: string[];
  reasons?: string[];
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
  files: string[];
}

export interface FilesetUpsert {
  /** Existing waiting fileset id, or null for a new one. */
  id: number | null;
  key: string;
  entry: string;
  reader: string;
  files: string[];
  /** False when an existing fileset kept exactly the same entry, reader and members. */
  changed: boolean;
}

export type FileAssignment =
  | { state: "grouped"; upsert: number }
  | { state: "pending"; reason: string }
  | { state: "ignored"; reason: string };

export interface MembershipOps {
  upserts: FilesetUpsert[];
  /** Waiting filesets left with no member. */
  cancelled: number[];
  /** Every input path's new state; `upsert` indexes `upserts`. */
  files: Map<string, FileAssignment>;
}

/**
 * @param current path -> id of the waiting fileset it is in now (null: none)
 * @param existing the waiting filesets referenced by `current`
 */
export function applyGrouping(
  grouping: GroupingLike,
  current: Map<string, number | null>,
  existing: Map<number, ExistingFileset>,
): MembershipOps {
  const upserts: FilesetUpsert[] = [];
  const files = new Map<string, FileAssignment>();
  const kept = new Set<number>();
  const plans = [...grouping.filesets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const plan of plans) {
    if (plan.missing.length > 0) {
      const why =
        plan.reasons && plan.reasons.length > 0
          ? plan.reasons.join("; ")
          : `waits for ${plan.missing.join(", ")} (entry ${plan.entry})`;
      for (const f of plan.files) files.set(f, { state: "pending", reason: `incomplete fileset: ${why}` });
      continue;
    }
    const ids = new Set<number>();
    for (const f of plan.files) {
      const id = current.get(f);
      if (id !== null && id !== undefined && !kept.has(id)) ids.add(id);
    }
    const id = ids.size > 0 ? Math.min(...ids) : null;
    if (id !== null) kept.add(id);
    const old = id !== null ? existing.get(id) : undefined;
    const changed =
      !old ||
      old.entry !== plan.entry ||
      old.reader !== plan.reader ||
      old.files.length !== plan.files.length ||
      old.files.some((f, i) => f !== plan.files[i]);
    upserts.push({ id, key: plan.key, entry: plan.entry, reader: plan.reader, files: [...plan.files], changed });
    for (const f of plan.files) files.set(f, { state: "grouped", upsert: upserts.length - 1 });
  }
  for (const p of grouping.pending) files.set(p.path, { state: "pending", reason: p.reason });
  for (const p of grouping.ignored) files.set(p.path, { state: "ignored", reason: p.reason });
  const cancelled: number[] = [];
  for (const id of existing.keys()) if (!kept.has(id)) cancelled.push(id);
  return { upserts, cancelled: cancelled.sort((a, b) => a - b), files };
}
