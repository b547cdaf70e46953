/**
 * The ledger's invariant (docs/ARCHITECTURE.md, "DropBox pipeline"; issue 19): each file the
 * ledger knows is in a fileset, ignored, refused, existing, imported, or pending with what it
 * waits for; a fileset not yet imported has files; nothing "seen, not grouped" survives a restart
 * or a scan. What the ledger's rows say (ledger/invariant.ts gathers them) judged here. Pure.
 */

/** Rows of one kind: how many, and the first few (paths, or fileset ids). */
export interface RowSample {
  count: number;
  examples: string[];
}

/** What the ledger holds that the invariant looks at (ledger/invariant.ts). */
export interface InvariantFacts {
  files: number;
  /** Pending files without a reason of their own ("seen; not grouped yet"), seen before the check began. */
  notGrouped: RowSample;
  /** Files `grouped` whose fileset is missing or no longer takes members (imported, gone). */
  groupedNowhere: RowSample;
  /** Files that name a fileset while not grouped or imported. */
  strayFileset: RowSample;
  /** Filesets waiting, queued or incomplete with no file. */
  emptyFilesets: RowSample;
}

export interface InvariantProblem {
  kind: "not-grouped" | "grouped-nowhere" | "stray-fileset" | "empty-fileset";
  count: number;
  examples: string[];
  message: string;
}

export interface InvariantVerdict {
  ok: boolean;
  problems: InvariantProblem[];
  /** What is right but worth saying (files the next start groups). */
  notes: string[];
}

const eg = (s: RowSample) => (s.examples.length > 0 ? ` (e.g. ${s.examples.slice(0, 3).join(", ")})` : "");

/**
 * The verdict. `grouped`: the DropBox has just grouped everything it was told of (a running
 * DropBox's check, or its own after a start): a file still seen-not-grouped is a problem. Else
 * (no DropBox runs) such files are what the next start groups: a note.
 */
export function invariantVerdict(f: InvariantFacts, o: { grouped: boolean }): InvariantVerdict {
  const problems: InvariantProblem[] = [];
  const notes: string[] = [];
  const add = (kind: InvariantProblem["kind"], s: RowSample, message: string) =>
    problems.push({ kind, count: s.count, examples: s.examples, message });
  if (f.notGrouped.count > 0) {
    if (o.grouped)
      add(
        "not-grouped",
        f.notGrouped,
        `${f.notGrouped.count} file(s) seen and still not grouped${eg(f.notGrouped)}: run omero-fs dropbox scan; if they stay, restart the DropBox (its start groups them) and report it`,
      );
    else
      notes.push(
        `${f.notGrouped.count} file(s) seen and not grouped${eg(f.notGrouped)}: the DropBox was stopped before grouping them; its next start groups them`,
      );
  }
  if (f.groupedNowhere.count > 0)
    add(
      "grouped-nowhere",
      f.groupedNowhere,
      `${f.groupedNowhere.count} file(s) grouped into no live fileset${eg(f.groupedNowhere)}: restart the DropBox (its start groups them again)`,
    );
  if (f.strayFileset.count > 0)
    add(
      "stray-fileset",
      f.strayFileset,
      `${f.strayFileset.count} file(s) name a fileset while not in one${eg(f.strayFileset)}: restart the DropBox (its start clears the link)`,
    );
  if (f.emptyFilesets.count > 0)
    add(
      "empty-fileset",
      f.emptyFilesets,
      `${f.emptyFilesets.count} fileset(s) not imported have no file${eg(f.emptyFilesets)}: restart the DropBox (its start cancels them)`,
    );
  return { ok: problems.length === 0, problems, notes };
}

/** One line for the log: the verdict, or that the invariant holds over `files` files. */
export function invariantLine(v: InvariantVerdict, files: number): string {
  if (v.ok) return `ledger invariant holds (${files} file(s))${v.notes.length > 0 ? `; ${v.notes.join("; ")}` : ""}`;
  return `ledger invariant broken: ${v.problems.map((p) => p.message).join("; ")}`;
}
