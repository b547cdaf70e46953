/**
 * The grouping follows OMERO's importer (issue 18, omero.fs.confirmFilesets): what `omero import -f`
 * answered for an entry (a "pin") overrides the readers for those files. Pure.
 *
 * - A pin's files are taken out of the readers' grouping; the pin becomes a fileset of exactly the
 *   files it names that are here (files it adds join it, whatever fileset they were in).
 * - Files of the entry's old fileset that the pin leaves out go back to the readers' grouping; one
 *   the readers would only hold for that entry (pending) is ignored, with why: OMERO's importer
 *   does not import it with it.
 * - A pin with no files (no reader of OMERO's takes the entry) makes the entry ignored, with why.
 */

export interface OmeroPin {
  entry: string;
  reader: string | null;
  /** Empty: OMERO's importer makes no fileset of the entry. */
  files: string[];
}

/** A fileset plan as the readers make them (the fields applyGrouping and readiness read). */
export interface PinnedPlan {
  key: string;
  reader: string;
  entry: string;
  files: string[];
  missing: string[];
  reasons: string[];
  closed: true;
}

export const NO_READER_REASON = "OMERO's importer makes no fileset of it (omero import -f names none)";

export function leftOutReason(entry: string): string {
  return `OMERO's importer does not import it with ${entry} (omero import -f); nothing else opens it`;
}

export interface PinSplit<C extends { path: string }> {
  /** What the readers still group. */
  rest: C[];
  plans: PinnedPlan[];
  ignored: { path: string; reason: string }[];
  /** Files of a pinned entry's old fileset that the pin leaves out: path -> the entry. */
  leftOut: Map<string, string>;
}

/**
 * Split a grouping run's input by the pins whose entry is in it. `oldFileset`: each input path's
 * current fileset (null: none).
 */
export function splitByPins<C extends { path: string }>(
  input: readonly C[],
  pins: readonly OmeroPin[],
  oldFileset: ReadonlyMap<string, number | null>,
): PinSplit<C> {
  const present = new Set(input.map((c) => c.path));
  const taken = new Set<string>();
  const plans: PinnedPlan[] = [];
  const ignored: { path: string; reason: string }[] = [];
  const leftOut = new Map<string, string>();
  // Pins in entry order; a file two pins name goes to the first.
  for (const pin of [...pins].sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0))) {
    if (!present.has(pin.entry) || taken.has(pin.entry)) continue;
    if (pin.files.length === 0) {
      taken.add(pin.entry);
      ignored.push({ path: pin.entry, reason: NO_READER_REASON });
    } else {
      const files = pin.files.filter((f) => present.has(f) && !taken.has(f));
      if (!files.includes(pin.entry)) files.unshift(pin.entry);
      for (const f of files) taken.add(f);
      const rest = files.filter((f) => f !== pin.entry).sort();
      plans.push({
        key: pin.entry,
        reader: pin.reader ?? "omero import -f",
        entry: pin.entry,
        files: [pin.entry, ...rest],
        missing: [],
        reasons: [],
        closed: true,
      });
    }
    const old = oldFileset.get(pin.entry) ?? null;
    if (old === null) continue;
    const kept = new Set(pin.files);
    for (const [p, f] of oldFileset) if (f === old && !kept.has(p) && p !== pin.entry) leftOut.set(p, pin.entry);
  }
  return { rest: input.filter((c) => !taken.has(c.path)), plans, ignored, leftOut };
}

/** After the readers grouped the rest: a left-out file they would only hold for its old entry is ignored. */
export function settleLeftOut(
  pending: { path: string; reason: string }[],
  leftOut: ReadonlyMap<string, string>,
): { pending: { path: string; reason: string }[]; ignored: { path: string; reason: string }[] } {
  const keep: { path: string; reason: string }[] = [];
  const ignored: { path: string; reason: string }[] = [];
  for (const p of pending) {
    const entry = leftOut.get(p.path);
    if (entry === undefined) keep.push(p);
    else ignored.push({ path: p.path, reason: leftOutReason(entry) });
  }
  return { pending: keep, ignored };
}

/**
 * How OMERO's answer differs from the fileset as grouped, in words for the log and `imports show`;
 * null when they name the same files.
 */
export function describeDifference(entry: string, ours: readonly string[], omero: OmeroPin): string | null {
  const mine = new Set(ours);
  const theirs = new Set(omero.files);
  if (mine.size === theirs.size && [...mine].every((f) => theirs.has(f))) return null;
  const list = (xs: readonly string[]) =>
    xs.length <= 10 ? xs.join(", ") : `${xs.slice(0, 10).join(", ")}, ... (${xs.length})`;
  if (omero.files.length === 0)
    return `OMERO's importer makes no fileset of ${entry} (omero import -f); omero-fs grouped ${ours.length} file(s): ${list(ours)}. Following OMERO: ${entry} is not imported; the other files are grouped again`;
  const dropped = ours.filter((f) => !theirs.has(f));
  const added = omero.files.filter((f) => !mine.has(f));
  const parts = [
    `OMERO's importer (omero import -f) makes a fileset of ${omero.files.length} file(s) of ${entry}${omero.reader ? ` (${omero.reader})` : ""}: ${list(omero.files)}`,
    `omero-fs grouped ${ours.length}: ${list(ours)}`,
  ];
  const follow: string[] = [];
  if (dropped.length > 0) follow.push(`${list(dropped)} go back to grouping`);
  if (added.length > 0) follow.push(`${list(added)} join`);
  return `${parts.join("; ")}. Following OMERO: ${follow.join("; ")}`;
}

/**
 * OMERO's answer for one fileset, as pins: `omero import -f` was run on its entry and then its other
 * members (ImportCandidates tries a file only when no earlier group uses it). The group holding
 * the entry is pinned under the entry (the fileset keeps its id); a group made of members it left
 * out is pinned under its first file (a split, imported as OMERO says); a member in no group is
 * pinned empty (OMERO's importer makes nothing of it). `difference`: null when OMERO's fileset is
 * ours.
 */
export function pinsForFileset(
  entry: string,
  members: readonly string[],
  groups: readonly { reader: string | null; files: string[] }[],
): { pins: OmeroPin[]; difference: string | null } {
  const mine = new Set(members);
  const touching = groups.filter((g) => g.files.some((f) => mine.has(f) || f === entry));
  const pins: OmeroPin[] = [];
  const covered = new Set<string>();
  const main = touching.find((g) => g.files.includes(entry)) ?? null;
  const mainPin: OmeroPin = { entry, reader: main?.reader ?? null, files: main ? [...main.files] : [] };
  pins.push(mainPin);
  for (const f of mainPin.files) covered.add(f);
  covered.add(entry);
  const splits: OmeroPin[] = [];
  for (const g of touching) {
    if (g === main) continue;
    const p = { entry: g.files[0]!, reader: g.reader, files: [...g.files] };
    splits.push(p);
    for (const f of g.files) covered.add(f);
  }
  const nothing = members.filter((m) => !covered.has(m)).map((m) => ({ entry: m, reader: null, files: [] }));
  pins.push(...splits, ...nothing);
  let difference = describeDifference(entry, members, mainPin);
  if (difference && splits.length > 0)
    difference += `; OMERO's importer makes ${splits.length} more fileset(s) of them: ${splits.map((p) => `${p.entry} (${p.files.length} file(s))`).join(", ")}`;
  if (difference && nothing.length > 0)
    difference += `; it makes nothing of ${nothing.map((p) => p.entry).join(", ")} (ignored)`;
  return { pins, difference };
}
