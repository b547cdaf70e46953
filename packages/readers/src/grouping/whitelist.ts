/**
 * OMERO's whitelist matching (the same rules as @omero-fs/protocol's path rules, kept identical),
 * and the readers' use of it: a whitelist selects filesets by their entry's name, never which
 * members of a wanted fileset are seen (issue 9: whitelist=.ics must still take x.ids).
 */

/** Normalise whitelist entries (".TIF", "tif", "*.ome.tif") to lower-case ".suffix" form. */
export function normaliseWhitelist(list: string[]): string[] {
  return list
    .map((e) => e.trim().replace(/^\*/, "").toLowerCase())
    .filter((e) => e.length > 0 && e !== ".")
    .map((e) => (e.startsWith(".") ? e : `.${e}`));
}

/** Case-insensitive suffix match; multi-part suffixes (".ome.tif") work. Empty list = all. */
export function matchesWhitelist(name: string, normalised: string[]): boolean {
  if (normalised.length === 0) return true;
  const n = name.toLowerCase();
  return normalised.some((ext) => n.endsWith(ext));
}

/** The reason an unwanted fileset's file is ignored. */
export function notWantedReason(entryName: string, normalised: string[], member: boolean): string {
  const of = member ? `its fileset's entry ${entryName}` : entryName;
  return `not wanted: the watch's whitelist (${normalised.join(", ")}) selects filesets by their entry's name, and ${of} does not match`;
}
