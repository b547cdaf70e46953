/**
 * What `config set` of a per-watch property did to each watch (pure): `;` separates one value per
 * importUsers entry and an empty or missing slot takes the default, so `set dirImportWait 2` with
 * two watches sets watch 1 only. Said in words, with the command that sets every watch.
 */

import { escapeName } from "@omero-fs/config/names";

function slotsOf(raw: string): string[] {
  return raw.split(";").map((x) => x.trim());
}

/** The value `--all` stores: the one value repeated for every watch (`2` -> `2;2`). */
export function valueForAll(value: string, watches: number): string {
  return Array.from({ length: Math.max(1, watches) }, () => value.trim()).join(";");
}

export interface SlotReportInput {
  /** Full property name. */
  name: string;
  /** Its default raw value. */
  defaultRaw: string;
  /** Effective raw value before and after the change. */
  before: string;
  after: string;
  /** The importUsers entries (an empty one is a skipped watch). */
  users: string[];
}

/** One line per watch (numbered from 1), then how to set every watch when some kept the default. */
export function slotReport(r: SlotReportInput): string[] {
  const total = r.users.length;
  if (total < 2) return [];
  const before = slotsOf(r.before);
  const after = slotsOf(r.after);
  const shown = (s: string | undefined) => (s ? escapeName(s) : `${escapeName(r.defaultRaw) || '""'} (the default)`);
  const lines: string[] = [];
  let defaulted = 0;
  r.users.forEach((user, i) => {
    if (user === "") return;
    const b = before[i] ?? "";
    const a = after[i] ?? "";
    if (a === "") defaulted++;
    const label = `watch ${i + 1} of ${total} (${escapeName(user)})`;
    const was = (b || r.defaultRaw) === (a || r.defaultRaw) ? "unchanged" : `was ${shown(b)}`;
    lines.push(`  ${label}: ${shown(a)}; ${was}`);
  });
  const given = after.filter((s) => s !== "");
  if (defaulted > 0 && given.length === 1 && after.length < total) {
    lines.push(
      `The value has ${after.length} slot for ${total} watches (slots are separated by ;): to set every watch, omero-fs config set ${r.name} ${given[0]} --all (stores ${valueForAll(given[0]!, total)})`,
    );
  }
  return lines;
}
