/**
 * The ledger's fileset rows as the steps read them (filesets.ts writes and queries them): a
 * fileset, its completeness facts, a waiting one with its members, a partition's file, the last
 * importer run, an outcome.
 */
import type { PlateSummary } from "@omero-fs/readers";
import type { MemberObservation } from "../core/readiness";

export interface FilesetInfo {
  id: number;
  watch: number;
  user: string;
  entry: string;
  reader: string | null;
  state: string;
  attempts: number;
}

/** What the ledger keeps of a waiting fileset's completeness (plates migration), for readiness. */
export interface CompletenessFacts {
  /** The first MISSING_KEPT missing member paths. */
  missing: string[];
  missingCount: number;
  expectedCount?: number;
  plate?: PlateSummary;
  released: boolean;
}

/** A waiting fileset with what was last observed of its members (the readiness step's input). */
export interface WaitingFileset {
  id: number;
  user: string;
  members: MemberObservation[];
  completeness: CompletenessFacts;
}

/** A file of one grouping partition, as grouping reads it. */
export interface PartitionFile {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  fileset: number | null;
}

/** Missing member paths kept per fileset (all are counted in missing_count). */
export const MISSING_KEPT = 20;

/** A fileset's last importer run: its number, where it went, and the process group it ran in. */
export interface LastAttempt {
  n: number;
  target: string | null;
  /** Process group of the importer's child (null: in-process, or not recorded). */
  pgid: number | null;
  /** Start time of the group's leader when recorded (processStartTime), so a reused id is not taken for it. */
  pgidStart: string | null;
  startedAt: string;
}

export interface Outcome {
  ok: boolean;
  target: string | null;
  images: unknown[] | null;
  error: string | null;
}
