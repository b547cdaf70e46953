/**
 * The judge's verdict on one layout (issue 18's "the same"): every fileset Bio-Formats makes is one of
 * ours with the same files, entered through its entry or a member that opens the same fileset; or
 * ours holds it whole while members the layout leaves out on purpose are missing. No fileset of ours
 * that Bio-Formats does not make (so files it ignores are in none of ours). Pure.
 */
import type { GoldenLayout, OurFileset, RecordedFileset, RecordedLayout } from "./types";

export interface Verdict {
  layout: string;
  same: boolean;
  /** Bio-Formats' filesets, and how many of them ours make the same. */
  bioFormats: number;
  sameFilesets: number;
  /** Filesets of ours that Bio-Formats does not make. */
  extra: number;
  /** One line each, naming the layout, Bio-Formats' fileset and ours. */
  problems: string[];
}

const setKey = (files: readonly string[]) => [...files].sort().join("\n");
const show = (f: { entry: string; reader: string; files: string[] }) =>
  `${f.entry} (${f.reader.replace(/^loci\.formats\.in\./, "")}) [${f.files.join(", ")}]`;

/**
 * What Bio-Formats made of the files a watch's filters let through: `hidden` paths (omero.fs.ignoreSysFiles:
 * Thumbs.db, desktop.ini, *.tmp, "untitled folder/"...) never reach the DropBox, so they are in none of its
 * filesets (the allowed deviation of the readers README, "System files"); a fileset whose entry is hidden is
 * not expected at all. Pure.
 */
export function seenThroughFilters(recorded: RecordedLayout, hidden: (relPath: string) => boolean): RecordedLayout {
  return {
    ...recorded,
    filesets: recorded.filesets
      .filter((f) => !hidden(f.entry))
      .map((f) => ({
        ...f,
        files: f.files.filter((p) => !hidden(p)),
        opensSame: f.opensSame.filter((p) => !hidden(p)),
      })),
    ignored: recorded.ignored.filter((i) => !hidden(i.path)),
  };
}

/**
 * `ours`: our filesets for the layout (relative paths); `elsewhere`: our word on files in none of them
 * (relative path -> "pending: why" / "ignored: why"); `who`: whose answer it is ("groupFilesets").
 */
export function judge(
  layout: GoldenLayout,
  recorded: RecordedLayout,
  ours: readonly OurFileset[],
  who: string,
  elsewhere: ReadonlyMap<string, string> = new Map(),
): Verdict {
  const onPurpose = new Set(layout.missingOnPurpose ?? []);
  const bfOf = new Map<string, RecordedFileset>();
  for (const b of recorded.filesets) for (const f of b.files) bfOf.set(f, b);
  const ignoredBy = new Map(recorded.ignored.map((i) => [i.path, i]));
  const byKey = new Map(ours.map((f) => [setKey(f.files), f]));
  const problems: string[] = [];
  const say = (s: string) => problems.push(`${layout.name}: ${s}`);
  const matched = new Set<OurFileset>();

  // Held whole: members left out on purpose are all it misses, and it splits no Bio-Formats fileset.
  const heldWhole = (f: OurFileset) =>
    f.missing.length > 0 &&
    f.missing.every((m) => onPurpose.has(m)) &&
    f.files.every((p) => {
      const b = bfOf.get(p);
      return b ? b.files.every((x) => f.files.includes(x) || onPurpose.has(x)) : ignoredBy.has(p);
    });
  const whereOurs = (files: readonly string[]) => {
    const parts = new Set<string>();
    for (const p of files) {
      const f = ours.find((o) => o.files.includes(p));
      parts.add(f ? `in ${show(f)}` : `${p} ${elsewhere.get(p) ?? "in no fileset"}`);
    }
    return [...parts].join("; ");
  };
  const whereBf = (files: readonly string[]) => {
    const parts = new Set<string>();
    for (const p of files) {
      const b = bfOf.get(p);
      const i = ignoredBy.get(p);
      parts.add(b ? `in ${show(b)}` : `${p} ignored (${i ? i.why : "not walked"}${i?.error ? `: ${i.error}` : ""})`);
    }
    return [...parts].join("; ");
  };

  let sameFilesets = 0;
  for (const b of recorded.filesets) {
    const f = byKey.get(setKey(b.files));
    if (f) {
      matched.add(f);
      const before = problems.length;
      if (f.entry !== b.entry && !b.opensSame.includes(f.entry))
        say(
          `${who} enters ${show(f)} through ${f.entry}, which does not open it in Bio-Formats (${b.opensSame.join(", ") || "no member alone"} does)`,
        );
      if (f.reader !== b.reader) say(`${who} reads ${show(f)} with ${f.reader}; Bio-Formats with ${b.reader}`);
      const unneeded = f.missing.filter((m) => !onPurpose.has(m));
      if (unneeded.length > 0)
        say(
          `${who} holds ${show(f)} for ${unneeded.join(", ")}, which Bio-Formats does not need (it makes ${show(b)})`,
        );
      if (problems.length === before) sameFilesets++;
      continue;
    }
    // Bio-Formats lists a named member that is not there (Prairie, NRRD): left out on purpose, it is held for.
    const holder = ours.find((o) => heldWhole(o) && b.files.every((p) => o.files.includes(p) || onPurpose.has(p)));
    if (holder) {
      matched.add(holder);
      sameFilesets++;
      continue;
    }
    say(`Bio-Formats makes ${show(b)}; ${who}: ${whereOurs(b.files)}`);
  }
  let extra = 0;
  for (const f of ours) {
    if (matched.has(f) || heldWhole(f)) continue;
    extra++;
    say(
      `${who} makes ${show(f)}${f.missing.length ? ` missing ${f.missing.join(", ")}` : ""}; Bio-Formats: ${whereBf(f.files)}`,
    );
  }
  return {
    layout: layout.name,
    same: problems.length === 0,
    bioFormats: recorded.filesets.length,
    sameFilesets,
    extra,
    problems,
  };
}
